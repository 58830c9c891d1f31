import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AuditCheckpoint, AuditEvent, AuditSigningKey } from '../../../shared/api/audit';
import { computeEventHash, GENESIS_HASH } from '../../../shared/audit/chain';
import { signCheckpoint, toBase64Url, type SigningKeyPair } from '../../../shared/audit/checkpoint';
import { runAuditVerify } from './cli';

/**
 * Real exports for the tests: events hashed and linked as shop/audit/append.ts does, checkpoints
 * signed with real Ed25519 keys, written as the console's exporter writes them.
 */

const START = Date.parse('2025-06-01T09:00:00.000Z');
const ACTIONS = ['session.start', 'session.page_view', 'session.action', 'session.end'] as const;

/** The event after `prev` (or the first), hashed over everything but its hash. */
export function nextEvent(prev: AuditEvent | null, seq: number, details: Record<string, unknown> = {}): AuditEvent {
  const body: Omit<AuditEvent, 'hash'> = {
    seq,
    id: `evt_${String(seq).padStart(8, '0')}`,
    at: new Date(START + seq * 1000).toISOString(),
    action: ACTIONS[seq % ACTIONS.length] ?? 'session.start',
    actor: { type: 'staff', id: 'stf_agent', name: 'Alex Agent' },
    customerId: 'cus_000001',
    sessionId: `ses_${String(Math.floor(seq / 10))}`,
    ip: '127.0.0.1',
    userAgent: 'Concierge test',
    details: { page: `/orders/${String(seq)}`, ...details },
    prevHash: prev?.hash ?? GENESIS_HASH,
  };
  return { ...body, hash: computeEventHash(body) };
}

/** Events 1..count of one log. */
export function buildChain(count: number): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (let seq = 1; seq <= count; seq += 1) events.push(nextEvent(events.at(-1) ?? null, seq));
  return events;
}

/** What an attacker with the database does: change event `seq` and re-hash every event from it on. */
export function rewriteFrom(
  events: readonly AuditEvent[],
  seq: number,
  details: Record<string, unknown>,
): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (const event of events) {
    const prev = out.at(-1) ?? null;
    if (event.seq < seq) out.push(event);
    else {
      const body = { ...event, details: event.seq === seq ? { ...event.details, ...details } : event.details };
      const linked = { ...body, prevHash: prev?.hash ?? GENESIS_HASH };
      out.push({ ...linked, hash: computeEventHash(linked) });
    }
  }
  return out;
}

/** The shop's checkpoints: one at every `every`-th seq of `events`. */
export function checkpointsEvery(events: readonly AuditEvent[], every: number, key: SigningKeyPair): AuditCheckpoint[] {
  return events
    .filter((e) => e.seq % every === 0)
    .map((e) => signCheckpoint({ seq: e.seq, hash: e.hash, at: new Date(Date.parse(e.at) + 500).toISOString() }, key));
}

export function keyEntry(key: SigningKeyPair): AuditSigningKey {
  return {
    keyId: key.keyId,
    algorithm: 'Ed25519',
    publicKey: toBase64Url(key.publicKey),
    createdAt: '2025-05-01T00:00:00.000Z',
    retiredAt: null,
  };
}

export interface ExportParts {
  readonly filter?: Record<string, unknown>;
  readonly keys: readonly AuditSigningKey[];
  readonly checkpoints: readonly AuditCheckpoint[];
  readonly events: readonly AuditEvent[];
}

/** The export's lines: header, keys, checkpoints, events. */
export function exportLines(parts: ExportParts): string[] {
  const header = {
    export: {
      format: 'concierge-audit',
      version: 1,
      createdAt: '2025-06-02T10:00:00.000Z',
      filter: parts.filter ?? {},
      shopUrl: 'http://127.0.0.1:4310',
    },
  };
  return [
    JSON.stringify(header),
    ...parts.keys.map((signingKey) => JSON.stringify({ signingKey })),
    ...parts.checkpoints.map((checkpoint) => JSON.stringify({ checkpoint })),
    ...parts.events.map((event) => JSON.stringify(event)),
  ];
}

/** A temporary folder for export files, removed by `close`. */
export async function exportDir(): Promise<{
  write: (name: string, lines: readonly string[]) => Promise<string>;
  close: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'audit-verify-'));
  return {
    write: async (name, lines) => {
      const path = join(dir, name);
      await writeFile(path, lines.map((line) => `${line}\n`).join(''));
      return path;
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `npm run audit:verify` run in this process (the command's own entry): its exit code and output. */
export async function runVerifyInProcess(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runAuditVerify(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}
