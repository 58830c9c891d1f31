import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

/** The first event's prevHash. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON as the Assistance API defines it: object keys sorted at every level, no
 * whitespace. Keys whose value is undefined are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value) as string | undefined;
    if (text === undefined) throw new TypeError(`cannot encode ${typeof value} as JSON`);
    return text;
  }
  if (Array.isArray(value))
    return `[${value.map((v: unknown) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  return canonicalObject(value as Record<string, unknown>, null);
}

/**
 * An object's canonical JSON, leaving out `skip`. Keys sort by UTF-16 code units (what the
 * default sort and `<` both compare); one string is built, with no entry arrays on the way.
 */
function canonicalObject(object: Readonly<Record<string, unknown>>, skip: string | null): string {
  const keys = Object.keys(object).sort();
  let out = '{';
  for (const key of keys) {
    if (key === skip) continue;
    const v = object[key];
    if (v === undefined) continue;
    if (out.length > 1) out += ',';
    out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** A SHA-256 of UTF-8 text as lowercase hex. Node callers may pass node:crypto's, which is faster. */
export type Sha256Hex = (text: string) => string;

/** `hash = sha256_hex(canonical_json(event without "hash"))`. */
export function computeEventHash(event: Readonly<Record<string, unknown>>, hashHex: Sha256Hex = sha256Hex): string {
  return hashHex(canonicalObject(event, 'hash'));
}

export interface ChainLink {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
}

export type ChainCheck =
  | { ok: true; checked: number; lastSeq: number; lastHash: string }
  | { ok: false; checked: number; badSeq: number; problem: 'hash_mismatch' | 'broken_link' | 'out_of_order' };

export interface ChainState {
  /** The last verified event, or null before the first. */
  readonly lastSeq: number;
  readonly lastHash: string;
}

export const CHAIN_START: ChainState = { lastSeq: 0, lastHash: GENESIS_HASH };

/**
 * Verifies events in seq order, continuing from `from`. Each event must hash to its own `hash`,
 * and where seq follows the previous one directly, its prevHash must be that event's hash.
 * A reader who sees only part of the log (an agent's own events) has gaps; across a gap only
 * the events themselves can be checked, which is all that reader can know.
 */
export function verifyChain<E extends ChainLink>(
  events: Iterable<E>,
  from: ChainState = CHAIN_START,
  hashHex: Sha256Hex = sha256Hex,
): ChainCheck {
  let { lastSeq, lastHash } = from;
  let checked = 0;
  for (const event of events) {
    if (event.seq <= lastSeq) return { ok: false, checked, badSeq: event.seq, problem: 'out_of_order' };
    if (computeEventHash(event as unknown as Record<string, unknown>, hashHex) !== event.hash) {
      return { ok: false, checked, badSeq: event.seq, problem: 'hash_mismatch' };
    }
    const contiguous = event.seq === lastSeq + 1;
    if (contiguous && event.prevHash !== lastHash)
      return { ok: false, checked, badSeq: event.seq, problem: 'broken_link' };
    lastSeq = event.seq;
    lastHash = event.hash;
    checked += 1;
  }
  return { ok: true, checked, lastSeq, lastHash };
}
