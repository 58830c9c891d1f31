import { expect, test, type Page } from '@playwright/test';
import { openCustomer, signIn, startViewSession } from '../support/console-ui';
import {
  freePort,
  freshFolders,
  removeFolders,
  startProduct,
  type Folders,
  type RunningProduct,
} from './support/product';
import { realTotp } from './support/totp';

/**
 * The other roles, each in a console started by `npm start -- --browser` of its own (one console
 * serves one person): a supervisor watches an agent's live session and terminates it with a
 * reason, and the agent's console says who ended it and why; then at the supervisor's desk a
 * trainee sees what is hidden from trainees and why, and an admin reads the shop's settings.
 */
const code = realTotp();

let agentProduct: RunningProduct;
let deskProduct: RunningProduct;
const folders: Folders[] = [];
let agent: Page;
let desk: Page;

test.describe.serial('journey: supervisor, trainee and admin', () => {
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(300_000);
    folders.push(await freshFolders('roles-agent'), await freshFolders('roles-desk'));
    const [agentFolders, deskFolders] = folders as [Folders, Folders];
    agentProduct = await startProduct({ folders: agentFolders, port: await freePort(), shopPort: await freePort() });
    // The second console uses the first one's demo shop, as a second workstation would.
    deskProduct = await startProduct({
      folders: deskFolders,
      port: await freePort(),
      shopPort: await freePort(),
      shopUrl: agentProduct.shopUrl,
    });
    agent = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    desk = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    await agent.goto(agentProduct.consoleUrl);
    await desk.goto(deskProduct.consoleUrl);
  });

  test.afterAll(async () => {
    await deskProduct.stop();
    await agentProduct.stop();
    for (const f of folders) await removeFolders(f);
  });

  test('a supervisor terminates an agent’s live session with a reason; the agent’s console says who and why', async () => {
    test.setTimeout(180_000);
    await signIn(agent, 'agent@demo.test', code);
    await openCustomer(agent, 'jane', 'jane@example.com', 'Jane Smith');
    await startViewSession(agent, {
      email: 'agent@demo.test',
      customerName: 'Jane Smith',
      reason: 'Follow-up about delivery',
      code,
    });

    await signIn(desk, 'supervisor@demo.test', code);
    await desk.getByRole('button', { name: 'Live sessions' }).click();
    const row = desk.getByRole('row').filter({ hasText: 'Follow-up about delivery' });
    await expect(row).toContainText('Jane Smith');
    await expect(row).toContainText('Alex Agent');
    await row.getByRole('button', { name: /^Terminate/ }).click();
    await desk.getByLabel('Reason for terminating').fill('Customer asked to stop');
    await desk.getByRole('button', { name: 'Terminate session' }).click();
    await expect(desk.getByText('Nobody is assisting a customer right now.')).toBeVisible();

    await expect(agent.getByRole('heading', { name: 'Session ended' })).toBeVisible({ timeout: 20_000 });
    const ended = agent.getByRole('alert').filter({ hasText: 'Session ended' });
    await expect(ended).toContainText(/supervisor/i);
    await expect(agent.getByText('Customer asked to stop').first()).toBeVisible();
    await desk.getByRole('button', { name: 'Sign out' }).click();
  });

  test('a trainee finds customers but sees why sessions and live views are not theirs', async () => {
    await signIn(desk, 'trainee@demo.test', code);
    await expect(desk.getByRole('button', { name: 'Live sessions' })).toHaveCount(0);
    await expect(desk.getByRole('button', { name: 'Settings' })).toHaveCount(0);
    await openCustomer(desk, 'jane', 'jane@example.com', 'Jane Smith');
    await expect(desk.getByText('Your role can look customers up but cannot start assisted sessions.')).toBeVisible();
    await expect(desk.getByRole('button', { name: /Start session/ })).toHaveCount(0);
    await desk.getByRole('button', { name: 'Sign out' }).click();
  });

  test('an admin reads the shop’s assistance settings', async () => {
    await signIn(desk, 'admin@demo.test', code);
    await desk.getByRole('button', { name: 'Settings' }).click();
    await expect(desk.getByLabel('Idle timeout (minutes)')).toHaveValue('10');
    await desk.getByRole('button', { name: 'Sign out' }).click();
  });
});
