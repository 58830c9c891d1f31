/**
 * What a search string looks like decides which indexes the search walks: an email (prefix), a
 * customer or document number, a run of digits, a phone number, or a name. One kind per query
 * keeps every sub-query on an index instead of OR-ing every column together.
 */
export type QueryKind =
  | { kind: 'all' }
  | { kind: 'email'; text: string }
  | { kind: 'customer_number'; number: string }
  | { kind: 'document_number'; number: string }
  | { kind: 'digits'; digits: string }
  | { kind: 'phone'; digits: string }
  | { kind: 'name'; text: string };

const CUSTOMER_NUMBER = /^c(?:-\d*|\d+)$/i;
const DOCUMENT_NUMBER = /^(cm|o|i|s)(?:-\d*|\d+)$/i;
const DIGITS = /^\d+$/;
const PHONE = /^\+?[\d\s().-]+$/;
/** Fewer digits than this match too many phone numbers to be worth a phone search. */
export const MIN_PHONE_DIGITS = 3;

export function classifyQuery(raw: string | undefined): QueryKind {
  const q = (raw ?? '').trim().replace(/\s+/g, ' ');
  if (q === '') return { kind: 'all' };
  if (q.includes('@')) return { kind: 'email', text: q };
  if (CUSTOMER_NUMBER.test(q)) return { kind: 'customer_number', number: normalizeNumber(q, 1) };
  const doc = DOCUMENT_NUMBER.exec(q);
  if (doc?.[1]) return { kind: 'document_number', number: normalizeNumber(q, doc[1].length) };
  const digits = q.replace(/\D/g, '');
  // Bare digits may be a number read out without its letters ("00000002", "0000140") or a phone.
  if (DIGITS.test(q) && digits.length >= MIN_PHONE_DIGITS) return { kind: 'digits', digits };
  if (PHONE.test(q) && digits.length >= MIN_PHONE_DIGITS) return { kind: 'phone', digits };
  return { kind: 'name', text: nameText(q) };
}

/** "o12345" and "O-12345" are the same number: upper-case letters, then a dash, then digits. */
function normalizeNumber(q: string, letters: number): string {
  return `${q.slice(0, letters).toUpperCase()}-${q.slice(letters).replace(/^-/, '')}`;
}

/** "Smith, Jane" is "Smith Jane": commas separate words as spaces do (a comma is in no name). */
function nameText(q: string): string {
  return q.replace(/\s*,\s*/g, ' ').trim() || q;
}
