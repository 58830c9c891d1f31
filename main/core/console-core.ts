import type { IpcEventName, IpcEventPayload } from '../../shared/ipc/contract';
import { createAuthService, type AuthService } from './auth-service';
import { createIpcHandlers, type AuditPort, type IpcHandlers } from './ipc-handlers';
import { createPartitionPool, type PartitionPool } from './partition-pool';
import { createSessionManager, type SessionManager } from './session-manager';
import type { CredentialVault } from './vault';
import type { ViewHost } from './view-host';

/**
 * The console's core wired together, the same for the Electron glue and the browser tier: each
 * passes its own view host, vault, export-path chooser and event sink.
 */

export type EventSink = <E extends IpcEventName>(event: E, payload: IpcEventPayload<E>) => void;

export interface ConsoleCoreOptions {
  shopUrl: string;
  vault: CredentialVault;
  viewHost: ViewHost;
  /** Builds the audit mirror once the core exists (it reads the shop with the sign-in of `auth`). */
  createAudit: (deps: { auth: AuthService; emit: EventSink }) => AuditPort;
  chooseExportPath: (defaultName: string) => Promise<string | null>;
  emit: EventSink;
  poolSize?: number;
  pollIntervalMs?: number;
  heartbeatIntervalMs?: number;
  log?: (message: string) => void;
}

export interface ConsoleCore {
  handlers: IpcHandlers;
  auth: AuthService;
  sessions: SessionManager;
  pool: PartitionPool;
  audit: AuditPort;
  /** App exit: ends every open session at the shop (awaited), then stops timers. */
  shutdown(): Promise<void>;
}

export const DEFAULT_POOL_SIZE = 4;

export function createConsoleCore(options: ConsoleCoreOptions): ConsoleCore {
  const auth = createAuthService({
    shopUrl: options.shopUrl,
    vault: options.vault,
    onChange: (state) => { options.emit('auth.changed', state); },
  });
  const pool = createPartitionPool({ size: options.poolSize ?? DEFAULT_POOL_SIZE, wipe: (partition) => options.viewHost.wipe(partition) });
  const sessions = createSessionManager({
    api: () => auth.client(),
    viewHost: options.viewHost,
    pool,
    onChange: (list) => { options.emit('sessions.changed', list); },
    ...(options.pollIntervalMs !== undefined ? { pollIntervalMs: options.pollIntervalMs } : {}),
    ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const audit = options.createAudit({ auth, emit: options.emit });
  auth.setBeforeSignOut(async () => {
    await sessions.endAll('sign_out');
    await audit.close?.();
  });
  const handlers = createIpcHandlers({ auth, sessions, viewHost: options.viewHost, audit, chooseExportPath: options.chooseExportPath });
  let shuttingDown: Promise<void> | null = null;

  return {
    handlers,
    auth,
    sessions,
    pool,
    audit,
    shutdown() {
      shuttingDown ??= (async () => {
        await sessions.endAll('app_exit');
        sessions.dispose();
        auth.dispose();
        await audit.close?.();
      })();
      return shuttingDown;
    },
  };
}
