/**
 * SQL that hands values to the shop as the API writes them, for hot statements where decoding
 * them in the shop costs more than formatting them in the database (node-postgres parses every
 * timestamp through a regular expression into a Date, which the API then formats again).
 */

/** A timestamptz as `Date.prototype.toISOString` writes it (UTC, milliseconds). */
export const isoTimeSql = (expr: string): string =>
  `to_char(${expr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
