import type { IpcEventName, IpcEventPayload, LiveUpdatesState } from '../../shared/ipc/contract';
import { createAuthService, type AuthService } from './auth/auth-service';
import {
  createIpcHandlers,
  reportingUnexpected,
  type AuditPort,
  type ExportDestinations,
  type IpcHandlers,
} from './ipc-handlers';
import { createOpenSessionsJournal } from './sessions/open-sessions-journal';
import { createLiveUpdates, type LiveUpdates } from './live-updates';
import { createPartitionPool, type PartitionPool } from './partition-pool';
import { createSessionManager, type SessionManager } from './sessions/session-manager';
import { createSessionRecovery, type SessionRecovery } from './sessions/session-recovery';
import { asLogFn, defaultLogger, type Logger, type LogModule } from './logging';
import type { CredentialVault } from './vault';
import type { ViewHost } from './view-host';

/**
 * The console's core wired together, the same for the Electron glue and the browser tier: each
 * passes its own view host, vault, export destination and event sink.
 */

export type EventSink = <E extends IpcEventName>(event: E, payload: IpcEventPayload<E>) => void;

export interface ConsoleCoreOptions {
  shopUrl: string;
  /** Every shop sign-in may use; default: only `shopUrl`. */
  shops?: readonly string[];
  vault: CredentialVault;
  viewHost: ViewHost;
  /** Builds the audit mirror once the core exists (it reads the shop with the sign-in of `auth`). */
  createAudit: (deps: { auth: AuthService; emit: EventSink; logger: Logger }) => AuditPort;
  /** Electron: `savedExports(save dialog)`; the browser tier: one-time downloads. */
  exportDestination: ExportDestinations;
  emit: EventSink;
  poolSize?: number;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  /** How often open sessions' console leases are renewed (default 20 s, a third of the shop's lease). */
  leaseRenewIntervalMs?: number;
  /**
   * The journal of sessions open in this console (a JSON file in the console data folder):
   * the next sign-in ends what a crash left open. `join(dataDir, 'open-sessions.json')`.
   */
  openSessionsFile: string;
  log?: (message: string) => void;
  /** Named loggers (main/core/logging.ts); none: silent. */
  loggers?: (name: LogModule) => Logger;
  /** The console's log file, named in "something went wrong" messages so the person can find it. */
  logFile?: string;
}

export interface ConsoleCore {
  handlers: IpcHandlers;
  auth: AuthService;
  sessions: SessionManager;
  pool: PartitionPool;
  audit: AuditPort;
  /** Ends, at each sign-in, the sessions a crashed run of this console left open. */
  recovery: SessionRecovery;
  /** App exit: ends every open session at the shop (awaited), then stops timers. */
  shutdown(): Promise<void>;
}

export const DEFAULT_POOL_SIZE = 4;

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const loggers = options.loggers ?? defaultLogger;
  const log = options.log ?? asLogFn(loggers('sessions'));
  const journal = createOpenSessionsJournal({ file: options.openSessionsFile, log });
  // Made once the session manager and the audit port exist; sign-ins before that start it then.
  let live: LiveUpdates | null = null;
  const auth = createAuthService({
    shopUrl: options.shopUrl,
    ...(options.shops ? { shops: options.shops } : {}),
    vault: options.vault,
    logger: loggers('auth'),
    onChange: (state) => {
      options.emit('auth.changed', state);
      recovery.onAuthState(state);
      // The mirror opens (and starts syncing) at sign-in, so the audit screen finds it ready.
      if (state.status === 'signed_in') {
        void openAudit();
        if (live && !live.running()) live.start();
      } else if (state.status === 'signed_out') live?.stop();
    },
  });
  const pool = createPartitionPool({
    size: options.poolSize ?? DEFAULT_POOL_SIZE,
    wipe: (partition) => options.viewHost.wipe(partition),
  });
  const sessions = createSessionManager({
    api: () => auth.client(),
    viewHost: options.viewHost,
    pool,
    onChange: (list) => {
      options.emit('sessions.changed', list);
    },
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.leaseRenewIntervalMs !== undefined ? { leaseRenewIntervalMs: options.leaseRenewIntervalMs } : {}),
    journal,
    log,
  });
  const recovery = createSessionRecovery({
    journal,
    api: () => auth.client(),
    openHere: () => sessions.list().map((s) => s.session.id),
    emit: options.emit,
    log,
  });
  const audit = options.createAudit({ auth, emit: options.emit, logger: loggers('audit-mirror') });
  const liveLog = asLogFn(loggers('live-updates'));
  let liveState: LiveUpdatesState = 'stopped';
  live = createLiveUpdates({
    shopUrl: () => auth.shopUrl(),
    tokens: () => auth.tokens(),
    onSession: (session) => {
      options.emit('live.session', session);
      void sessions.told(session);
    },
    onAuditGrew: () => {
      audit.sync().catch((error: unknown) => {
        liveLog(`audit sync after the shop said the log grew failed: ${String(error)}`);
      });
    },
    // Whatever changed while the stream was down: asked for once.
    onLive: () => {
      void sessions.pollNow();
    },
    onState: (state) => {
      liveState = state;
      sessions.setStreamLive(state === 'live');
      audit.setStreamLive?.(state === 'live');
      options.emit('live.state', state);
    },
    // A stream that drops and comes back (the shop restarting) is news, not a warning.
    log: asLogFn(loggers('live-updates'), 'info'),
  });
  if (auth.staff()) live.start();
  const openAudit = () =>
    audit.open?.().catch((error: unknown) => {
      loggers('audit-mirror').error({ err: error }, 'opening the audit mirror at sign-in failed');
    });
  auth.setBeforeSignOut(async () => {
    await sessions.endAll('sign_out');
    await audit.close?.();
  });
  const ipcLogger = loggers('ipc');
  const handlers = reportingUnexpected(
    createIpcHandlers({
      auth,
      sessions,
      viewHost: options.viewHost,
      audit,
      exportDestination: options.exportDestination,
      recovery,
      liveState: () => liveState,
      watchAudit: (watching) => {
        live.watchAudit(watching);
      },
    }),
    (channel, error) => {
      ipcLogger.error({ err: error, channel }, 'call failed unexpectedly');
    },
    options.logFile ?? null,
  );
  let shuttingDown: Promise<void> | null = null;

  return {
    handlers,
    auth,
    sessions,
    pool,
    audit,
    recovery,
    shutdown() {
      shuttingDown ??= (async () => {
        await recovery.settled();
        await sessions.endAll('app_exit');
        live.stop();
        sessions.dispose();
        auth.dispose();
        await audit.close?.();
      })();
      return shuttingDown;
    },
  };
}
