import type { ShopConfig } from '../../shop/context';
import { CUSTOMERS } from '../../shop/test/fixtures';
import type { Backend, TestShop } from '../../shop/test/harness';
import {
  createPlaywrightViewHost,
  type PlaywrightViewHost,
  type PlaywrightViewHostOptions,
} from '../browser-tier/view-host-playwright';
import { createAuthService, type AuthService } from '../core/auth/auth-service';
import { createPartitionPool } from '../core/partition-pool';
import {
  createSessionManager,
  type SessionManager,
  type SessionManagerOptions,
} from '../core/sessions/session-manager';
import type { StartArgs } from '../core/sessions/session-start';
import { createVault } from '../core/vault';
import { brokenKeychain } from './keychain';
import { DEMO_STAFF_PASSWORD, startDemoShop, totpCodes } from './shop';

/**
 * Test support for the console's session pieces against the real demo shop and system Chromium:
 * a signed-in auth service, a quiet view host, and one agent's whole console wired together.
 */
export const JANE = CUSTOMERS.jane;
export const JOHN = CUSTOMERS.john;

/** Codes of the demo staff on one shop's clock (totpCodes). */
export type CodeFor = (email: string) => string;

/** System Chromium, silent, with previews rare enough never to get in a test's way. */
export function quietViewHost(options: PlaywrightViewHostOptions = {}): PlaywrightViewHost {
  return createPlaywrightViewHost({ previewIntervalMs: 60_000, log: () => undefined, ...options });
}

/** An auth service signed in as a demo staff member (password, then TOTP), its vault without a keychain. */
export async function signedInAuth(shop: TestShop, code: CodeFor, email: string): Promise<AuthService> {
  const auth = createAuthService({ shopUrl: shop.url, vault: createVault({ keychain: brokenKeychain }) });
  await auth.signIn(shop.url, email, DEMO_STAFF_PASSWORD);
  await auth.verifyMfa(code(email));
  return auth;
}

/** A view session with Jane's US account for a customer on the phone, stepped up with `email`'s next code. */
export function startJaneView(
  sessions: SessionManager,
  code: CodeFor,
  email: string,
  args: Partial<StartArgs> = {},
): ReturnType<SessionManager['start']> {
  return sessions.start({
    customerId: JANE.id,
    accountId: JANE.usAccount,
    mode: 'view',
    reason: 'Customer called about an order',
    stepUp: { code: code(email) },
    ...args,
  });
}

export interface AgentConsole {
  shop: TestShop;
  code: CodeFor;
  viewHost: PlaywrightViewHost;
  auth: AuthService;
  sessions: SessionManager;
  /** Ends the sessions, signs out, closes Chromium and the shop. */
  close(): Promise<void>;
}

type Tuning = Omit<SessionManagerOptions, 'api' | 'viewHost' | 'pool'>;

/**
 * The demo shop (`config`) and agent@demo.test's console on it: a session manager over a pool of
 * `poolSize` partitions, tuned by `tuning` (given the shop, for its clock).
 */
export async function startAgentConsole(
  backend: Backend,
  options: { config: Partial<ShopConfig>; poolSize?: number; tuning?: (shop: TestShop) => Tuning },
): Promise<AgentConsole> {
  const shop = await startDemoShop(backend, options.config);
  const code = totpCodes(shop);
  const viewHost = quietViewHost();
  const auth = await signedInAuth(shop, code, 'agent@demo.test');
  const pool = createPartitionPool({ size: options.poolSize ?? 1, wipe: (partition) => viewHost.wipe(partition) });
  const sessions = createSessionManager({
    api: () => auth.client(),
    viewHost,
    pool,
    log: () => undefined,
    ...options.tuning?.(shop),
  });
  return {
    shop,
    code,
    viewHost,
    auth,
    sessions,
    close: async () => {
      await sessions.endAll('app_exit');
      sessions.dispose();
      await auth.signOut();
      await viewHost.dispose();
      await shop.close();
    },
  };
}
