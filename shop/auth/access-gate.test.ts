/**
 * The access check that rides in a route's own statement (customer search): the same rules as
 * the requireStaff guard, read in the statement that reads the data.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { searchCustomers } from '../customers/search';
import { systemClock } from '../lib/clock';
import { JANE, seedDemo } from '../seed/demo';
import { apiRequest, errorCode, signIn, type ApiResult } from '../test/auth-helpers';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';
import { analyzedPlanNodes, recordingQueryable } from '../test/statements';
import { accessGate } from './guard';

const AGENT2 = 'agent2@demo.test';

function expectError(result: ApiResult, status: number, code: string): void {
  expect({ status: result.status, code: errorCode(result) }).toEqual({ status, code });
}

describeBackends('access checked in the statement', (backend) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(backend, { seed: (db) => seedDemo(db, systemClock) });
  });
  afterAll(async () => {
    await shop.close();
  });

  const freshToken = async (email = AGENT2) => (await signIn(shop.url, email, { clock: shop.clock })).accessToken;
  const search = (token: string, query: string) => apiRequest(shop.url, 'GET', `/customers?${query}`, { token });
  const janeFound = (result: ApiResult) => JSON.stringify(result.json).includes(JANE.id);

  it("answers a search only while the token is valid, with the guard's errors", async () => {
    const token = await freshToken();
    const ok = await search(token, 'q=jane');
    expect(ok.status).toBe(200);
    expect(janeFound(ok)).toBe(true);

    await shop.ctx.db.query(`UPDATE staff SET disabled = true WHERE email = $1`, [AGENT2]);
    try {
      // A query with matches, one without, every customer, and a cursor it cannot read.
      for (const query of ['q=jane', 'q=zzzzzz', 'limit=5', 'q=jane&cursor=not-a-cursor']) {
        const refused = await search(token, query);
        expectError(refused, 401, 'unauthorized');
        expect(janeFound(refused), query).toBe(false);
      }
    } finally {
      await shop.ctx.db.query(`UPDATE staff SET disabled = false WHERE email = $1`, [AGENT2]);
    }
    expect((await search(token, 'q=jane')).status).toBe(200);

    await shop.ctx.db.query(`UPDATE access_tokens SET expires_at = $1 WHERE staff_id = 'stf_agent2'`, [
      new Date(shop.clock.now().getTime() - 1000),
    ]);
    expectError(await search(token, 'q=jane'), 401, 'token_expired');

    const another = await freshToken();
    expect((await search(another, 'q=jane')).status).toBe(200);
    expect((await apiRequest(shop.url, 'POST', '/auth/logout', { token: another })).status).toBe(204);
    expectError(await search(another, 'q=jane'), 401, 'unauthorized');
    expectError(await search('x'.repeat(40), 'q=jane'), 401, 'unauthorized');
  });

  it('holds only for roles with one of the permissions, and confirm() gives the 403', async () => {
    const agent = `Bearer ${await freshToken('agent@demo.test')}`;
    const supervisor = `Bearer ${await freshToken('supervisor@demo.test')}`;
    const holds = async (authorization: string, permission: 'customers.read' | 'audit.read.all') => {
      const gate = accessGate({ db: shop.ctx.db, clock: shop.clock }, authorization, [permission]);
      const params: unknown[] = [];
      const sql = `SELECT ${gate.condition((value) => {
        params.push(value);
        return `$${params.length}`;
      })} AS ok`;
      return { ok: (await shop.ctx.db.query<{ ok: boolean }>(sql, params)).rows[0]?.ok, confirm: gate.confirm() };
    };
    const agentAudit = await holds(agent, 'audit.read.all');
    expect(agentAudit.ok).toBe(false);
    await expect(agentAudit.confirm).rejects.toMatchObject({ status: 403, code: 'permission_denied' });
    const supervisorAudit = await holds(supervisor, 'audit.read.all');
    expect(supervisorAudit.ok).toBe(true);
    await expect(supervisorAudit.confirm).resolves.toBeUndefined();
    const agentCustomers = await holds(agent, 'customers.read');
    expect(agentCustomers.ok).toBe(true);
    await expect(agentCustomers.confirm).resolves.toBeUndefined();
    expect(() => accessGate({ db: shop.ctx.db, clock: shop.clock }, 'Bearer short', ['customers.read'])).toThrow(
      /malformed/,
    );
  });

  it('runs none of the search for a refused token', async () => {
    const token = await freshToken();
    expect((await apiRequest(shop.url, 'POST', '/auth/logout', { token })).status).toBe(204);
    const { db: recording, statements } = recordingQueryable(shop.ctx.db);
    const gate = accessGate({ db: recording, clock: shop.clock }, `Bearer ${token}`, ['customers.read']);
    await expect(searchCustomers(recording, { q: 'jane', limit: 25 }, shop.clock.now(), gate)).rejects.toMatchObject({
      status: 401,
    });
    // The gated search, then the guard's own lookup for the precise error.
    expect(statements).toHaveLength(2);
    const [statement] = statements;
    const all = await analyzedPlanNodes(shop.ctx.db, statement!);
    const customerScans = all.filter((n) => n['Relation Name'] === 'customers');
    expect(customerScans.length).toBeGreaterThan(0);
    expect(customerScans.every((n) => n['Actual Loops'] === 0)).toBe(true);
    expect(all.some((n) => n['Relation Name'] === 'access_tokens' && (n['Actual Loops'] ?? 0) > 0)).toBe(true);
  });
});
