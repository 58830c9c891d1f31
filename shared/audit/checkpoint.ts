import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { AuditCheckpoint, AuditSigningKey } from '../api/audit';
import { canonicalJson } from './chain';

/**
 * Signed checkpoints: what the shop signs and how anyone checks it. The shop signs
 * `{seq, hash, at, keyId}` with an Ed25519 key it keeps outside the database, so someone who
 * can rewrite the database (and re-hash the chain) cannot produce a checkpoint that agrees.
 */

export type CheckpointBody = Omit<AuditCheckpoint, 'signature'>;

/** The exact bytes signed: the UTF-8 canonical JSON (the chain's) of the four fields. */
export function checkpointPayload({ seq, hash, at, keyId }: CheckpointBody): Uint8Array {
  return utf8ToBytes(canonicalJson({ seq, hash, at, keyId }));
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** A key's id: the first 16 hex digits of SHA-256 over its raw 32-byte public key. */
export function keyIdOf(publicKey: Uint8Array): string {
  return bytesToHex(sha256(publicKey)).slice(0, 16);
}

/** The key id as people compare it aloud or on paper: four groups of four. */
export function keyFingerprint(keyId: string): string {
  return (keyId.match(/.{1,4}/g) ?? []).join(' ');
}

export interface SigningKeyPair {
  /** The 32-byte Ed25519 secret key (seed). */
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly keyId: string;
}

/** A new key pair; `secretKey` given, the pair it belongs to. */
export function signingKeyPair(secretKey: Uint8Array = ed25519.utils.randomSecretKey()): SigningKeyPair {
  const publicKey = ed25519.getPublicKey(secretKey);
  return { secretKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function signCheckpoint(body: Omit<CheckpointBody, 'keyId'>, key: SigningKeyPair): AuditCheckpoint {
  const full: CheckpointBody = { seq: body.seq, hash: body.hash, at: body.at, keyId: key.keyId };
  return { ...full, signature: toBase64Url(ed25519.sign(checkpointPayload(full), key.secretKey)) };
}

/**
 * An Ed25519 check of `signature` over `message` by the base64url raw `publicKey`. Node callers
 * may pass node:crypto's (main/core/audit-mirror/node-crypto.ts), many times faster than the
 * pure-JS one shared/ must use.
 */
export type Ed25519Verify = (signature: Uint8Array, message: Uint8Array, publicKey: string) => boolean;

const nobleVerify: Ed25519Verify = (signature, message, publicKey) =>
  ed25519.verify(signature, message, fromBase64Url(publicKey));

/** Whether `signature` is the key's over the checkpoint's four fields (false for malformed input). */
export function checkpointSignatureValid(
  checkpoint: AuditCheckpoint,
  key: Pick<AuditSigningKey, 'publicKey'>,
  verify: Ed25519Verify = nobleVerify,
): boolean {
  try {
    return verify(fromBase64Url(checkpoint.signature), checkpointPayload(checkpoint), key.publicKey);
  } catch {
    return false;
  }
}

/** Why a checkpoint does not hold. */
export type CheckpointProblem =
  /** Signed by a key the reader does not know (or trust). */
  | 'unknown_key'
  | 'bad_signature'
  /** The reader holds event `seq` and its hash is not the signed one: history was rewritten. */
  | 'hash_mismatch';

export type CheckpointCheck =
  | { ok: true; /** Whether the reader held the event and compared its hash. */ compared: boolean }
  | { ok: false; problem: CheckpointProblem };

/**
 * Checks one checkpoint: signed by one of `keys` (by key id), and, where the reader holds event
 * `seq` (`hashAt` answers its hash, or undefined), that the hash is the signed one.
 */
export function checkCheckpoint(
  checkpoint: AuditCheckpoint,
  keys: ReadonlyMap<string, Pick<AuditSigningKey, 'publicKey'>>,
  hashAt: (seq: number) => string | undefined,
  verify: Ed25519Verify = nobleVerify,
): CheckpointCheck {
  const key = keys.get(checkpoint.keyId);
  if (!key) return { ok: false, problem: 'unknown_key' };
  if (!checkpointSignatureValid(checkpoint, key, verify)) return { ok: false, problem: 'bad_signature' };
  const held = hashAt(checkpoint.seq);
  if (held === undefined) return { ok: true, compared: false };
  return held === checkpoint.hash ? { ok: true, compared: true } : { ok: false, problem: 'hash_mismatch' };
}
