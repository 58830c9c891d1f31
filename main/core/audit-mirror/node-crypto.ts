import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Ed25519Verify } from '../../../shared/audit/checkpoint';

/** node:crypto's SHA-256 as lowercase hex: several times faster than the pure-JS one shared/ must use. */
export const nodeSha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** node:crypto's Ed25519 check, with each public key imported once (a few keys, many checkpoints). */
export function nodeEd25519Verify(): Ed25519Verify {
  const keys = new Map<string, KeyObject>();
  return (signature, message, publicKey) => {
    let key = keys.get(publicKey);
    if (!key) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
      keys.set(publicKey, key);
    }
    return verify(null, message, key, signature);
  };
}
