import { randomBytes } from 'node:crypto';
import { osKeychain, type Keychain } from '../core/vault';

/**
 * Whether the real OS keychain works here. Under `.ci/with-keyring.sh` (which sets
 * CONCIERGE_KEYCHAIN_REQUIRED=1) it must: a missing keychain then fails the run instead of
 * skipping. Otherwise keychain suites skip with the reason printed.
 */
export async function keychainProblem(suite: string): Promise<string | null> {
  let problem: string | null = null;
  try {
    // Only a write proves the keychain works: reads of missing entries succeed without one.
    await osKeychain().set('concierge-test', 'probe', 'probe');
    await osKeychain().delete('concierge-test', 'probe');
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  if (problem && process.env.CONCIERGE_KEYCHAIN_REQUIRED === '1') {
    throw new Error(`CONCIERGE_KEYCHAIN_REQUIRED=1 but the OS keychain does not work: ${problem}`);
  }
  if (problem)
    console.warn(
      `[${suite}] keychain tests skipped: no usable OS keychain (${problem}); run via bash .ci/with-keyring.sh`,
    );
  return problem;
}

/** A service name of its own per test, so runs never see each other's entries. */
export function testService(): string {
  return `concierge-test-${randomBytes(4).toString('hex')}`;
}

/** A keychain that fails like a locked or missing Secret Service. */
export const brokenKeychain: Keychain = {
  get: () => Promise.reject(new Error('Platform secure storage failure: no Secret Service')),
  set: () => Promise.reject(new Error('Platform secure storage failure: no Secret Service')),
  delete: () => Promise.reject(new Error('Platform secure storage failure: no Secret Service')),
};
