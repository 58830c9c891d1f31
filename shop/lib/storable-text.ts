import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from './errors';

/** A field whose text the database cannot store: its path (`body.reason`) and why. */
export interface UnstorableField {
  path: string;
  message: string;
}

// NUL: PostgreSQL's text and jsonb both refuse it. An unpaired UTF-16 surrogate: jsonb refuses it,
// and text would silently store U+FFFD instead of what was sent.
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSTORABLE_ALL = new RegExp(UNSTORABLE.source, 'g');

/** A refusal names at most this many fields; a 64 KiB body can hold thousands. */
const MAX_FIELDS = 10;
/** Field names are echoed in the error: shortened, and their own unstorable characters escaped. */
const MAX_NAME = 64;

/** Why PostgreSQL (text or jsonb) cannot store `text`, or null when it can. */
export function unstorableReason(text: string): string | null {
  const found = UNSTORABLE.exec(text);
  if (!found) return null;
  return found[0] === '\u0000'
    ? 'contains a NUL character (U+0000), which cannot be stored'
    : 'contains an unpaired surrogate (broken Unicode), which cannot be stored';
}

function printableName(key: string): string {
  const short = key.length > MAX_NAME ? `${key.slice(0, MAX_NAME)}…` : key;
  return short.replace(UNSTORABLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Every string, and every object key, under the named roots (`{body: request.body}`) that the
 * database cannot store, in document order. Iterative: a deeply nested body must not overflow the stack.
 */
export function findUnstorableText(roots: Readonly<Record<string, unknown>>): UnstorableField[] {
  const found: UnstorableField[] = [];
  const stack: { path: string; value: unknown; badName: string | null }[] = Object.entries(roots)
    .map(([path, value]) => ({ path, value, badName: null }))
    .reverse();
  for (let next = stack.pop(); next && found.length < MAX_FIELDS; next = stack.pop()) {
    const { path, value, badName } = next;
    if (badName !== null) {
      found.push({ path, message: `its name ${badName}` });
    } else if (typeof value === 'string') {
      const why = unstorableReason(value);
      if (why !== null) found.push({ path, message: why });
    } else if (typeof value === 'object' && value !== null) {
      const children = Object.entries(value as Record<string, unknown>);
      // Pushed last to first so they pop in order; a loop, as spreading 30 000 elements could overflow.
      for (let i = children.length - 1; i >= 0; i -= 1) {
        const [key, child] = children[i] ?? ['', undefined];
        stack.push({ path: `${path}.${printableName(key)}`, value: child, badName: unstorableReason(key) });
      }
    }
  }
  return found;
}

/** The API's 400 for unstorable text, in its validation error shape, naming the first field in the message. */
export function unstorableTextError(fields: readonly UnstorableField[]): ApiError {
  const [first] = fields;
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more field${fields.length > 2 ? 's' : ''})` : '';
  return new ApiError(
    400,
    'validation_failed',
    first ? `${first.path} ${first.message}${more}.` : 'Some fields are invalid.',
    [...fields],
  );
}

/**
 * preValidation hook of the API: text the database cannot store anywhere in the query, path or
 * body is a 400 before any handler, and so before any transaction, runs.
 */
export function refuseUnstorableApiInput(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const fields = findUnstorableText({ querystring: request.query, params: request.params, body: request.body });
  if (fields.length === 0) {
    done();
    return;
  }
  const error = unstorableTextError(fields);
  // A route that attaches validation errors checks access before it reports them (customer search):
  // handed over as its validation error, so a caller not signed in still gets 401, not this 400.
  if (request.routeOptions.attachValidation) {
    request.validationError = Object.assign(error, {
      validation: fields,
      validationContext: fields[0]?.path.split('.')[0] ?? '',
    });
    done();
    return;
  }
  done(error);
}
