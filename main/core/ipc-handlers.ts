import type { AuditEvent } from '../../shared/api/audit';
import {
  ipcContract,
  type AuditExportDelivery,
  type AuditFilter,
  type AuditOlderPage,
  type AuditSyncStatus,
  type Bounds,
  type IpcChannel,
  type IpcResponse,
  type IpcValue,
  type LiveUpdatesState,
} from '../../shared/ipc/contract';
import type { z } from 'zod';
import type { AuthService } from './auth/auth-service';
import { toIpcError, UnexpectedFailure } from './errors';
import type { SessionManager } from './sessions/session-manager';
import type { SessionRecovery } from './sessions/session-recovery';
import type { ViewHost } from './view-host';

/**
 * Every channel of the IPC contract as a plain function, and `dispatch`, the one entry point both
 * transports (Electron ipcMain and the browser tier's HTTP) use: it validates the raw arguments
 * against the contract before any handler runs and never throws to its caller.
 */

/** The audit mirror as the handlers use it (main/core/audit-mirror exports the real one). */
export interface AuditPort {
  status(): AuditSyncStatus | Promise<AuditSyncStatus>;
  sync(): Promise<AuditSyncStatus>;
  /** Starts checking again every stored event and checkpoint; the status reports progress. */
  verifyAgain(): Promise<AuditSyncStatus>;
  /** While the shop's event stream is live it says when the log grows: the background timer rests. */
  setStreamLive?(live: boolean): void;
  /** Pins a key the shop lists that this console had not pinned. */
  trustKey(keyId: string): Promise<AuditSyncStatus>;
  /** `signal`: the viewer no longer wants the answer; a query still waiting its turn is dropped. */
  query(
    filter: AuditFilter,
    offset: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<{ total: number; events: AuditEvent[] }> | { total: number; events: AuditEvent[] };
  /** The filter over history older than the mirror holds, a page from the shop (a supervisor's window). */
  older(filter: AuditFilter, before: number | null, limit: number, signal?: AbortSignal): Promise<AuditOlderPage>;
  exportTo(filter: AuditFilter, format: 'csv' | 'jsonl', filePath: string): Promise<{ count: number }>;
  /** Opens the signed-in person's local mirror in the background (sign-in). */
  open?(): Promise<void>;
  /** Closes the signed-in person's local mirror (sign-out, app exit). */
  close?(): Promise<void>;
}

/** Where one audit export is written, and how it reaches the agent. */
export interface ExportDestination {
  filePath: string;
  delivery: AuditExportDelivery;
  /** The export failed: drop what was set aside for it. */
  discard?(): Promise<void>;
}

/** Picks where an export goes (a save dialog in Electron, a download in the browser tier); null when the agent cancels. */
export type ExportDestinations = (defaultName: string) => Promise<ExportDestination | null>;

/** Exports saved where a path chooser (Electron's save dialog) says; the agent is told that path. */
export function savedExports(choosePath: (defaultName: string) => Promise<string | null>): ExportDestinations {
  return async (defaultName) => {
    const path = await choosePath(defaultName);
    return path === null ? null : { filePath: path, delivery: { kind: 'saved', path } };
  };
}

export interface IpcHandlerDeps {
  auth: AuthService;
  sessions: SessionManager;
  viewHost: Pick<ViewHost, 'show'>;
  audit: AuditPort;
  exportDestination: ExportDestinations;
  /** The shop's event stream's state; none: the console has no stream (it polls). */
  liveState?: () => LiveUpdatesState;
  /** The notice about sessions a crashed run left; none: the console keeps no journal. */
  recovery?: Pick<SessionRecovery, 'notice' | 'dismiss'>;
  /** The audit screen opened or closed; none: the console has no stream to pace. */
  watchAudit?: (watching: boolean) => void;
}

type ParsedArgs<C extends IpcChannel> = z.output<(typeof ipcContract)[C]['args']>;

/**
 * What a transport knows about one call besides its arguments. `signal` fires when the caller has
 * given up on the answer (the browser tier: the page aborted its request); reads from the shop
 * pass it on so the shop request is aborted too. Electron's ipcMain.handle has no cancellation.
 */
export interface CallContext {
  signal?: AbortSignal | undefined;
}

export type IpcHandlers = {
  readonly [C in IpcChannel]: (args: ParsedArgs<C>, context: CallContext) => Promise<IpcValue<C>>;
};

export function createIpcHandlers(deps: IpcHandlerDeps): IpcHandlers {
  const api = () => deps.auth.client();
  return {
    'auth.state': () => deps.auth.state(),
    'auth.signIn': (a) => deps.auth.signIn(a.shopUrl, a.email, a.password),
    'auth.verifyMfa': (a) => deps.auth.verifyMfa(a.code),
    'auth.signOut': () => deps.auth.signOut(),

    'shop.stores': (_a, c) => api().stores(c),
    'shop.searchCustomers': (a, c) => api().searchCustomers(a, c),
    'shop.customer': (a, c) => api().customer(a.id, c),
    'shop.documents': (a, c) => api().documents(a.customerId, a.type, c),
    'shop.document': (a, c) => api().document(a.customerId, a.documentId, c),
    'shop.sessions': (a) => api().listSessions({ status: a.status, customerId: a.customerId }),
    'shop.sessionTimeline': (a, c) => api().sessionTimeline(a.sessionId, c),
    'shop.customerActiveSessions': (a, c) => api().customerActiveSessions(a.customerId, c),
    'shop.settings': () => api().settings(),
    'shop.saveSettings': (a) => api().saveSettings(a),
    'shop.assistPolicy': () => api().assistPolicy(),

    'sessions.start': (a) => deps.sessions.start(a),
    'sessions.open': () => Promise.resolve(deps.sessions.list()),
    'sessions.end': (a) => deps.sessions.end(a.sessionId),
    'sessions.keepAlive': (a) => deps.sessions.keepAlive(a.sessionId),
    'sessions.reloadView': (a) => deps.sessions.reloadView(a.sessionId),
    'sessions.switchMode': (a) => deps.sessions.switchMode(a),
    'sessions.terminate': (a) => deps.sessions.terminate(a.sessionId, a.note),
    'sessions.recovery': () => Promise.resolve({ notice: deps.recovery?.notice() ?? null }),
    'sessions.dismissRecovery': () => {
      deps.recovery?.dismiss();
      return Promise.resolve({});
    },
    'sessions.show': (a) => {
      const bounds: Bounds | undefined = a.bounds;
      deps.viewHost.show(a.sessionId, bounds);
      return Promise.resolve({});
    },

    'audit.status': async () => deps.audit.status(),
    'live.state': () => Promise.resolve(deps.liveState?.() ?? 'stopped'),
    'audit.sync': () => deps.audit.sync(),
    'audit.watch': (a) => {
      deps.watchAudit?.(a.watching);
      return Promise.resolve({});
    },
    'audit.verifyAgain': () => deps.audit.verifyAgain(),
    'audit.trustKey': (a) => deps.audit.trustKey(a.keyId),
    'audit.query': async (a, c) => deps.audit.query(a.filter, a.offset, a.limit, c.signal),
    'audit.older': (a, c) => deps.audit.older(a.filter, a.before, a.limit, c.signal),
    'audit.staff': (_a, c) => api().auditStaff(c),
    'audit.recent': (a, c) => api().auditRecent(a.limit, c),
    'audit.export': async (a) => {
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const destination = await deps.exportDestination(`concierge-audit-${stamp}.${a.format}`);
      if (destination === null) return { count: 0, delivery: null };
      try {
        const { count } = await deps.audit.exportTo(a.filter, a.format, destination.filePath);
        return { count, delivery: destination.delivery };
      } catch (error) {
        await destination.discard?.();
        throw error;
      }
    },
  };
}

/**
 * The handlers, with every unexpected failure (what toIpcError can only call `internal_error` or
 * a bad shop answer) reported with its stack, and the person told where the log is.
 */
export function reportingUnexpected(
  handlers: IpcHandlers,
  report: (channel: IpcChannel, error: unknown) => void,
  logLocation: string | null,
): IpcHandlers {
  const wrapped: Partial<Record<IpcChannel, (a: unknown, c: CallContext) => Promise<unknown>>> = {};
  for (const channel of Object.keys(handlers) as IpcChannel[]) {
    const handler = handlers[channel] as (a: unknown, c: CallContext) => Promise<unknown>;
    wrapped[channel] = async (args, context) => {
      try {
        return await handler(args, context);
      } catch (error) {
        // A call its caller aborted (a superseded query) fails by design: nothing to report.
        if (context.signal?.aborted) throw error;
        const code = toIpcError(error).code;
        if (code !== 'internal_error' && code !== 'bad_shop_response') throw error;
        report(channel, error);
        if (code === 'bad_shop_response') throw error;
        throw new UnexpectedFailure(logLocation, { cause: error });
      }
    };
  }
  return wrapped as unknown as IpcHandlers;
}

export function isIpcChannel(name: string): name is IpcChannel {
  return Object.hasOwn(ipcContract, name);
}

/**
 * Validates `rawArgs` for `channel`, runs its handler, checks the result against the contract
 * and returns an IpcResponse. Bad arguments come back as kind `validation`; every other failure
 * is mapped by toIpcError. Nothing is thrown.
 */
export async function dispatch(
  handlers: IpcHandlers,
  channel: string,
  rawArgs: unknown,
  context: CallContext = {},
): Promise<IpcResponse<IpcChannel>> {
  if (!isIpcChannel(channel)) {
    return {
      ok: false,
      error: {
        kind: 'validation',
        code: 'unknown_channel',
        message: `There is no call named ${JSON.stringify(channel).slice(0, 80)}.`,
      },
    };
  }
  const spec = ipcContract[channel];
  const args = spec.args.safeParse(rawArgs ?? {});
  if (!args.success) return { ok: false, error: toIpcError(args.error) };
  try {
    const handler = handlers[channel] as (a: unknown, c: CallContext) => Promise<unknown>;
    const value = await handler(args.data, context);
    const checked = spec.result.safeParse(value);
    if (!checked.success) {
      return {
        ok: false,
        error: {
          kind: 'internal',
          code: 'bad_result',
          message: `The console produced an answer for ${channel} that breaks its own contract.`,
        },
      };
    }
    return { ok: true, value: checked.data };
  } catch (error) {
    return { ok: false, error: toIpcError(error) };
  }
}
