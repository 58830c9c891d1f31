import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { generateDemoData } from '../shop/seed/demo';
import { freePort, launch, withConsole, type StartupContext } from './startup-console';
import { descendantsRssMb, memoryOf } from './startup-launcher';
import { typeSignIn, waitForMarks } from './startup-page';
import type { Memory, StartupResults } from './startup-report';
import { IDLE_REST_MS, SESSIONS } from './startup-settings';

const AGENT = 'agent@demo.test';

/** Demo customers the agent may assist without a consent code (granted, no end), with a US account. */
function assistableCustomers(count: number): { email: string; name: string }[] {
  const data = generateDemoData(new Date());
  const open = new Set(data.consents.filter((c) => c.granted && c.expires_at === null).map((c) => c.customer_id));
  const inUs = new Set(data.accounts.filter((a) => a.store_id === 'sto_us').map((a) => a.customer_id));
  return data.customers.filter((c) => open.has(c.id) && inUs.has(c.id)).slice(0, count);
}

/** Opens a customer and starts a view-only session in the US store; the console's refusal, if any, as text. */
async function startSession(
  page: Page,
  customer: { email: string; name: string },
  code: string,
): Promise<string | null> {
  await page.getByRole('button', { name: 'Customers', exact: true }).click();
  await page.getByRole('combobox', { name: 'Search customers' }).fill(customer.email);
  await page
    .getByRole('listbox', { name: 'Customers' })
    .getByRole('option')
    .filter({ hasText: customer.email })
    .click();
  await page.getByRole('heading', { name: customer.name, level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Start session', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Start assisted session' });
  await dialog.getByLabel('Store').selectOption({ label: 'Concierge Demo US' });
  await dialog.getByLabel('Reason (required)').fill('Benchmark: memory with sessions open');
  await dialog.getByRole('textbox', { name: 'Authenticator code' }).fill(code);
  await dialog.getByRole('button', { name: 'Start session' }).click();
  const started = page.getByRole('region', { name: `Session with ${customer.name}` });
  const refused = dialog.getByRole('alert');
  await started.or(refused).first().waitFor({ timeout: 60_000 });
  if (await started.isVisible()) return null;
  const text = ((await refused.textContent()) ?? '').trim();
  await page.keyboard.press('Escape');
  return text || 'refused without a message';
}

/** Row 5 (a) and (c): the agent on a demo shop the launcher starts itself, idle, then with storefront sessions. */
export async function measureSessionsMemory(
  ctx: StartupContext,
): Promise<{ idle: Memory; sessions: NonNullable<StartupResults['memory']['sessions']> }> {
  const base = await mkdtemp(join(tmpdir(), 'concierge-bench-startup-demo-'));
  try {
    const shopPort = await freePort();
    const shopUrl = `http://127.0.0.1:${shopPort}`;
    const launcher = await launch(ctx, join(base, 'data'), shopPort);
    return await withConsole(ctx, launcher, false, async (page) => {
      await waitForMarks(page, (m) => m.emailAt !== null, 120_000, 'the Email field');
      await typeSignIn(page, shopUrl, AGENT, await ctx.code(shopUrl, AGENT));
      await waitForMarks(page, (m) => m.signedInAt !== null, 120_000, '"Sign out" after signing in');
      await sleep(IDLE_REST_MS);
      const idle = await memoryOf(launcher.consolePid);
      console.log(`  agent idle: VmRSS ${idle.rssMb.toFixed(0)} MB (peak ${idle.hwmMb.toFixed(0)} MB)`);
      let opened = 0;
      let refused: string | null = null;
      for (const customer of assistableCustomers(SESSIONS)) {
        refused = await startSession(page, customer, await ctx.code(shopUrl, AGENT));
        if (refused !== null) break;
        opened += 1;
        console.log(
          `  session ${opened} (${customer.name}): VmRSS ${(await memoryOf(launcher.consolePid)).rssMb.toFixed(0)} MB`,
        );
      }
      const memory = await memoryOf(launcher.consolePid);
      const viewsRssMb = await descendantsRssMb(launcher.consolePid);
      if (refused) console.log(`  session ${opened + 1} refused: ${refused}`);
      return { idle, sessions: { ...memory, opened, refused, viewsRssMb } };
    });
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}
