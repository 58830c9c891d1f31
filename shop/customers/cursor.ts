import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Id } from '../../shared/api/common';
import { ApiError } from '../lib/errors';
import { unstorableReason } from '../lib/storable-text';

/** Where a search page ended: the segment (match kind), its sort value and the customer id. */
export interface SearchPosition {
  segment: string;
  value: string;
  id: string;
}

// The fingerprint is no secret: a crafted cursor's position must also be text the database can take.
const storable = (text: string) => unstorableReason(text) === null;

const CursorBody = z
  .object({
    f: z.string().length(12),
    s: z.string().min(1).max(40).refine(storable),
    v: z.string().max(400).refine(storable),
    i: Id,
  })
  .strict();

/** Binds a cursor to its query, so a cursor from one search is refused by another. */
export function searchFingerprint(parts: readonly (string | undefined)[]): string {
  return createHash('sha256')
    .update(JSON.stringify(parts.map((p) => p ?? null)))
    .digest('hex')
    .slice(0, 12);
}

export function encodeCursor(position: SearchPosition, fingerprint: string): string {
  const body: z.infer<typeof CursorBody> = { f: fingerprint, s: position.segment, v: position.value, i: position.id };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

export const badCursor = () =>
  new ApiError(400, 'bad_request', 'The cursor is invalid or belongs to another search; start again without it.', [
    { path: 'querystring.cursor', message: 'is invalid' },
  ]);

/** Opaque to clients, validated here: anything that is not a cursor we issued for this query is a 400. */
export function decodeCursor(cursor: string, fingerprint: string): SearchPosition {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  const parsed = CursorBody.safeParse(json);
  if (!parsed.success || parsed.data.f !== fingerprint) throw badCursor();
  return { segment: parsed.data.s, value: parsed.data.v, id: parsed.data.i };
}
