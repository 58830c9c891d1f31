import {
  MatchField,
  type CustomerSearchQuery,
  type CustomerSearchResponse,
  type CustomerSummary,
} from '../../shared/api/shop';
import {
  consentFromText,
  consentStatusSql,
  consentTextSql,
  type ConsentColumnsSql,
  type ConsentTextRow,
} from '../consent/status';
import type { AccessGate } from '../auth/guard';
import type { Queryable } from '../db/database';
import { classifyQuery, type QueryKind } from './classify';
import { badCursor, decodeCursor, encodeCursor, searchFingerprint, type SearchPosition } from './cursor';

/**
 * Customer search. Results are ranked in segments — prefix matches (an exact match is the
 * smallest value with its own prefix, so it comes first), then "contains" matches — and each
 * segment is one bounded index walk in the order of its sort key (ORDER BY … LIMIT on a btree, or
 * a trigram GIN bitmap for "contains"). A customer appears once, in the first segment it matches:
 * later segments exclude what earlier ones match. Pages are keyset pages over (segment, sort
 * value, customer id), so deep pages cost what the first does.
 */

/** Builds `$n` placeholders as values are added. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

interface Segment {
  key: string;
  /** Trigram segments cost a bitmap scan; they run only when the cheaper ones leave room. */
  contains: boolean;
  /** A match here is what was meant ("10012346" is that order), so the trigram segments do not run. */
  decisive?: boolean;
  /** Builds the segment's sub-query: at most `limit` rows at/after `after`, in key order. */
  sql(p: Params, filters: (customerId: string) => string, limit: number, after: SearchPosition | null): string;
}

const whereClause = (conditions: readonly (string | null)[]) => conditions.filter(Boolean).join(' AND ') || 'true';

/**
 * `expr` starts with `text` (an SQL expression already in expr's case), written as a range so the
 * btree serves it even under a generic plan of a prepared statement (LIKE 'abc%' becomes a range
 * only when the pattern is known at planning time). U+10FFFF sorts after every character.
 */
const startsWith = (expr: string, text: string) => `${expr} ~>=~ ${text} AND ${expr} ~<~ (${text} || chr(1114111))`;

/** Escapes LIKE wildcards so a `%` or `_` the agent types matches itself. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface CustomerSegmentSpec {
  key: string;
  contains?: boolean;
  field: MatchField;
  /** Sort key (also what the index is on). */
  value: string;
  /** The matched text shown to the agent. */
  shown: string;
  /** Match condition plus exclusion of earlier segments. */
  where: (p: Params) => string;
  /** The sort key is unique per customer, so no id tie-break is needed. */
  unique?: boolean;
}

function customerSegment(spec: CustomerSegmentSpec): Segment {
  return {
    key: spec.key,
    contains: spec.contains ?? false,
    sql: (p, filters, limit, after) => {
      const conditions = [spec.where(p), filters('c')];
      if (after) {
        const v = p.add(after.value);
        conditions.push(`${spec.value} ~>=~ ${v}`, `(${spec.value} ~>~ ${v} OR c.id > ${p.add(after.id)})`);
      }
      const order = spec.unique ? `${spec.value} USING ~<~` : `${spec.value} USING ~<~, c.id`;
      return `SELECT c.id, ${spec.value} AS v, '${spec.field}'::text AS mf, ${spec.shown} AS mv, ${SUMMARY_COLUMNS} FROM customers c
        WHERE ${whereClause(conditions)} ORDER BY ${order} LIMIT ${limit}`;
    },
  };
}

/**
 * Orders, invoices, shipments, credit memos: a customer is listed at its first matching number.
 * `value` is the sort key, unique per document (the number, or the number reversed).
 */
function documentSegment(
  key: string,
  value: string,
  where: (p: Params) => string,
  firstOnly: (p: Params) => string,
): Segment {
  return {
    key,
    contains: false,
    sql: (p, filters, limit, after) => {
      const conditions = [where(p), firstOnly(p), filters('c')];
      if (after) conditions.push(`${value} ~>~ ${p.add(after.value)}`);
      return `SELECT d.customer_id AS id, ${value} AS v, d.type AS mf, d.number AS mv, ${SUMMARY_COLUMNS}
        FROM documents d JOIN customers c ON c.id = d.customer_id
        WHERE ${whereClause(conditions)} ORDER BY ${value} USING ~<~ LIMIT ${limit}`;
    },
  };
}

/**
 * The columns of a result row, read where a segment finds the customer rather than joined again
 * (stores and consent are kept on the customer row for this: migration 005).
 */
const SUMMARY_COLUMNS =
  'c.number, c.name, c.email, c.phone, c.store_ids, c.consent_granted, c.consent_granted_at, c.consent_expires_at';

/** The consent columns of the row aliased `c`. */
const consentColumns = (c: string): ConsentColumnsSql => ({
  granted: `${c}.consent_granted`,
  grantedAt: `${c}.consent_granted_at`,
  expiresAt: `${c}.consent_expires_at`,
});

/**
 * What a hit returns, from SUMMARY_COLUMNS of the row aliased `h`, consent as of `at`. Stores and
 * consent come as the API writes them: PostgreSQL formats them for less than node-postgres takes to
 * decode a text[] and each timestamp (docs/PERFORMANCE.md, "Shop: the measurements behind its design").
 */
const hitColumns = (
  h: string,
  at: string,
) => `${h}.s, ${h}.v, ${h}.mf, ${h}.mv, ${h}.id, ${h}.number, ${h}.name, ${h}.email, ${h}.phone,
  array_to_json(${h}.store_ids)::text AS store_ids, ${consentTextSql(consentColumns(h), at)}`;

/**
 * `(SELECT …)` of parameters only is an InitPlan: computed once per statement, where the bare
 * expression in a generic plan would be computed again for every row it filters.
 */
const once = (expr: string) => `(SELECT ${expr})`;

/** Names as the search compares them: folded (migration 009), so accents and case do not matter. */
const NAME = 'c.search_name';
/** "last first", folded: serves "Smith, Jane" and last-name prefixes alike. */
const REVERSED = 'c.search_reversed';
/** The query folded in SQL exactly as the stored columns are. */
const folded = (p: Params, text: string) => `search_fold(${p.add(text)})`;

/** The segments a query runs through, in rank order. */
export function segmentsFor(kind: QueryKind): Segment[] {
  switch (kind.kind) {
    case 'all':
      return [customerSegment({ key: 'all', field: 'name', value: NAME, shown: 'NULL::text', where: () => '' })];
    case 'email': {
      const text = kind.text.toLowerCase();
      return [
        customerSegment({
          key: 'email_prefix',
          field: 'email',
          value: 'c.email',
          shown: 'c.email',
          unique: true,
          where: (p) => startsWith('c.email', p.add(text)),
        }),
      ];
    }
    case 'customer_number':
      return [customerNumberSegment(kind.number)];
    case 'document_number': {
      const prefix = `${likeEscape(kind.number)}%`;
      return [
        documentSegment(
          'document_prefix',
          'd.number',
          (p) => startsWith('d.number', p.add(kind.number)),
          // The customer's smallest matching number represents it (an exact match is the smallest).
          (p) =>
            `NOT EXISTS (SELECT 1 FROM documents d2 WHERE d2.customer_id = d.customer_id AND d2.number LIKE ${p.add(prefix)} AND d2.number ~<~ d.number)`,
        ),
      ];
    }
    case 'digits':
      return digitSegments(kind.digits);
    case 'phone':
      return phoneSegments(kind.digits, null);
    case 'name':
      return nameSegments(kind.text);
  }
}

const customerNumberSegment = (number: string) =>
  customerSegment({
    key: 'number_prefix',
    field: 'number',
    value: 'c.number',
    shown: 'c.number',
    unique: true,
    where: (p) => startsWith('c.number', p.add(number)),
  });

/**
 * Bare digits, in rank order: a customer number starting with them ("0000140" for C-0000140),
 * then customer, then document numbers ending in them ("00000002" for O-00000002; the reversed
 * number's prefix, on its own index), then phone numbers. A customer is listed once. Phone
 * numbers merely containing the digits are searched only when no number matched.
 */
function digitSegments(digits: string): Segment[] {
  const numberPrefix = `C-${digits}`;
  const reversed = Array.from(digits).reverse().join(''); // ASCII digits only
  const customerNumber = (p: Params) =>
    `(c.number LIKE ${p.add(`${numberPrefix}%`)} OR reverse(c.number) LIKE ${p.add(`${reversed}%`)})`;
  const documentEnding = (p: Params, customer: string) =>
    `EXISTS (SELECT 1 FROM documents x WHERE x.customer_id = ${customer} AND reverse(x.number) LIKE ${p.add(`${reversed}%`)})`;
  const decisive = (segment: Segment): Segment => ({ ...segment, decisive: true });
  return [
    decisive(customerNumberSegment(numberPrefix)),
    decisive(
      customerSegment({
        key: 'number_suffix',
        field: 'number',
        value: 'reverse(c.number)',
        shown: 'c.number',
        unique: true,
        where: (p) =>
          `${startsWith('reverse(c.number)', p.add(reversed))} AND c.number NOT LIKE ${p.add(`${numberPrefix}%`)}`,
      }),
    ),
    decisive(
      documentSegment(
        'document_suffix',
        'reverse(d.number)',
        (p) => `${startsWith('reverse(d.number)', p.add(reversed))} AND NOT ${customerNumber(p)}`,
        (p) =>
          `NOT EXISTS (SELECT 1 FROM documents d2 WHERE d2.customer_id = d.customer_id AND reverse(d2.number) LIKE ${p.add(`${reversed}%`)} AND reverse(d2.number) ~<~ reverse(d.number))`,
      ),
    ),
    ...phoneSegments(digits, (p) => `NOT ${customerNumber(p)} AND NOT ${documentEnding(p, 'c.id')}`),
  ];
}

/** Phone numbers starting with, then containing, `digits`; `exclude` leaves out earlier segments' customers. */
function phoneSegments(digits: string, exclude: ((p: Params) => string) | null): Segment[] {
  const prefix = `${digits}%`;
  const and = (p: Params) => (exclude ? ` AND ${exclude(p)}` : '');
  const segments = [
    customerSegment({
      key: 'phone_prefix',
      field: 'phone',
      value: 'c.phone_digits',
      shown: 'c.phone',
      where: (p) => `${startsWith('c.phone_digits', p.add(digits))}${and(p)}`,
    }),
  ];
  // Digits typed without the country code sit inside the stored number; short runs match too much.
  if (digits.length >= 5) {
    segments.push(
      customerSegment({
        key: 'phone_contains',
        contains: true,
        field: 'phone',
        value: 'c.phone_digits',
        shown: 'c.phone',
        where: (p) =>
          `c.phone_digits LIKE ${p.add(`%${digits}%`)} AND c.phone_digits NOT LIKE ${p.add(prefix)}${and(p)}`,
      }),
    );
  }
  return segments;
}

function nameSegments(text: string): Segment[] {
  // search_fold() runs in SQL on both sides, so the query folds exactly as the index does.
  const query = (p: Params) => folded(p, text);
  const prefix = (p: Params) => once(`${folded(p, likeEscape(text))} || '%'`);
  const withEmail = !/\s/.test(text);
  const earlier = (p: Params, email: boolean) => {
    const pattern = prefix(p);
    return `NOT (${NAME} LIKE ${pattern} OR ${REVERSED} LIKE ${pattern}${email ? ` OR c.email LIKE ${pattern}` : ''})`;
  };
  const segments: Segment[] = [
    customerSegment({
      key: 'name_prefix',
      field: 'name',
      value: NAME,
      shown: 'c.name',
      where: (p) => startsWith(NAME, query(p)),
    }),
    // "smith jane" and "smith": the last name, then the first (a last-name prefix is one of these).
    customerSegment({
      key: 'reversed_name_prefix',
      field: 'name',
      value: REVERSED,
      shown: 'c.name',
      where: (p) => `${startsWith(REVERSED, query(p))} AND ${NAME} NOT LIKE ${prefix(p)}`,
    }),
  ];
  if (withEmail) {
    segments.push(
      customerSegment({
        key: 'email_prefix',
        field: 'email',
        value: 'c.email',
        shown: 'c.email',
        unique: true,
        where: (p) => `${startsWith('c.email', query(p))} AND ${earlier(p, false)}`,
      }),
    );
  }
  // Shorter fragments only match at the start of a name.
  if (text.length >= 3) {
    if (withEmail) {
      // One word: a first or last name containing it. The few thousand distinct names are searched,
      // not the customers; each matching name is then a short index range of customers.
      segments.push(termSegment('name_term_contains', text, (p) => earlier(p, true)));
    } else {
      // Several words may span first and last name: a trigram search over the full name.
      segments.push(
        customerSegment({
          key: 'name_contains',
          contains: true,
          field: 'name',
          value: NAME,
          shown: 'c.name',
          where: (p) => `${NAME} LIKE '%' || ${folded(p, likeEscape(text))} || '%' AND ${earlier(p, false)}`,
        }),
      );
    }
  }
  return segments;
}

/**
 * Customers whose first name, then those whose last name, contains `text` but does not start
 * with it (those are prefix matches), ordered by that name, then id; a customer listed by its
 * first name is not listed again by its last. Bounded: at most `limit` customers per name.
 * The sort value is the kind and the folded name (`first ivy`, `last quill`): kinds have the same
 * length, so it orders by kind first.
 */
function termSegment(key: string, text: string, exclude: (p: Params) => string): Segment {
  return {
    key,
    // As cheap as a prefix walk, so it runs in the same statement as the prefix segments.
    contains: false,
    sql: (p, filters, limit, after) => {
      const fragment = folded(p, likeEscape(text));
      const containing = once(`'%' || ${fragment} || '%'`);
      const value = `(t.kind || ' ' || t.term)`;
      const terms = [`t.term LIKE ${containing}`, `t.term NOT LIKE ${once(`${fragment} || '%'`)}`];
      const rows = [exclude(p), filters('c')];
      if (after) {
        const v = p.add(after.value);
        terms.push(`${value} ~>=~ ${v}`);
        rows.push(`(${value} ~>~ ${v} OR c.id > ${p.add(after.id)})`);
      }
      // One branch per kind, each on its own index; the kind test on the outer row is a one-time
      // filter, so only the branch of the term's kind runs.
      const branch = (
        kind: 'first' | 'last',
        extra: string | null,
      ) => `(SELECT c.id, ${value} AS v, 'name'::text AS mf, c.name AS mv, ${SUMMARY_COLUMNS} FROM customers c
          WHERE t.kind = '${kind}' AND c.search_${kind} = t.term AND ${whereClause([extra, ...rows])} ORDER BY c.id LIMIT ${limit})`;
      return `SELECT m.* FROM name_terms t
        CROSS JOIN LATERAL (${branch('first', null)} UNION ALL ${branch('last', `c.search_first NOT LIKE ${containing}`)}) m
        WHERE ${whereClause(terms)}
        ORDER BY m.v USING ~<~, m.id LIMIT ${limit}`;
    },
  };
}

export interface SearchFilters {
  storeId?: string | undefined;
  consent?: 'granted' | 'not_granted' | undefined;
}

/** Conditions on the customers row aliased `c` for the store and consent filters, as of `at`. */
function filterSql(p: Params, filters: SearchFilters, at: string): (c: string) => string {
  const store = filters.storeId ? p.add(filters.storeId) : null;
  return (c) => {
    const parts: string[] = [];
    if (store) parts.push(`${store} = ANY (${c}.store_ids)`);
    // "not_granted" is everyone who may not be assisted on consent now, expired consent included.
    if (filters.consent)
      parts.push(`${consentStatusSql(consentColumns(c), at)} ${filters.consent === 'granted' ? '=' : '<>'} 'granted'`);
    return parts.join(' AND ');
  };
}

interface HitRow extends ConsentTextRow {
  s: number;
  v: string | null;
  mf: string;
  mv: string | null;
  id: string;
  number: string;
  name: string;
  email: string;
  phone: string | null;
  /** JSON text of the store ids. */
  store_ids: string;
}

/**
 * Runs `segments` (each bounded by `limit`) as one statement and returns the first `limit` in
 * rank order: the segments in rank order under one LIMIT. PostgreSQL's Append reads its inputs
 * one after the other and the LIMIT stops it once the page is full, so a segment that cannot
 * reach the page never starts (for "mar", the email segment would walk every email starting with
 * "mar" only to exclude nearly all of them as name matches), and the rows arrive in rank order
 * with nothing to sort. The prepared pool never plans parallel workers, which could interleave
 * the inputs; the order is checked anyway.
 */
async function runSegments(
  db: Queryable,
  segments: { segment: Segment; ordinal: number; after: SearchPosition | null }[],
  filters: SearchFilters,
  now: Date,
  limit: number,
  gate: AccessGate | null,
): Promise<HitRow[]> {
  if (segments.length === 0 || limit <= 0) return [];
  const p = new Params();
  const at = p.add(now);
  const filter = filterSql(p, filters, at);
  const parts = segments.map(
    ({ segment, ordinal, after }) => `(SELECT ${ordinal} AS s, h.* FROM (${segment.sql(p, filter, limit, after)}) h)`,
  );
  const access = gate ? ` WHERE ${once(gate.condition((value) => p.add(value)))}` : '';
  const sql = `SELECT ${hitColumns('hits', at)} FROM (${parts.join('\nUNION ALL ')}) hits${access} LIMIT ${limit}`;
  // Index walks are prepared, planned once per connection rather than on every keystroke. A
  // trigram search is not: its good plan depends on the fragment (a generic plan may walk the
  // whole name index instead of the trigram index).
  const prepare = segments.every(({ segment }) => !segment.contains);
  const { rows } = await db.query<HitRow>(sql, p.values, { prepare });
  if (rows.some((row, i) => i > 0 && row.s < (rows[i - 1]?.s ?? 0)))
    throw new Error('customer search: segments came back out of rank order');
  return rows;
}

/**
 * One page of a search. `access` is checked in the search's own statement: when that returns
 * nothing (not allowed, or nothing found), and before a statement that is not gated, the full
 * check runs and throws its 401 or 403. Only code outside any request (tests of the SQL, the
 * scale seed's check) says the caller checked.
 */
export async function searchCustomers(
  db: Queryable,
  query: CustomerSearchQuery,
  now: Date,
  access: AccessGate | 'checked by caller',
): Promise<CustomerSearchResponse> {
  const gate = access === 'checked by caller' ? null : access;
  const confirm = async () => {
    await gate?.confirm();
  };
  const kind = classifyQuery(query.q);
  const segments = segmentsFor(kind);
  const fingerprint = searchFingerprint([
    query.q?.trim().replace(/\s+/g, ' ').toLowerCase(),
    query.storeId,
    query.consent,
  ]);
  let position: SearchPosition | null = null;
  let start = 0;
  try {
    position = query.cursor ? decodeCursor(query.cursor, fingerprint) : null;
    start = position ? segments.findIndex((s) => s.key === position?.segment) : 0;
    if (start < 0) throw badCursor();
  } catch (error) {
    // Who may not search learns nothing about cursors either.
    await confirm();
    throw error;
  }

  // One more than asked tells whether there is a next page.
  const want = query.limit + 1;
  const filters = { storeId: query.storeId, consent: query.consent };
  const planned = segments
    .map((segment, ordinal) => ({ segment, ordinal, after: ordinal === start ? position : null }))
    .slice(start);
  const rows = await runSegments(
    db,
    planned.filter((s) => !s.segment.contains),
    filters,
    now,
    want,
    gate,
  );
  if (rows.length === 0) await confirm();
  if (rows.length < want && !rows.some((row) => segments[row.s]?.decisive))
    rows.push(
      ...(await runSegments(
        db,
        planned.filter((s) => s.segment.contains),
        filters,
        now,
        want - rows.length,
        null,
      )),
    );

  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const lastSegment = last ? segments[last.s] : undefined;
  const nextCursor =
    rows.length > query.limit && last && lastSegment
      ? encodeCursor({ segment: lastSegment.key, value: last.v ?? '', id: last.id }, fingerprint)
      : null;
  return { items: page.map((row) => summaryFromRow(row, kind)), nextCursor };
}

function summaryFromRow(row: HitRow, kind: QueryKind): CustomerSummary {
  const consent = consentFromText(row);
  const match = kind.kind === 'all' || row.mv === null ? null : { field: MatchField.parse(row.mf), value: row.mv };
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    email: row.email,
    phone: row.phone,
    storeIds: JSON.parse(row.store_ids) as string[],
    consent,
    match,
  };
}
