import type { Customer } from '../../shared/api/shop';
import { CheckFailed, expect, need, type Check, type RunContext } from '../suite';

const LOOKUP = 'customers: the staff file customers exist, consent as stated';

/** Reads both customers and an order of the consenting one, for the searches and sessions after. */
async function lookUp(ctx: RunContext): Promise<string> {
  const { client } = await ctx.as('agent');
  const { withConsent, withoutConsent } = ctx.file.customers;
  const consented = await client.customer(withConsent.id);
  const unconsented = await client.customer(withoutConsent.id);
  expect(consented.consent.status === 'granted', `${consented.name} has consent ${consented.consent.status}`);
  expect(unconsented.consent.status !== 'granted', `${unconsented.name} has consent granted`);
  expect(consented.accounts.length > 0, `${consented.name} has no account`);
  expect(unconsented.accounts.length > 0, `${unconsented.name} has no account`);
  const orders = await client.documents(consented.id, 'order');
  const order = orders.items[0];
  if (!order) throw new CheckFailed(`${consented.name} has no order to search by`);
  ctx.state.customers = { consented, unconsented, orderNumber: order.number };
  return `${consented.name} (${consented.consent.status}), ${unconsented.name} (${unconsented.consent.status})`;
}

/** A search for `query` must list the consenting customer. */
function searchCheck(by: string, query: (c: Customer, orderNumber: string) => string | null): Check {
  return {
    name: `customers: search by ${by}`,
    run: async (ctx) => {
      const { consented, orderNumber } = need(ctx.state.customers, LOOKUP);
      const q = query(consented, orderNumber);
      if (q === null) throw new CheckFailed(`${consented.name} has no ${by} to search by`);
      const { client } = await ctx.as('agent');
      const found = await client.searchCustomers({ q, limit: 25 });
      const hit = found.items.find((item) => item.id === consented.id);
      expect(hit !== undefined, `"${q}" did not find ${consented.id} (${found.items.length} results)`);
      return `"${q}" → ${consented.id}${hit.match ? ` (matched ${hit.match.field})` : ''}`;
    },
  };
}

export const customerChecks: Check[] = [
  { name: LOOKUP, run: lookUp },
  searchCheck('name', (c) => c.name),
  searchCheck('email', (c) => c.email),
  searchCheck('phone', (c) => c.phone),
  searchCheck('customer number', (c) => c.number),
  searchCheck('order number', (_c, order) => order),
];
