import { describe, expect, it } from 'vitest';
import { AuditCheckpoint, AuditSigningKey } from '../api/audit';
import { canonicalJson } from './chain';
import {
  checkCheckpoint,
  checkpointPayload,
  checkpointSignatureValid,
  fromBase64Url,
  keyFingerprint,
  keyIdOf,
  signCheckpoint,
  signingKeyPair,
  toBase64Url,
} from './checkpoint';

const HASH = 'a'.repeat(64);
const key = signingKeyPair();
const published = AuditSigningKey.parse({
  keyId: key.keyId,
  algorithm: 'Ed25519',
  publicKey: toBase64Url(key.publicKey),
  createdAt: '2026-12-01T00:00:00.000Z',
  retiredAt: null,
});
const keys = new Map([[key.keyId, published]]);

describe('signed checkpoints', () => {
  it('signs the canonical JSON of seq, hash, at and keyId, in a shape the API schema accepts', () => {
    const checkpoint = AuditCheckpoint.parse(
      signCheckpoint({ seq: 1000, hash: HASH, at: '2026-12-01T10:00:00.000Z' }, key),
    );
    expect(new TextDecoder().decode(checkpointPayload(checkpoint))).toBe(
      canonicalJson({ at: checkpoint.at, hash: HASH, keyId: key.keyId, seq: 1000 }),
    );
    expect(checkpointSignatureValid(checkpoint, published)).toBe(true);
    expect(checkCheckpoint(checkpoint, keys, () => HASH)).toEqual({ ok: true, compared: true });
    expect(checkCheckpoint(checkpoint, keys, () => undefined)).toEqual({ ok: true, compared: false });
  });

  it('refuses a changed field, another key, a foreign key id and a hash the reader holds otherwise', () => {
    const checkpoint = signCheckpoint({ seq: 1000, hash: HASH, at: '2026-12-01T10:00:00.000Z' }, key);
    expect(checkpointSignatureValid({ ...checkpoint, seq: 999 }, published)).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, hash: 'b'.repeat(64) }, published)).toBe(false);
    expect(checkpointSignatureValid({ ...checkpoint, signature: 'x' }, published)).toBe(false);
    const other = signingKeyPair();
    expect(checkpointSignatureValid(checkpoint, { publicKey: toBase64Url(other.publicKey) })).toBe(false);
    const forged = signCheckpoint({ seq: 1000, hash: HASH, at: checkpoint.at }, other);
    expect(checkCheckpoint(forged, keys, () => HASH)).toEqual({ ok: false, problem: 'unknown_key' });
    expect(checkCheckpoint({ ...forged, keyId: key.keyId }, keys, () => HASH)).toEqual({
      ok: false,
      problem: 'bad_signature',
    });
    expect(checkCheckpoint(checkpoint, keys, () => 'c'.repeat(64))).toEqual({ ok: false, problem: 'hash_mismatch' });
  });

  it('names a key by SHA-256 of its raw public key and round-trips base64url', () => {
    expect(keyIdOf(new Uint8Array(32))).toBe('66687aadf862bd77');
    expect(keyFingerprint('66687aadf862bd77')).toBe('6668 7aad f862 bd77');
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => i * 4);
    expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    expect(toBase64Url(bytes)).not.toMatch(/[+/=]/);
    expect(signingKeyPair(key.secretKey).keyId).toBe(key.keyId);
  });
});
