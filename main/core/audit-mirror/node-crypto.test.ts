import { describe, expect, it } from 'vitest';
import {
  checkpointSignatureValid,
  signCheckpoint,
  signingKeyPair,
  toBase64Url,
} from '../../../shared/audit/checkpoint';
import { nodeEd25519Verify } from './node-crypto';

describe("node:crypto's Ed25519 check", () => {
  it('agrees with the shared one on good and bad signatures', () => {
    const key = signingKeyPair();
    const other = signingKeyPair();
    const checkpoint = signCheckpoint({ seq: 7, hash: 'f'.repeat(64), at: '2026-12-06T10:00:00.000Z' }, key);
    const verify = nodeEd25519Verify();
    for (const [publicKey, cp] of [
      [key.publicKey, checkpoint],
      [other.publicKey, checkpoint],
      [key.publicKey, { ...checkpoint, seq: 8 }],
    ] as const) {
      const published = { publicKey: toBase64Url(publicKey) };
      expect(checkpointSignatureValid(cp, published, verify)).toBe(checkpointSignatureValid(cp, published));
    }
    expect(checkpointSignatureValid(checkpoint, { publicKey: toBase64Url(key.publicKey) }, verify)).toBe(true);
  });
});
