import { describe, expect, it } from 'vitest';
import { canonicalJson, computeEventHash, GENESIS_HASH, sha256Hex, verifyChain } from './chain';

function chain(n: number) {
  const events = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      seq,
      id: `evt_${seq}`,
      action: 'session.page_view',
      details: { path: `/p/${seq}`, nested: { b: 1, a: [2, { z: 1, y: null }] } },
      prevHash,
    };
    const hash = computeEventHash(body);
    events.push({ ...body, hash });
    prevHash = hash;
  }
  return events;
}

describe('canonicalJson', () => {
  it('sorts keys at every level and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x'], c: null } })).toBe('{"a":{"c":null,"d":[1,"x"]},"b":1}');
  });
  it('escapes strings as JSON does and drops undefined keys', () => {
    expect(canonicalJson({ s: 'q"\n\u2028', u: undefined })).toBe('{"s":"q\\"\\n\u2028"}');
  });
  it('orders keys by UTF-16 code units, numeric-looking keys included', () => {
    expect(canonicalJson({ b: 1, B: 2, '10': 3, '9': 4, é: 5, _: 6, a: { z: undefined, y: [undefined, 1] } })).toBe(
      '{"10":3,"9":4,"B":2,"_":6,"a":{"y":[null,1]},"b":1,"é":5}',
    );
  });
  it('leaves out only the top-level hash when hashing an event', () => {
    const body = { seq: 1, details: { hash: 'kept' } };
    expect(computeEventHash({ ...body, hash: 'dropped' })).toBe(sha256Hex(canonicalJson(body)));
  });
  it('matches a hash computed independently', () => {
    // sha256 of '{"a":1}' computed with `printf '{"a":1}' | sha256sum`
    expect(computeEventHash({ a: 1, hash: 'ignored' })).toBe(
      '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    );
  });
});

describe('verifyChain', () => {
  it('accepts an intact chain', () => {
    const result = verifyChain(chain(50));
    expect(result).toMatchObject({ ok: true, checked: 50, lastSeq: 50 });
  });
  it('finds a tampered event at its seq', () => {
    const events = chain(20);
    events[11] = { ...events[11]!, details: { ...events[11]!.details, path: '/forged' } };
    expect(verifyChain(events)).toMatchObject({ ok: false, badSeq: 12, problem: 'hash_mismatch' });
  });
  it('finds a re-hashed forgery by the broken link after it', () => {
    const events = chain(20);
    const forged = { ...events[4]!, details: { path: '/forged', nested: { b: 1, a: [] } } };
    events[4] = { ...forged, hash: computeEventHash(forged) };
    expect(verifyChain(events)).toMatchObject({ ok: false, badSeq: 6, problem: 'broken_link' });
  });
  it('continues from a saved state and tolerates gaps in a partial view', () => {
    const events = chain(30);
    const first = verifyChain(events.slice(0, 10));
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const partial = events.slice(10).filter((e) => e.seq % 3 !== 0);
    expect(verifyChain(partial, first)).toMatchObject({ ok: true, lastSeq: 29 });
  });
  it('gives the same verdicts with another SHA-256 implementation', () => {
    const events = chain(10);
    const viaWebShape = (text: string) => sha256Hex(text);
    expect(verifyChain(events, undefined, viaWebShape)).toMatchObject({ ok: true, checked: 10 });
    expect(verifyChain(events, undefined, () => '0'.repeat(64))).toMatchObject({
      ok: false,
      badSeq: 1,
      problem: 'hash_mismatch',
    });
  });
  it('refuses events out of order', () => {
    const events = chain(5);
    expect(verifyChain([events[0]!, events[2]!, events[1]!])).toMatchObject({
      ok: false,
      badSeq: 2,
      problem: 'out_of_order',
    });
  });
});
