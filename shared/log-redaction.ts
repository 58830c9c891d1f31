/**
 * What may never reach a log line: tokens, passwords, one-time codes, cookies. The console's and
 * the shop's loggers (main/core/logging.ts) pass every finished line through `scrubLogLine`, so
 * a careless `log(String(error))` or `log.info({ headers })` still cannot leak one.
 */

/** What a removed secret reads as. */
export const REDACTED = '[redacted]';

/** Header paths pino's own `redact` removes before a line is even serialized. */
export const REDACTED_HEADER_PATHS: readonly string[] = [
  'authorization',
  'cookie',
  '["set-cookie"]',
  '["x-concierge-token"]',
].flatMap((header) => {
  const key = header.startsWith('[') ? header : `.${header}`;
  return [
    `req.headers${key}`,
    `res.headers${key}`,
    `headers${key}`,
    `*.headers${key}`,
    `request.headers${key}`,
    `response.headers${key}`,
  ];
});

// A key holding any of these holds a secret, whatever its value looks like.
const SECRET_KEY =
  /token|password|passwd|passphrase|secret|totp|cookie|authorization|credential|consentcode|handoffcode|mfacode/i;
// Times and lifetimes of secrets are not secrets, and a support engineer needs them.
const NOT_SECRET_KEY = /(?:expiresat|seconds|ttl)$/i;
// `code` is an error code (ECONNREFUSED, token_expired) as often as a one-time code: judged by value.
const CODE_KEY = /code$/i;

/** A one-time code (4–10 digits) or a random secret (long, mixed case or digits), not an error code. */
export function looksLikeSecretCode(value: unknown): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1000 && value < 1e10;
  if (typeof value !== 'string') return false;
  if (/^\d{4,10}$/.test(value)) return true;
  return value.length >= 16 && /^[A-Za-z0-9_\-.~+/=]+$/.test(value) && /[a-z]/.test(value) && /[A-Z0-9]/.test(value);
}

export function isSecretKey(key: string, value: unknown): boolean {
  if (NOT_SECRET_KEY.test(key)) return false;
  return SECRET_KEY.test(key) || (CODE_KEY.test(key) && looksLikeSecretCode(value));
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*[A-Za-z]`, 'g');
// A label's value; an auth scheme already masked by the Bearer rule keeps its readable name.
const VALUE = String.raw`(?!(?:bearer|basic)\s|\[redacted\])[^\s"'&,;)}\]]+`;
const SEP = String.raw`(["']?\s*[:=]\s*["']?)`;
const TEXT_RULES: readonly [RegExp, string | ((...groups: string[]) => string)][] = [
  // A whole Cookie / Set-Cookie header as text (Playwright's call log prints request headers).
  [/\b((?:set-)?cookie)(["']?\s*:\s*)[^\r\n]*/gi, `$1$2${REDACTED}`],
  [/\b(concierge_[a-z_]+)=[^;\s,"'&]+/gi, `$1=${REDACTED}`],
  [/\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  // JWTs start with base64 of `{"`.
  [/\beyJ[\w-]*\.[\w-]+\.[\w-]*/g, REDACTED],
  [
    new RegExp(String.raw`([\w-]*(?:token|password|passwd|secret|totp|authorization)[\w-]*)${SEP}(${VALUE})`, 'gi'),
    `$1$2${REDACTED}`,
  ],
  // A code only when labelled (code=123456, ?code=<handoff secret>); error codes stay readable.
  [
    new RegExp(String.raw`([\w-]*code)${SEP}(${VALUE})`, 'gi'),
    (match, label = '', sep = '', value = '') => (looksLikeSecretCode(value) ? `${label}${sep}${REDACTED}` : match),
  ],
];

/** Masks every secret shape this project knows in free text (messages, error messages, stacks, URLs). */
export function scrubText(text: string): string {
  let out = text.replace(ANSI, '');
  for (const [pattern, replacement] of TEXT_RULES) {
    out = typeof replacement === 'string' ? out.replace(pattern, replacement) : out.replace(pattern, replacement);
  }
  return out;
}

/** A JSON value with secret keys censored and every string scrubbed. */
export function sanitize(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 32) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => sanitize(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value))
    out[key] = isSecretKey(key, item) ? REDACTED : sanitize(item, depth + 1);
  return out;
}

/** The last step before a line reaches a file or terminal: a JSON line re-serialized clean, any other text scrubbed. */
export function scrubLogLine(line: string): string {
  const end = line.endsWith('\n') ? '\n' : '';
  try {
    return JSON.stringify(sanitize(JSON.parse(line))) + end;
  } catch {
    return scrubText(line);
  }
}

/** A URL or path with its query values dropped (search terms are personal data; handoff codes are secrets). */
export function withoutQueryValues(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return url;
  const names = [...new URLSearchParams(url.slice(at + 1)).keys()];
  return `${url.slice(0, at)}?${names.map((name) => `${encodeURIComponent(name)}=…`).join('&')}`;
}
