import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Staff } from '../../shared/api/auth';
import { REVERIFY_IDLE, SIGNING_UNKNOWN, type AuditFilter, type AuditSyncStatus } from '../../shared/ipc/contract';
import type { AuditSigningKey } from '../../shared/api/audit';
import { createAuditMirror, type AuditMirror, type AuditMirrorOptions } from './audit-mirror';
import {
  defaultTemplateMakerFile,
  mirrorTemplate,
  nodeTemplateMaker,
  TEMPLATE_FOLDER,
  type MirrorTemplate,
  type TemplateMaker,
} from './audit-mirror/template';
import { keyPinsIn } from './audit-mirror/key-pins';
import { DEFAULT_AUDIT_WINDOW_DAYS } from './audit-mirror/window';
import { pathExists } from './private-dir';
import type { AuthService } from './auth/auth-service';
import type { EventSink } from './console-core';
import { ConsoleRefusedError, NotSignedInError } from './errors';
import type { Logger } from './logging';
import type { AuditPort } from './ipc-handlers';
import { shopBaseOf } from '../../shared/shop-address';

/**
 * The audit mirror as the IPC handlers see it: one mirror per signed-in staff member and shop
 * (a supervisor's mirror holds everyone's events, so the next person at the machine must never
 * read it), opened on first use after sign-in, closed when someone else signs in.
 */

export interface AuditPortOptions {
  auth: AuthService;
  emit: EventSink;
  /** The mirror's data folder for this shop and staff member; null keeps it in memory. */
  dataDirFor: (shopUrl: string, staffId: string) => string | null;
  /** The empty mirror every new mirror starts as a copy of, set up in the background (template.ts); none when undefined. */
  templateDir?: string;
  /** Makes the template in a process of its own (default: a Node child process running template-maker.ts). */
  makeTemplate?: TemplateMaker;
  /** The file of this shop's pinned signing keys (kept apart from the mirrors, which are caches); null keeps them in memory. */
  keyPinsFor?: (shopUrl: string) => string | null;
  /** Signing keys configuration names (CONCIERGE_AUDIT_KEYS): pinned instead of trusting the first sync. */
  configuredKeys?: AuditSigningKey[];
  /**
   * Days of history a supervisor's mirror keeps (CONCIERGE_AUDIT_WINDOW_DAYS, configuredWindowDays);
   * null keeps everything. Default: DEFAULT_AUDIT_WINDOW_DAYS (90). Agents' mirrors keep all their own events.
   */
  windowDays?: number | null;
  /** Background sync while signed in; undefined syncs only when asked. */
  syncIntervalMs?: number;
  workerUrl?: AuditMirrorOptions['workerUrl'];
  /** Builds the mirror (tests may pass their own options through). */
  createMirror?: (options: AuditMirrorOptions) => AuditMirror;
  /** The `audit-mirror` logger: mirrors opened, and background failures (a sync the timer started). */
  logger: Logger;
}

export interface ManagedAuditPort extends AuditPort {
  /** Opens the signed-in person's mirror in the background (at sign-in: the audit screen then finds it open). */
  open(): Promise<void>;
  /** Closes the open mirror (app exit). */
  close(): Promise<void>;
}

const SIGNED_OUT_STATUS: AuditSyncStatus = {
  state: 'idle',
  lastSeq: 0,
  headSeq: 0,
  synced: 0,
  message: 'Sign in to see the audit log.',
  verification: { ok: true, checked: 0 },
  lastSyncAt: null,
  scope: 'own',
  window: null,
  signing: SIGNING_UNKNOWN,
  reverify: REVERIFY_IDLE,
};

/** How often a signed-in console syncs its mirror in the background (npm start, Electron). */
export const BACKGROUND_SYNC_INTERVAL_MS = 30_000;

/** A folder-safe name for one shop + staff member (no emails or URLs in paths). */
export function mirrorKey(shopUrl: string, staffId: string): string {
  return createHash('sha256')
    .update(`${shopBaseOf(shopUrl)}|${staffId}`)
    .digest('hex')
    .slice(0, 32);
}

/** The mirror folders inside the console's data folder, the same for the launcher, Electron and tests. */
export function mirrorDirsIn(consoleDataDir: string): (shopUrl: string, staffId: string) => string {
  return (shopUrl, staffId) => join(consoleDataDir, 'audit', mirrorKey(shopUrl, staffId));
}

/** The audit folders inside the console's data folder: each mirror's, the template, and each shop's pinned signing keys. */
export function auditFoldersIn(
  consoleDataDir: string,
): Pick<AuditPortOptions, 'dataDirFor' | 'keyPinsFor' | 'templateDir'> {
  return {
    dataDirFor: mirrorDirsIn(consoleDataDir),
    templateDir: join(consoleDataDir, 'audit', TEMPLATE_FOLDER),
    keyPinsFor: (shopUrl) => join(consoleDataDir, 'audit', `signing-keys-${mirrorKey(shopUrl, 'shop')}.json`),
  };
}

/** Says once per mirror, in the log, when the shop's checkpoints contradict its log. */
function logRewrites(logger: Logger): (status: AuditSyncStatus) => void {
  let told = false;
  return (status) => {
    const rewritten = status.signing.rewritten;
    if (!rewritten || told) return;
    told = true;
    logger.error(
      { seq: rewritten.seq, problem: rewritten.problem },
      "the shop's audit history was rewritten at or before this seq",
    );
  };
}

/**
 * What this mirror opens from: its folder, or for a new one a copy of the template when there is
 * one (no initdb to wait for); and what the status says meanwhile.
 */
async function prepareFolder(
  dataDir: string | null,
  template: MirrorTemplate | null,
): Promise<{ openingMessage: string; templateDir?: string }> {
  if (!dataDir || (await pathExists(dataDir))) return { openingMessage: OPENING_EXISTING };
  const templateDir = await template?.ready();
  return templateDir ? { openingMessage: OPENING_EXISTING, templateDir } : { openingMessage: OPENING_NEW };
}

/**
 * Support engineers (and the restart journey) read in the log whether a reopened mirror resumed
 * or started over; the startup benchmark reads how long opening took.
 */
function logOpening(mirror: AuditMirror, logger: Logger): void {
  mirror.opened().then(
    ({ status, openMs }) => {
      logger.info(
        {
          resumeAfterSeq: status.lastSeq,
          stored: status.synced,
          heldAfter: status.window?.heldAfter ?? 0,
          openMs: Math.round(openMs),
        },
        'audit mirror opened',
      );
    },
    (error: unknown) => {
      logger.error({ err: error }, 'opening the audit mirror failed');
    },
  );
}

const OPENING_EXISTING = "Opening this computer's copy of the audit log…";
const OPENING_NEW = "Setting up this computer's copy of the audit log (first use)…";

export function createAuditPort(options: AuditPortOptions): ManagedAuditPort {
  // The shop's event stream says when the log grows; the timer syncs only while it does not.
  let streamLive = false;
  const makeMirror = options.createMirror ?? createAuditMirror;
  const template = options.templateDir
    ? mirrorTemplate(
        options.templateDir,
        options.makeTemplate ?? nodeTemplateMaker(defaultTemplateMakerFile()),
        options.logger,
      )
    : null;
  let current: {
    key: string;
    mirror: AuditMirror;
    unsubscribe: () => void;
    timer: ReturnType<typeof setInterval> | null;
  } | null = null;
  // One opening or closing at a time: a status and a query arriving together must not open two mirrors.
  let turn: Promise<unknown> = Promise.resolve();

  async function closeCurrent(): Promise<void> {
    const open = current;
    current = null;
    if (!open) return;
    open.unsubscribe();
    if (open.timer) clearInterval(open.timer);
    await open.mirror.close();
  }

  async function openMirror(staff: Staff, key: string): Promise<AuditMirror> {
    const shopUrl = options.auth.shopUrl();
    const dataDir = options.dataDirFor(shopUrl, staff.id);
    const folder = await prepareFolder(dataDir, template);
    const mirror = makeMirror({
      dataDir: dataDir ?? undefined,
      ...folder,
      source: { shopUrl, tokens: options.auth.tokens() },
      scope: staff.permissions.includes('audit.read.all') ? 'all' : 'own',
      keyPins: keyPinsIn(options.keyPinsFor?.(shopUrl) ?? null, options.configuredKeys),
      windowDays: options.windowDays === undefined ? DEFAULT_AUDIT_WINDOW_DAYS : options.windowDays,
      logger: options.logger,
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    const logRewrite = logRewrites(options.logger);
    const unsubscribe = mirror.onStatus((status) => {
      options.emit('audit.status', status);
      logRewrite(status);
    });
    logOpening(mirror, options.logger);
    const backgroundSync = () => {
      if (options.auth.staff()?.id !== staff.id || streamLive) return;
      mirror.sync().catch((error: unknown) => {
        options.logger.error({ err: error }, 'background audit sync failed');
      });
    };
    const timer = options.syncIntervalMs ? setInterval(backgroundSync, options.syncIntervalMs) : null;
    timer?.unref();
    // With background sync on, a mirror catches up as soon as it opens, not one interval later.
    if (timer) backgroundSync();
    current = { key, mirror, unsubscribe, timer };
    return mirror;
  }

  /** The mirror of whoever is signed in now, or null when nobody is. */
  function mirrorFor(staff: Staff | null): Promise<AuditMirror | null> {
    const next = turn.then(async () => {
      if (!staff) {
        await closeCurrent();
        return null;
      }
      const key = `${options.auth.shopUrl()}|${staff.id}`;
      if (current?.key === key) return current.mirror;
      await closeCurrent();
      return openMirror(staff, key);
    });
    turn = next.catch(() => undefined);
    return next;
  }

  async function required(): Promise<AuditMirror> {
    const mirror = await mirrorFor(options.auth.staff());
    if (!mirror) throw new NotSignedInError('Sign in to see the audit log.');
    return mirror;
  }

  return {
    setStreamLive(live: boolean) {
      streamLive = live;
    },
    async status() {
      const mirror = await mirrorFor(options.auth.staff());
      return mirror ? mirror.statusNow() : SIGNED_OUT_STATUS;
    },
    async sync() {
      return (await required()).sync();
    },
    async verifyAgain() {
      return (await required()).verifyAgain();
    },
    async trustKey(keyId: string) {
      // The pins serve everyone who signs in on this machine: only a reader of the whole log decides.
      if (!options.auth.staff()?.permissions.includes('audit.read.all'))
        throw new ConsoleRefusedError('forbidden', 'Only a supervisor or an administrator can trust a signing key.');
      return (await required()).trustKey(keyId);
    },
    async query(filter: AuditFilter, offset: number, limit: number, signal?: AbortSignal) {
      return (await required()).query(filter, offset, limit, signal);
    },
    async older(filter, before, limit, signal) {
      return (await required()).older(filter, before, limit, signal);
    },
    async exportTo(filter, format, filePath) {
      return (await required()).exportTo(filter, format, filePath);
    },
    async open() {
      await mirrorFor(options.auth.staff());
    },
    async close() {
      await mirrorFor(null);
      await template?.close();
    },
  };
}
