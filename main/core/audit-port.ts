import { createHash } from 'node:crypto';
import type { Staff } from '../../shared/api/auth';
import type { AuditFilter, AuditSyncStatus } from '../../shared/ipc/contract';
import { createAuditMirror, type AuditMirror, type AuditMirrorOptions } from './audit-mirror';
import type { AuthService } from './auth-service';
import type { EventSink } from './console-core';
import { NotSignedInError } from './errors';
import type { AuditPort } from './ipc-handlers';

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
  /** Background sync while signed in; undefined syncs only when asked. */
  syncIntervalMs?: number;
  workerUrl?: AuditMirrorOptions['workerUrl'];
  /** Builds the mirror (tests may pass their own options through). */
  createMirror?: (options: AuditMirrorOptions) => AuditMirror;
}

export interface ManagedAuditPort extends AuditPort {
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
};

/** A folder-safe name for one shop + staff member (no emails or URLs in paths). */
export function mirrorKey(shopUrl: string, staffId: string): string {
  return createHash('sha256').update(`${new URL(shopUrl).origin}|${staffId}`).digest('hex').slice(0, 32);
}

export function createAuditPort(options: AuditPortOptions): ManagedAuditPort {
  const makeMirror = options.createMirror ?? createAuditMirror;
  let current: { key: string; mirror: AuditMirror; unsubscribe: () => void; timer: ReturnType<typeof setInterval> | null } | null = null;

  async function closeCurrent(): Promise<void> {
    const open = current;
    current = null;
    if (!open) return;
    open.unsubscribe();
    if (open.timer) clearInterval(open.timer);
    await open.mirror.close();
  }

  /** The mirror of whoever is signed in now, or null when nobody is. */
  async function mirrorFor(staff: Staff | null): Promise<AuditMirror | null> {
    if (!staff) {
      await closeCurrent();
      return null;
    }
    const shopUrl = options.auth.shopUrl();
    const key = `${shopUrl}|${staff.id}`;
    if (current?.key === key) return current.mirror;
    await closeCurrent();
    const mirror = makeMirror({
      dataDir: options.dataDirFor(shopUrl, staff.id) ?? undefined,
      source: { shopUrl, tokens: options.auth.tokens() },
      ...(options.workerUrl ? { workerUrl: options.workerUrl } : {}),
    });
    const unsubscribe = mirror.onStatus((status) => { options.emit('audit.status', status); });
    const timer = options.syncIntervalMs
      ? setInterval(() => {
        if (options.auth.staff()?.id === staff.id) void mirror.sync();
      }, options.syncIntervalMs)
      : null;
    timer?.unref();
    current = { key, mirror, unsubscribe, timer };
    return mirror;
  }

  async function required(): Promise<AuditMirror> {
    const mirror = await mirrorFor(options.auth.staff());
    if (!mirror) throw new NotSignedInError('Sign in to see the audit log.');
    return mirror;
  }

  return {
    async status() {
      const mirror = await mirrorFor(options.auth.staff());
      return mirror ? mirror.status() : SIGNED_OUT_STATUS;
    },
    async sync() {
      return (await required()).sync();
    },
    async query(filter: AuditFilter, offset: number, limit: number, signal?: AbortSignal) {
      return (await required()).query(filter, offset, limit, signal);
    },
    async exportTo(filter, format, filePath) {
      return (await required()).exportTo(filter, format, filePath);
    },
    close: closeCurrent,
  };
}
