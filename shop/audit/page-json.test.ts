import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActorType, AuditAction, AuditCheckpoint, AuditPage } from '../../shared/api/audit';
import { eventFromRow, UnknownAuditActionError } from '../../shared/audit/codec';
import { auditPageJson, type AuditTextRow } from './page-json';

// Fixed seed: the same cases every run, so a failure reproduces.
const SEED = 20_261_122;
const check = <Ts extends [unknown]>(property: fc.IProperty<Ts>) => {
  fc.assert(property, { seed: SEED, numRuns: 300 });
};

// Any code point, lone surrogates included: JSON.stringify must escape them in both writers alike.
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const maybeText = fc.option(anyText, { nil: null });
const detailsObject = fc.dictionary(fc.string({ unit: 'binary', maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 6,
});

/** A row as AUDIT_TEXT_COLUMNS reads it, `details` written by `writeDetails`. */
const rowOf = (action: fc.Arbitrary<string>, writeDetails: (details: Record<string, unknown>) => string) =>
  fc.record({
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    id: anyText,
    at: anyText,
    action,
    actor_type: fc.constantFrom(...ActorType.options),
    actor_id: maybeText,
    actor_name: maybeText,
    customer_id: maybeText,
    session_id: maybeText,
    ip: maybeText,
    user_agent: maybeText,
    details: detailsObject.map(writeDetails),
    prev_hash: anyText,
    hash: anyText,
  }) satisfies fc.Arbitrary<AuditTextRow>;

const knownAction = fc.constantFrom(...AuditAction.options);
const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const base64Url = (length: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${String(length)}}$`));
// Valid checkpoints (the route only ever sends stored, signed ones), fields given in a scrambled order.
const checkpoint = fc.option(
  fc.record({
    signature: base64Url(86),
    keyId: hex64.map((h) => h.slice(0, 16)),
    at: fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2999-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString()),
    hash: hex64,
    seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  }) satisfies fc.Arbitrary<AuditCheckpoint>,
  { nil: null },
);

const page = (rows: fc.Arbitrary<AuditTextRow>) =>
  fc.record({
    rows: fc.array(rows, { maxLength: 5 }),
    after: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    head: fc.record({ seq: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), hash: anyText }),
    checkpoint,
  });

/** The page the route would send had it serialized objects: the mapping of shared/audit/codec.ts. */
function stringifiedPage(
  rows: readonly AuditTextRow[],
  after: number,
  head: { seq: number; hash: string },
  checkpoint: AuditCheckpoint | null,
): string {
  const events = rows.map((row) =>
    eventFromRow({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }),
  );
  // The checkpoint as AuditPage's schema parses it: zod's output writes its fields in the schema's order.
  const parsedCheckpoint = AuditPage.shape.checkpoint.parse(checkpoint) ?? null;
  return JSON.stringify({ events, nextAfter: rows.at(-1)?.seq ?? after, head, checkpoint: parsedCheckpoint });
}

describe('auditPageJson (the audit page written by hand)', () => {
  it('is JSON.stringify of the events eventFromRow maps, byte for byte', () => {
    check(
      fc.property(
        page(rowOf(knownAction, (details) => JSON.stringify(details))),
        ({ rows, after, head, checkpoint }) => {
          expect(auditPageJson(rows, after, head, checkpoint)).toBe(stringifiedPage(rows, after, head, checkpoint));
        },
      ),
    );
  });

  it('reads as the same value whatever spacing the database gives the details', () => {
    check(
      fc.property(
        page(rowOf(knownAction, (details) => JSON.stringify(details, null, 2))),
        ({ rows, after, head, checkpoint }) => {
          expect(JSON.parse(auditPageJson(rows, after, head, checkpoint))).toEqual(
            JSON.parse(stringifiedPage(rows, after, head, checkpoint)),
          );
        },
      ),
    );
  });

  it('refuses an action this build does not know, as eventFromRow does', () => {
    const unknownAction = anyText.filter((action) => !AuditAction.safeParse(action).success);
    check(
      fc.property(
        rowOf(unknownAction, (details) => JSON.stringify(details)),
        (row) => {
          expect(() => auditPageJson([row], 0, { seq: row.seq, hash: row.hash }, null)).toThrow(
            UnknownAuditActionError,
          );
          expect(() => stringifiedPage([row], 0, { seq: row.seq, hash: row.hash }, null)).toThrow(
            UnknownAuditActionError,
          );
        },
      ),
    );
  });
});
