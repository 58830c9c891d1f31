import type { Page } from '@playwright/test';
import { DEMO_CUSTOMER_PASSWORD } from '../../shop/seed/demo';

/** Signs a demo customer in to the US storefront with the demo password, as the customer would. */
export async function signInCustomer(page: Page, shopUrl: string, email: string): Promise<void> {
  await page.goto(`${shopUrl}/store/us/signin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(DEMO_CUSTOMER_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
