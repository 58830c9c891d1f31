import { join } from 'node:path';
import { auditFoldersIn, createAuditPort, type AuditPortOptions } from '../core/audit-port';
import { createConsoleCore, type ConsoleCore, type EventSink } from '../core/console-core';
import { createVault } from '../core/vault';
import { brokenKeychain } from './keychain';
import { noViews } from './no-views';

/**
 * A console core on `shopUrl` with the audit folders a user gets inside `dataRoot/console` (the
 * mirror's folder and its parents not there yet), no storefront views and no keychain; `audit`
 * overrides the audit port's defaults.
 */
export function consoleWithAuditFolders(
  shopUrl: string,
  dataRoot: string,
  options: { audit?: Partial<Pick<AuditPortOptions, 'syncIntervalMs' | 'windowDays'>>; emit?: EventSink } = {},
): ConsoleCore {
  return createConsoleCore({
    shopUrl,
    vault: createVault({ keychain: brokenKeychain }),
    viewHost: noViews,
    createAudit: (deps) => createAuditPort({ ...deps, ...auditFoldersIn(join(dataRoot, 'console')), ...options.audit }),
    exportDestination: () => Promise.resolve(null),
    openSessionsFile: join(dataRoot, 'console', 'open-sessions.json'),
    emit: options.emit ?? (() => undefined),
    pollIntervalMs: 60_000,
  });
}
