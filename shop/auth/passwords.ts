import { hash, verify } from '@node-rs/argon2';

// A hash of a random password nobody knows, made with the same parameters as real ones, so
// checking a password for an unknown email costs as much as for a known one.
let dummyHash: Promise<string> | undefined;

function getDummyHash(): Promise<string> {
  dummyHash ??= hash(`no-such-staff-${String(Math.random())}`);
  return dummyHash;
}

/** Verifies `password` against an argon2 hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** Spends the same work as `verifyPassword` and always fails: for emails that match no one. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(await getDummyHash(), password);
  return false;
}
