import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../conformance/checks';
import { storefrontGet } from '../conformance/http';
import { rowOf, runConformance } from '../conformance/run-cli';
import { signIn, stepUp } from '../conformance/sign-in';
import type { SignedIn } from '../conformance/suite';
import { StaffFile } from '../conformance/staff-file';
import { totpCodes } from '../conformance/totp';
import type { StreamMessage } from '../shared/api/events';
import type { SessionMode } from '../shared/api/settings';
import { openEventStream } from '../main/core/api/event-stream';
import { connectorUnavailable, databaseUrl, startMedusa, type MedusaServer } from './medusa-server';

/**
 * The Assistance API on Medusa v2 (connectors/medusa) as its README runs it: `medusa db:migrate`,
 * the seed through Medusa's own workflows, `medusa start` in development mode on loopback. The
 * conformance suite a platform team runs must pass against it as against the reference shop.
 */

const unavailable = connectorUnavailable();
if (unavailable !== null) {
  if (process.env.CI) throw new Error(`CI must run the Medusa connector's tests: ${unavailable}`);
  console.warn(`[connector tests] Medusa skipped: ${unavailable}`);
}

describe.skipIf(unavailable !== null)('the Medusa connector', () => {
  let medusa: MedusaServer;
  const server = process.env.TEST_DATABASE_URL ?? '';

  beforeAll(async () => {
    medusa = await startMedusa(server);
  }, 300_000);
  afterAll(async () => {
    // Unset when the start failed.
    await (medusa as MedusaServer | undefined)?.stop();
  });

  it('passes the conformance suite: every check but the signed checkpoints, which it does not make', async () => {
    const run = await runConformance(medusa.shopUrl, ['--staff', medusa.staffFile]);
    const log = `${run.stdout}${run.stderr}\n(medusa log: ${medusa.log})`;
    expect(run.code, log).toBe(0);
    for (const check of CHECKS) {
      const expected = check.name.startsWith('audit: signed checkpoints') ? / skip / : / pass /;
      expect(rowOf(run.stdout, check.name), log).toMatch(expected);
    }
  }, 180_000);

  it('keeps its audit log append-only in the database and each event linked to the one before', async () => {
    const db = new pg.Client({ connectionString: databaseUrl(server, medusa.database) });
    await db.connect();
    try {
      const { rows } = await db.query<{ seq: number; body: string; hash: string }>(
        'SELECT seq, body, hash FROM concierge_audit_event ORDER BY seq',
      );
      expect(rows.length).toBeGreaterThan(10);
      // The text stored is what the hash covers; jsonb would have reordered its keys.
      for (const row of rows) expect(JSON.parse(row.body)).toMatchObject({ seq: row.seq, hash: row.hash });
      await expect(db.query('UPDATE concierge_audit_event SET action = action WHERE seq = 1')).rejects.toThrow(
        /append-only/,
      );
      await expect(db.query('DELETE FROM concierge_audit_event WHERE seq = 1')).rejects.toThrow(/append-only/);
    } finally {
      await db.end();
    }
  });

  it('serves the assisted storefront by the rules: one redeem per handoff, no-store pages, view only, sensitive never, ended refused', async () => {
    const file = StaffFile.parse(JSON.parse(await readFile(medusa.staffFile, 'utf8')));
    // The admin assists here: the conformance run spent most of the agents' TOTP steps of this
    // minute, and an admin may let staff step up with their password (a settings change, audited).
    const person = file.staff.find((s) => s.role === 'admin');
    if (!person) throw new Error('the staff file has no admin');
    const codes = totpCodes();
    const agent = await signIn(medusa.shopUrl, person, codes);
    await agent.client.saveSettings({ ...(await agent.client.settings()), stepUpPolicy: 'totp_or_password' });
    // The console's own event stream client, reading the connector's GET /events throughout.
    const messages: StreamMessage[] = [];
    const stream = openEventStream({
      shopUrl: medusa.shopUrl,
      tokens: { accessToken: () => agent.tokens.access, refreshAccessToken: () => Promise.resolve(false) },
      onMessage: (message) => {
        messages.push(message);
      },
      onState: () => undefined,
    });
    await expect.poll(() => stream.state()).toBe('live');
    const jane = await agent.client.customer(file.customers.withConsent.id);
    const us = jane.accounts.find((a) => a.storeCode === 'us');
    if (!us) throw new Error('Jane has no US account');
    const start = async (mode: SessionMode) =>
      agent.client.createSession({
        customerId: jane.id,
        accountId: us.id,
        mode,
        reason: 'Storefront rules',
        stepUpToken: await stepUp(agent, codes),
      });

    const view = await start('view');
    // Two tabs open the same link at once: one conditional UPDATE claims it, the other is refused.
    const [first, second] = await Promise.all([storefrontGet(view.handoffUrl), storefrontGet(view.handoffUrl)]);
    expect([first.status, second.status].sort()).toEqual([303, 410]);
    const entered = first.status === 303 ? first : second;
    const cookie = entered.setCookies;
    const home = await page(entered.location ?? '', cookie);
    expect(home.status).toBe(200);
    expect(home.headers.get('cache-control')).toBe('no-store');
    expect(home.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(home.text).toContain('View only');
    const productHref = /href="([^"]*\/products\/[^"]+)"/.exec(home.text)?.[1] ?? '';
    const productPage = await page(new URL(productHref, home.url).toString(), cookie);
    expect(productPage.text).toMatch(/Add to cart/);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(productPage.text)?.[1] ?? '';
    const variant = /name="variant_id"[^>]*value="([^"]+)"|<option value="([^"]+)"/.exec(productPage.text);
    const handle = /name="handle" value="([^"]+)"/.exec(productPage.text)?.[1] ?? '';
    const form = { _csrf: csrf, handle, variant_id: variant?.[1] ?? variant?.[2] ?? '', quantity: '1' };
    const base = new URL('./', entered.location ?? '').toString();
    // The page draws the button locked; a POST sent anyway is refused at the shop and recorded.
    expect((await post(`${base}cart/add`, cookie, form)).status).toBe(403);
    expect((await post(`${base}account/password`, cookie, { _csrf: csrf, password: 'new-secret-1' })).status).toBe(403);
    expect((await post(`${base}cart/add`, cookie, { ...form, _csrf: 'forged' })).status).toBe(403);

    await agent.client.endSession(view.session.id, {});
    expect((await page(base, cookie)).status).toBe(410);
    expect((await storefrontGet(view.handoffUrl)).status).toBe(410);

    const act = await start('act');
    const actEntered = await storefrontGet(act.handoffUrl);
    const actPage = await page(new URL(productHref, actEntered.location ?? '').toString(), actEntered.setCookies);
    const actCsrf = /name="_csrf" value="([^"]+)"/.exec(actPage.text)?.[1] ?? '';
    const added = await post(`${new URL('./', actEntered.location ?? '').toString()}cart/add`, actEntered.setCookies, {
      ...form,
      _csrf: actCsrf,
    });
    expect(added.status).toBe(303);
    expect(
      (
        await post(`${new URL('./', actEntered.location ?? '').toString()}account/email`, actEntered.setCookies, {
          _csrf: actCsrf,
          email: 'x@example.com',
        })
      ).status,
    ).toBe(403);
    await agent.client.endSession(act.session.id, {});

    const events = await sessionEvents(view.session.id, act.session.id);
    const refusals = events.filter((e) => e.action === 'session.action_refused').map((e) => e.details.reason);
    expect(refusals).toEqual(['view_only', 'sensitive', 'csrf', 'sensitive']);
    expect(events.filter((e) => e.action === 'session.action').map((e) => e.details.action)).toEqual(['cart.add']);
    expect(events.filter((e) => e.action === 'session.handoff_refused').map((e) => e.details.reason)).toEqual([
      'used',
      'used',
    ]);
    expect(events.filter((e) => e.action === 'session.page_view').length).toBeGreaterThanOrEqual(3);
    // Form values (the password typed) are never recorded.
    expect(JSON.stringify(events)).not.toContain('new-secret-1');
    // Each session's changes were pushed; a second's changes come as the session then stands.
    const seen = (id: string) =>
      messages.flatMap((m) => (m.event === 'session' && m.data.id === id ? [m.data.status] : []));
    await expect.poll(() => seen(act.session.id).at(-1), { timeout: 10_000 }).toBe('ended');
    expect(seen(view.session.id).at(-1)).toBe('ended');
    expect(messages.some((m) => m.event === 'audit-head')).toBe(true);
    stream.stop();
    // Medusa's request log names the storefront's paths, never a handoff code, token or password.
    const secrets = [view.handoffUrl, act.handoffUrl].map((url) => new URL(url).searchParams.get('code') ?? '');
    secrets.push(agent.tokens.access, agent.tokens.refresh, person.password, cookie.split('=')[1] ?? '');
    const log = await readFile(medusa.log, 'utf8');
    expect(log).toContain('/assist/enter?code=[redacted]');
    for (const secret of secrets)
      expect(secret.length > 8 && log.includes(secret), 'a secret in the Medusa log').toBe(false);
    await signOut(agent);
  }, 180_000);

  async function sessionEvents(...ids: string[]): Promise<{ action: string; details: Record<string, unknown> }[]> {
    const db = new pg.Client({ connectionString: databaseUrl(server, medusa.database) });
    await db.connect();
    try {
      const { rows } = await db.query<{ body: string }>(
        'SELECT body FROM concierge_audit_event WHERE session_id = ANY($1) ORDER BY seq',
        [ids],
      );
      return rows.map((row) => JSON.parse(row.body) as { action: string; details: Record<string, unknown> });
    } finally {
      await db.end();
    }
  }

  it('seeds staff and customers a platform team would have: roles on Medusa users, consent on Medusa customers', async () => {
    const file = StaffFile.parse(JSON.parse(await readFile(medusa.staffFile, 'utf8')));
    expect(file.staff.map((s) => s.role).sort()).toEqual(['admin', 'agent', 'agent', 'supervisor', 'trainee']);
    const db = new pg.Client({ connectionString: databaseUrl(server, medusa.database) });
    await db.connect();
    try {
      const roles = await db.query<{ role: string }>(
        `SELECT metadata->>'concierge_role' AS role FROM "user" WHERE email LIKE '%@demo.test' ORDER BY email`,
      );
      expect(roles.rows.map((r) => r.role)).toEqual(['admin', 'agent', 'agent', 'supervisor', 'trainee']);
      const mfa = await db.query<{ n: string }>(`SELECT count(*) AS n FROM auth_mfa_factor WHERE status = 'enabled'`);
      expect(Number(mfa.rows[0]?.n)).toBe(5);
      const consent = await db.query<{ status: string | null }>(
        `SELECT metadata->'concierge_consent'->>'status' AS status FROM customer WHERE id = $1`,
        [file.customers.withConsent.id],
      );
      expect(consent.rows[0]?.status).toBe('granted');
    } finally {
      await db.end();
    }
  });
});

async function page(
  url: string,
  cookie: string,
): Promise<{ status: number; headers: Headers; text: string; url: string }> {
  const response = await fetch(url, { redirect: 'manual', headers: { cookie, accept: 'text/html' } });
  return { status: response.status, headers: response.headers, text: await response.text(), url };
}

function post(url: string, cookie: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

async function signOut(who: SignedIn): Promise<void> {
  await who.client.logout();
}
