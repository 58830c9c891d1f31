import { describe, expect, it } from 'vitest';
import { matchTotp, totpCode, totpCodeForStep, totpStep } from './totp';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890"; 6-digit codes are the last six digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [seconds: number, code: string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
];

describe('TOTP', () => {
  it.each(RFC_VECTORS)('matches the RFC 6238 test vector at %i s', (seconds, code) => {
    expect(totpCode(RFC_SECRET, new Date(seconds * 1000))).toBe(code);
  });

  it('accepts the previous, current and next step, and nothing further', () => {
    const now = new Date(1_700_000_000_000);
    const step = totpStep(now);
    for (const delta of [-1, 0, 1]) {
      expect(matchTotp(RFC_SECRET, totpCodeForStep(RFC_SECRET, step + delta), now, 0)).toEqual({
        ok: true,
        step: step + delta,
      });
    }
    for (const delta of [-2, 2]) {
      expect(matchTotp(RFC_SECRET, totpCodeForStep(RFC_SECRET, step + delta), now, 0)).toEqual({
        ok: false,
        reason: 'wrong_code',
      });
    }
  });

  it('refuses a step at or before the last accepted one as reused', () => {
    const now = new Date(1_700_000_000_000);
    const step = totpStep(now);
    expect(matchTotp(RFC_SECRET, totpCodeForStep(RFC_SECRET, step), now, step)).toEqual({
      ok: false,
      reason: 'code_reused',
    });
    expect(matchTotp(RFC_SECRET, totpCodeForStep(RFC_SECRET, step - 1), now, step)).toEqual({
      ok: false,
      reason: 'code_reused',
    });
    expect(matchTotp(RFC_SECRET, totpCodeForStep(RFC_SECRET, step + 1), now, step)).toEqual({
      ok: true,
      step: step + 1,
    });
  });
});
