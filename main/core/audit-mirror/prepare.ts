/**
 * Everything about storing a page that does not need the database: validation against the API's
 * schema, the page's shape, chain verification, time-order tracking, and the rows in PostgreSQL's
 * COPY text format. Pure, so it runs on the mirror's verifier thread while the store thread
 * inserts the page before it; the store then checks that the page was verified from exactly the
 * state it holds (see ingest.ts, ingestPrepared).
 */
import { AuditPage, type AuditEvent } from '../../../shared/api/audit';
import { verifyChain, type ChainState } from '../../../shared/audit/chain';
import { AUDIT_COLUMNS } from '../../../shared/audit/codec';
import { searchText } from './schema';
import { nodeSha256Hex } from './node-crypto';

/** The shop sent something the API does not allow; syncing stops rather than store it. */
export class BadPageError extends Error {}

/** What verifying the next page starts from; stored in mirror_state with the cursor. */
export interface VerifyState {
  chain: ChainState;
  checked: number;
  bad: { seq: number; problem: string } | null;
  lastAtMs: number;
  /** No event so far is older than the one before it. */
  atInOrder: boolean;
}

/** A validated, verified page, ready for one COPY. */
export interface PreparedPage {
  /** The cursor the page was fetched with. */
  after: number;
  nextAfter: number;
  headSeq: number;
  /** The head the shop reported (headSeq is at least the cursor); a head behind the mirror means lost events. */
  shopHead: number;
  received: number;
  /** The verification state the page was checked from, and the state after it. */
  from: VerifyState;
  to: VerifyState;
  /** The rows for `COPY audit_events (COPY_COLUMNS) FROM …` in text format, UTF-8. */
  rows: Uint8Array<ArrayBuffer>;
  /** The rows for `COPY audit_search (seq, search) FROM …`: each event's search text. */
  searchRows: Uint8Array<ArrayBuffer>;
  /** The first and last seq on the page (0 when it is empty). */
  firstSeq: number;
  lastSeq: number;
}

/** The codec's columns with `at` twice: as sent (it is hashed), and as the timestamp `at_ts`. */
const COPY_COLUMN_NAMES = AUDIT_COLUMNS.flatMap((column) => (column === 'at' ? ['at', 'at_ts'] : [column]));

/** The columns of each COPY row, in order. */
export const COPY_COLUMNS = COPY_COLUMN_NAMES.join(', ');

/** Checks what the schema cannot: order, and that the page lies between `after` and its cursor. */
function checkPageShape(after: number, page: AuditPage): void {
  if (page.nextAfter < after)
    throw new BadPageError(`The shop moved the cursor back (after ${after}, next ${page.nextAfter}).`);
  let previous = after;
  for (const event of page.events) {
    if (event.seq <= previous)
      throw new BadPageError(`The shop sent event ${event.seq} out of order (after ${previous}).`);
    previous = event.seq;
  }
  if (previous > page.nextAfter)
    throw new BadPageError(`The shop's cursor ${page.nextAfter} is behind its last event ${previous}.`);
}

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** Text with a lone UTF-16 surrogate (UTF-8 cannot carry it) or a NUL (PostgreSQL text cannot) is not stored. */
const storable = (text: string) =>
  (text as string & { isWellFormed(): boolean }).isWellFormed() && !text.includes('\0');

/** A time with digits below the millisecond that are not all zero (the in-order check works in whole milliseconds). */
const SUB_MILLISECOND = /\.\d{3}\d*[1-9]/;

/** One COPY text-format field: backslash, newline, carriage return and tab escaped; null is \N. */
function field(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : value;
}

/** Each event's search text (schema.ts, searchText) in COPY text format. */
export function copySearchRows(events: readonly AuditEvent[]): string {
  let out = '';
  for (const e of events) out += `${e.seq}\t${field(searchText(e))}\n`;
  return out;
}

/**
 * The page's rows in COPY text format, fields in COPY_COLUMNS order. Written out by hand because it
 * is the first sync's hot loop; prepare.test.ts stores pages through it and reads them back exactly.
 */
export function copyRows(events: readonly AuditEvent[]): string {
  let out = '';
  for (const e of events) {
    const at = field(e.at);
    out += `${e.seq}\t${field(e.id)}\t${at}\t${at}\t${field(e.action)}\t${field(e.actor.type)}\t${field(e.actor.id)}\t${field(e.actor.name)}\t${field(e.customerId)}\t${field(e.sessionId)}\t${field(e.ip)}\t${field(e.userAgent)}\t${field(JSON.stringify(e.details))}\t${field(e.prevHash)}\t${field(e.hash)}\n`;
  }
  return out;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** A page as the API client hands it on: the response's JSON bytes, or a value already parsed. */
function pageValue(raw: unknown): unknown {
  if (!(raw instanceof ArrayBuffer)) return raw;
  try {
    return JSON.parse(decoder.decode(raw));
  } catch {
    throw new BadPageError('The shop sent an audit page that is not valid UTF-8 JSON.');
  }
}

/**
 * Validates a page fetched with `after` (an AuditPage, the response's JSON as is, or its bytes)
 * and verifies it continuing from `from`. Throws BadPageError for anything the API does not
 * allow; a chain that does not verify is not an error here: `to.bad` records the first bad seq.
 */
export function preparePage(after: number, raw: unknown, from: VerifyState): PreparedPage {
  const parsed = AuditPage.safeParse(pageValue(raw));
  if (!parsed.success)
    throw new BadPageError(
      `The shop sent an invalid audit page: ${parsed.error.issues[0]?.message ?? 'schema mismatch'}.`,
    );
  const page = parsed.data;
  checkPageShape(after, page);
  let { chain, checked, bad, lastAtMs, atInOrder } = from;
  for (const event of page.events) {
    const at = Date.parse(event.at);
    // Sub-millisecond times could be out of order within one millisecond: count them as out
    // of order, so that "in order" always means a time range is exactly a seq range.
    if (at < lastAtMs || SUB_MILLISECOND.test(event.at)) atInOrder = false;
    else lastAtMs = at;
  }
  if (!bad) {
    const fresh = page.events.filter((e) => e.seq > chain.lastSeq);
    const check = verifyChain(fresh, chain, nodeSha256Hex);
    checked += check.checked;
    if (check.ok) {
      if (check.checked > 0) chain = { lastSeq: check.lastSeq, lastHash: check.lastHash };
    } else {
      bad = { seq: check.badSeq, problem: check.problem };
    }
  }
  const text = copyRows(page.events);
  const search = copySearchRows(page.events);
  if (!storable(text) || !storable(search))
    throw new BadPageError('The shop sent an audit event with text that cannot be stored (a NUL or a lone surrogate).');
  return {
    after,
    nextAfter: page.nextAfter,
    headSeq: Math.max(page.head.seq, page.nextAfter),
    shopHead: page.head.seq,
    received: page.events.length,
    from,
    to: { chain, checked, bad, lastAtMs, atInOrder },
    rows: encoder.encode(text),
    searchRows: encoder.encode(search),
    firstSeq: page.events[0]?.seq ?? 0,
    lastSeq: page.events.at(-1)?.seq ?? 0,
  };
}

/** Whether two verification states are the same (the store checks a page was verified from its own). */
export function sameVerifyState(a: VerifyState, b: VerifyState): boolean {
  return (
    a.chain.lastSeq === b.chain.lastSeq &&
    a.chain.lastHash === b.chain.lastHash &&
    a.checked === b.checked &&
    (a.bad?.seq ?? null) === (b.bad?.seq ?? null) &&
    (a.bad?.problem ?? null) === (b.bad?.problem ?? null) &&
    a.lastAtMs === b.lastAtMs &&
    a.atInOrder === b.atInOrder
  );
}
