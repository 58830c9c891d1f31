import fc from 'fast-check';

/**
 * Generated input for the hardening property tests: control characters including NUL, lone
 * surrogates, mixed scripts and very long text, alone or appended to a field's valid value.
 */
const char = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCharCode(c));

const control = fc.oneof(char(0x00, 0x1f), char(0x7f, 0x9f));
const loneSurrogate = char(0xd800, 0xdfff);
const scripts = fc.constantFrom(
  'Jane',
  'Ωμέγα',
  'Жанна',
  '李小龙',
  'مرحبا',
  'שלום',
  'नमस्ते',
  'ไทย',
  '👩🏽‍💻',
  'e\u0301',
  'ﬁ',
  'İı',
  'ß',
  '\u200b',
  '\u202e',
  '\ufeff',
  '\uffff',
  '\ufffd',
  '%00',
  '\\u0000',
  "'; DROP TABLE x; --",
  '"',
  '<b>',
  '@',
  '+1 555',
);
// NUL gets its own weight: among 64 control characters it would hardly ever come up.
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constant('\u0000') },
  { weight: 2, arbitrary: fc.string({ unit: control, maxLength: 4 }) },
  { weight: 2, arbitrary: loneSurrogate },
  { weight: 3, arbitrary: scripts },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);
const short = fc.array(piece, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(''));
// Long text may cut a surrogate pair in two: one more way to get a lone surrogate.
const long = fc
  .tuple(piece, fc.integer({ min: 300, max: 5000 }))
  .map(([p, n]) => (p || 'x').repeat(Math.ceil(n / Math.max(1, p.length))).slice(0, n));

/** Awkward but storable: mixed scripts, control characters other than NUL, astral code points. */
export const storableText: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(scripts, fc.string({ unit: char(0x01, 0x1f), maxLength: 3 }), fc.string({ unit: 'binary', maxLength: 8 })),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(''));

export const unsafeText: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: short },
  { weight: 1, arbitrary: long },
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'jane\u0000', '\ud800', 'a\udc00b', '\udbff\u0000') },
);

/**
 * One to `maxFields` fields of `base` replaced by generated text, or given it after their valid value
 * (`jane` → `jane\u0000`), so input also gets past the checks a wholly random value fails.
 */
export function overrides<K extends string>(
  base: Readonly<Record<K, string>>,
  text = unsafeText,
  maxFields = 3,
): fc.Arbitrary<Partial<Record<K, string>>> {
  const fields = Object.keys(base) as K[];
  const one = fc
    .tuple(fc.constantFrom(...fields), text, fc.boolean())
    .map(([field, value, append]) => [field, append ? `${base[field]}${value}` : value] as const);
  return fc
    .array(one, { minLength: 1, maxLength: maxFields })
    .map((pairs) => Object.fromEntries(pairs) as Partial<Record<K, string>>);
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/**
 * encodeURIComponent, except that a lone surrogate goes out as the three bytes a careless
 * encoder would send (invalid UTF-8) instead of throwing.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (isHigh(c) && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
      out += encodeURIComponent(text.slice(i, i + 2));
      i += 1;
    } else if (isHigh(c) || isLow(c)) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(text.charAt(i));
    }
  }
  return out;
}

/** `a=1&b=2` with percentEncode: a query string or an urlencoded form body. */
export function encodeFields(fields: Readonly<Record<string, string>>): string {
  return Object.entries(fields)
    .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
    .join('&');
}
