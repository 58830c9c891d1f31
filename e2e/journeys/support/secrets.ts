import { join } from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { expect } from '@playwright/test';
import { KEYCHAIN_SERVICE } from '../../../main/core/vault';
import { describeHits, findSecrets, readLogFiles, type SecretHit } from '../../../main/test/secret-scan';
import type { Folders } from './product';
import { shopBaseOf } from '../../../shared/shop-address';

/** The refresh token the console keeps for this staff member in the OS keychain, where there is one. */
export async function keychainSecrets(shopUrl: string, email: string): Promise<string[]> {
  try {
    const token = await new AsyncEntry(KEYCHAIN_SERVICE, `${shopBaseOf(shopUrl)}|${email.toLowerCase()}`).getPassword();
    return token ? [token] : [];
  } catch {
    return [];
  }
}

/** A one-time code inside a longer number (a pid, a duration) is a coincidence, not a leak. */
function standsAlone(hit: SecretHit): boolean {
  if (!/^\d+$/.test(hit.secret)) return true;
  const at = hit.context.indexOf(hit.secret);
  return !/\d/.test(hit.context.charAt(at - 1)) && !/\d/.test(hit.context.charAt(at + hit.secret.length));
}

/** Secret shapes that must never appear, whoever's secret it is. */
const SHAPES: readonly [string, RegExp][] = [
  ['a cookie value', /concierge_[a-z_]+=(?!\[redacted\])[^;\s"'&]+/i],
  ['a bearer token', /\bbearer\s+(?!\[redacted\])[A-Za-z0-9\-._~+/]{8,}/i],
  ['an authorization header', /"authorization"\s*:\s*"(?!\[redacted\])/i],
];

export interface SecretScan {
  folders: Folders;
  terminal: string;
  secrets: readonly string[];
  /** Secrets the terminal shows on purpose but no log file may hold. */
  logOnly?: readonly string[];
}

/** Fails with every hit: each secret in every log file under the data folder and in the terminal. */
export async function assertNoSecrets(scan: SecretScan): Promise<void> {
  const logs = await readLogFiles(join(scan.folders.dataDir, 'logs'));
  expect(logs.map((l) => l.name)).toEqual(expect.arrayContaining(['console.log', 'shop.log']));
  const terminal = { name: 'terminal', text: scan.terminal };
  const hits = [...findSecrets([...logs, terminal], scan.secrets), ...findSecrets(logs, scan.logOnly ?? [])].filter(
    standsAlone,
  );
  expect(describeHits(hits), 'secrets in logs or terminal').toBe('');
  for (const { name, text } of [...logs, terminal]) {
    for (const [what, shape] of SHAPES) expect(shape.exec(text)?.[0] ?? null, `${what} in ${name}`).toBeNull();
  }
}
