import { z } from 'zod';
import { AuditEvent, type AuditCheckpoint, type AuditSigningKey } from '../../../shared/api/audit';
import {
  CheckpointLine,
  EXPORT_VERSION,
  ExportHeaderLine,
  SigningKeyLine,
  type ExportInfo,
} from '../../../shared/audit/export-format';
import { CHAIN_START, sha256Hex, verifyChain, type ChainLink, type Sha256Hex } from '../../../shared/audit/chain';
import {
  checkCheckpoint,
  fromBase64Url,
  keyIdOf,
  type CheckpointProblem,
  type Ed25519Verify,
} from '../../../shared/audit/checkpoint';

/**
 * Verifies a console's JSON Lines audit export, one line at a time, with no shop and no console:
 * each event's hash, the links between contiguous events, each checkpoint's signature, and each
 * checkpoint against the event at its seq. Memory holds the checkpoints and counters, never events.
 */

/** The kinds of line, in the order an export holds them; an event line has none of the wrapper keys. */
const LINE_ORDER = ['start', 'export', 'signingKey', 'checkpoint', 'event'] as const;
type LineKind = Exclude<(typeof LINE_ORDER)[number], 'start'>;
type Phase = (typeof LINE_ORDER)[number];

export type FailureKind =
  | 'not_an_export'
  | 'malformed_line'
  | 'misplaced_line'
  | 'bad_key'
  | 'checkpoint_order'
  | 'unknown_key'
  | 'bad_signature'
  | 'hash_mismatch'
  | 'broken_link'
  | 'out_of_order'
  | 'history_rewritten';

/** A failure's name as the report heads it. */
export const FAILURE_TITLE: Record<FailureKind, string> = {
  not_an_export: 'not an audit export',
  malformed_line: 'malformed line',
  misplaced_line: 'line out of place',
  bad_key: 'bad signing key',
  checkpoint_order: 'checkpoints out of order',
  unknown_key: 'checkpoint signed by an unknown key',
  bad_signature: 'forged or altered checkpoint',
  hash_mismatch: 'event changed',
  broken_link: 'chain broken',
  out_of_order: 'events out of order',
  history_rewritten: 'history rewritten',
};

export interface ExportFailure {
  readonly kind: FailureKind;
  /** 1-based line number in the file. */
  readonly line: number;
  readonly seq: number | null;
  /** What is wrong, in words. */
  readonly reason: string;
}

export interface KeyUse {
  readonly keyId: string;
  readonly retiredAt: string | null;
  /** Checkpoints in the export this key signed. */
  readonly checkpoints: number;
}

export interface ExportSummary {
  readonly info: ExportInfo | null;
  /** Where the trusted keys came from: a keys file the auditor got from the shop, or the export itself. */
  readonly keySource: 'keys_file' | 'export';
  /** The trusted keys and how many checkpoints each signed. */
  readonly keys: readonly KeyUse[];
  /** Key ids the export lists (its signingKey lines). */
  readonly exportKeyIds: readonly string[];
  readonly events: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** Places where seq jumps by more than one (a filtered or partial export); links across them are not checked. */
  readonly gaps: number;
  /** Checkpoints whose signature was checked. */
  readonly checkpoints: number;
  /** Of those, the ones whose seq the export holds, compared with that event's hash. */
  readonly checkpointsCompared: number;
  readonly newestCheckpointSeq: number | null;
  /** Events that reach a matching checkpoint through contiguous events. */
  readonly covered: number;
  readonly coveredThroughSeq: number | null;
  /** Events after the newest checkpoint: not signed yet (not a failure). */
  readonly unsignedTail: number;
  readonly unsignedTailFromSeq: number | null;
  /** Other events no matching checkpoint reaches (a gap or a checkpoint beyond the export cuts them off). */
  readonly uncovered: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly summary: ExportSummary }
  | { readonly ok: false; readonly failure: ExportFailure; readonly summary: ExportSummary };

export interface VerifyOptions {
  /** The keys to trust (the body of the shop's GET /audit/keys); null trusts the export's own signingKey lines. */
  readonly trustedKeys: readonly AuditSigningKey[] | null;
  /** SHA-256 for event hashes; Node callers pass node:crypto's, which is faster. */
  readonly hashHex?: Sha256Hex;
  /** Ed25519 check for checkpoint signatures; Node callers pass node:crypto's (shared/ defaults to a pure-JS one). */
  readonly verifySignature?: Ed25519Verify;
}

/** Why a key entry cannot be trusted as written, or null: its key id must be the one its public key gives. */
export function keyProblem(key: AuditSigningKey): string | null {
  const publicKey = fromBase64Url(key.publicKey);
  if (publicKey.length !== 32) return `key ${key.keyId}: the public key is not 32 bytes`;
  const id = keyIdOf(publicKey);
  return id === key.keyId ? null : `key ${key.keyId}: its public key has the id ${id}, not ${key.keyId}`;
}

interface State {
  line: number;
  phase: Phase;
  info: ExportInfo | null;
  readonly trusted: Map<string, AuditSigningKey>;
  readonly keyUses: Map<string, number>;
  readonly exportKeyIds: string[];
  readonly checkpoints: Map<number, AuditCheckpoint>;
  checkpointCount: number;
  compared: number;
  newestCheckpointSeq: number | null;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  lastHash: string;
  gaps: number;
  /** Events of the current contiguous run that no matching checkpoint has reached yet. */
  pending: number;
  covered: number;
  coveredThroughSeq: number | null;
  unsignedTail: number;
  unsignedTailFromSeq: number | null;
  failure: ExportFailure | null;
}

type Fail = (kind: FailureKind, reason: string, seq?: number | null) => ExportFailure;

/** What reading a line needs besides the state: the hash and signature functions, and where the keys came from. */
interface Tools {
  readonly hashHex: Sha256Hex;
  readonly verify: Ed25519Verify | undefined;
  readonly keysFromFile: boolean;
}

/** Feed lines with `push` (each returns the first failure once there is one) and call `finish` at the end. */
export function createExportVerifier(options: VerifyOptions): {
  push: (text: string) => ExportFailure | null;
  finish: () => VerifyResult;
} {
  const tools: Tools = {
    hashHex: options.hashHex ?? sha256Hex,
    verify: options.verifySignature,
    keysFromFile: options.trustedKeys !== null,
  };
  const state = initialState(options.trustedKeys);
  const push = (text: string): ExportFailure | null => {
    state.line += 1;
    if (state.failure) return state.failure;
    if (text.trim() === '') return null;
    const fail: Fail = (kind, reason, seq = null) => ({ kind, line: state.line, seq, reason });
    state.failure = readLine(state, text, fail, tools);
    return state.failure;
  };
  const finish = (): VerifyResult => {
    const summary = summarize(state, options.trustedKeys !== null);
    if (state.failure) return { ok: false, failure: state.failure, summary };
    if (state.info) return { ok: true, summary };
    const failure: ExportFailure = { kind: 'not_an_export', line: state.line, seq: null, reason: 'the file is empty' };
    return { ok: false, failure, summary };
  };
  return { push, finish };
}

/** Verifies a whole export given as lines (a file read line by line, or an array in memory). */
export async function verifyExportLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: VerifyOptions,
): Promise<VerifyResult> {
  const verifier = createExportVerifier(options);
  for await (const line of lines) if (verifier.push(line)) break;
  return verifier.finish();
}

function initialState(trustedKeys: readonly AuditSigningKey[] | null): State {
  return {
    line: 0,
    phase: 'start',
    info: null,
    trusted: new Map((trustedKeys ?? []).map((k) => [k.keyId, k])),
    keyUses: new Map(),
    exportKeyIds: [],
    checkpoints: new Map(),
    checkpointCount: 0,
    compared: 0,
    newestCheckpointSeq: null,
    events: 0,
    firstSeq: null,
    lastSeq: null,
    lastHash: CHAIN_START.lastHash,
    gaps: 0,
    pending: 0,
    covered: 0,
    coveredThroughSeq: null,
    unsignedTail: 0,
    unsignedTailFromSeq: null,
    failure: null,
  };
}

function lineKind(raw: Record<string, unknown>): LineKind {
  if ('export' in raw) return 'export';
  if ('signingKey' in raw) return 'signingKey';
  if ('checkpoint' in raw) return 'checkpoint';
  return 'event';
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'does not match the expected shape';
  const path = issue.path.map(String).join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

function readLine(state: State, text: string, fail: Fail, tools: Tools): ExportFailure | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const reason = `not JSON (${error instanceof Error ? error.message : String(error)})`;
    return state.phase === 'start' ? fail('not_an_export', reason) : fail('malformed_line', reason);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    return fail(state.phase === 'start' ? 'not_an_export' : 'malformed_line', 'not a JSON object');
  const kind = lineKind(raw as Record<string, unknown>);
  if (state.phase === 'start' && kind !== 'export')
    return fail(
      'not_an_export',
      'line 1 is not an export header ({"export":{"format":"concierge-audit",…}}); exports made before signed checkpoints have none',
    );
  if (LINE_ORDER.indexOf(kind) < LINE_ORDER.indexOf(state.phase) || (kind === 'export' && state.phase !== 'start'))
    return fail(
      'misplaced_line',
      `a ${kind} line after ${state.phase} lines: an export holds its header, keys, checkpoints, then events`,
    );
  state.phase = kind;
  if (kind === 'export') return readHeader(state, raw, fail);
  if (kind === 'signingKey') return readKey(state, raw, fail, tools.keysFromFile);
  if (kind === 'checkpoint') return readCheckpoint(state, raw, fail, tools);
  return readEvent(state, raw as Record<string, unknown>, fail, tools);
}

function readHeader(state: State, raw: unknown, fail: Fail): ExportFailure | null {
  const parsed = ExportHeaderLine.safeParse(raw);
  if (!parsed.success) {
    const version = (raw as { export?: { version?: unknown } }).export?.version;
    if (typeof version === 'number' && version !== EXPORT_VERSION)
      return fail('not_an_export', `export version ${version}: this verifier reads version ${EXPORT_VERSION}`);
    return fail('not_an_export', `the export header is malformed (${issueText(parsed.error)})`);
  }
  state.info = parsed.data.export;
  return null;
}

function readKey(state: State, raw: unknown, fail: Fail, keysFromFile: boolean): ExportFailure | null {
  const parsed = SigningKeyLine.safeParse(raw);
  if (!parsed.success) return fail('malformed_line', `signingKey line: ${issueText(parsed.error)}`);
  const key = parsed.data.signingKey;
  const problem = keyProblem(key);
  if (problem) return fail('bad_key', problem);
  state.exportKeyIds.push(key.keyId);
  if (!keysFromFile) state.trusted.set(key.keyId, key);
  return null;
}

const CHECKPOINT_REASON: Record<
  Exclude<CheckpointProblem, 'hash_mismatch'>,
  (keyId: string, fromFile: boolean) => string
> = {
  unknown_key: (keyId, fromFile) =>
    `signed by key ${keyId}, which ${fromFile ? 'is not in the keys file (the shop’s keys)' : 'the export does not list'}`,
  bad_signature: (keyId) => `its signature does not verify with key ${keyId}: the checkpoint was altered or forged`,
};

function readCheckpoint(state: State, raw: unknown, fail: Fail, tools: Tools): ExportFailure | null {
  const parsed = CheckpointLine.safeParse(raw);
  if (!parsed.success) return fail('malformed_line', `checkpoint line: ${issueText(parsed.error)}`);
  const checkpoint = parsed.data.checkpoint;
  const { seq } = checkpoint;
  if (state.newestCheckpointSeq !== null && seq <= state.newestCheckpointSeq)
    return fail('checkpoint_order', `checkpoint at seq ${seq} after the one at seq ${state.newestCheckpointSeq}`, seq);
  const check = checkCheckpoint(checkpoint, state.trusted, () => undefined, tools.verify);
  if (!check.ok) {
    const problem = check.problem === 'hash_mismatch' ? 'bad_signature' : check.problem;
    return fail(
      problem,
      `checkpoint at seq ${seq}: ${CHECKPOINT_REASON[problem](checkpoint.keyId, tools.keysFromFile)}`,
      seq,
    );
  }
  state.keyUses.set(checkpoint.keyId, (state.keyUses.get(checkpoint.keyId) ?? 0) + 1);
  state.checkpoints.set(seq, checkpoint);
  state.newestCheckpointSeq = seq;
  state.checkpointCount += 1;
  return null;
}

const CHAIN_REASON: Record<'hash_mismatch' | 'broken_link' | 'out_of_order', (seq: number, prev: number) => string> = {
  hash_mismatch: () => 'the event’s hash does not match its contents: the event was changed after it was written',
  broken_link: (seq) =>
    `its prevHash is not the hash of seq ${seq - 1}: an event at or before seq ${seq - 1} was changed or removed`,
  out_of_order: (seq, prev) => `seq ${seq} comes after seq ${prev}: events must be in increasing seq order`,
};

function readEvent(state: State, raw: Record<string, unknown>, fail: Fail, tools: Tools): ExportFailure | null {
  const parsed = AuditEvent.safeParse(raw);
  const rawSeq = typeof raw.seq === 'number' ? raw.seq : null;
  if (!parsed.success) return fail('malformed_line', `not an audit event (${issueText(parsed.error)})`, rawSeq);
  const { seq, hash } = parsed.data;
  // The hash covers the line as written (raw), so a key added anywhere in it is a change too.
  const check = verifyChain(
    [raw as Record<string, unknown> & ChainLink],
    { lastSeq: state.lastSeq ?? 0, lastHash: state.lastHash },
    tools.hashHex,
  );
  if (!check.ok) return fail(check.problem, CHAIN_REASON[check.problem](seq, state.lastSeq ?? 0), seq);
  if (state.lastSeq !== null && seq !== state.lastSeq + 1) {
    state.gaps += 1;
    state.pending = 0;
  }
  state.pending += 1;
  if (state.newestCheckpointSeq === null || seq > state.newestCheckpointSeq) {
    state.unsignedTail += 1;
    state.unsignedTailFromSeq ??= seq;
  }
  const checkpoint = state.checkpoints.get(seq);
  if (checkpoint) {
    const compared = checkCheckpoint(checkpoint, state.trusted, (s) => (s === seq ? hash : undefined), tools.verify);
    if (!compared.ok)
      return fail(
        'history_rewritten',
        `the shop’s history was rewritten at or before seq ${seq}: the checkpoint signed at ${checkpoint.at} says its hash is ${checkpoint.hash}, the export’s event has ${hash}`,
        seq,
      );
    state.checkpoints.delete(seq);
    state.compared += 1;
    state.covered += state.pending;
    state.pending = 0;
    state.coveredThroughSeq = seq;
  }
  state.events += 1;
  state.firstSeq ??= seq;
  state.lastSeq = seq;
  state.lastHash = hash;
  return null;
}

function summarize(state: State, keysFromFile: boolean): ExportSummary {
  return {
    info: state.info,
    keySource: keysFromFile ? 'keys_file' : 'export',
    keys: [...state.trusted.values()].map((k) => ({
      keyId: k.keyId,
      retiredAt: k.retiredAt,
      checkpoints: state.keyUses.get(k.keyId) ?? 0,
    })),
    exportKeyIds: state.exportKeyIds,
    events: state.events,
    firstSeq: state.firstSeq,
    lastSeq: state.lastSeq,
    gaps: state.gaps,
    checkpoints: state.checkpointCount,
    checkpointsCompared: state.compared,
    newestCheckpointSeq: state.newestCheckpointSeq,
    covered: state.covered,
    coveredThroughSeq: state.coveredThroughSeq,
    unsignedTail: state.unsignedTail,
    unsignedTailFromSeq: state.unsignedTailFromSeq,
    uncovered: state.events - state.covered - state.unsignedTail,
  };
}
