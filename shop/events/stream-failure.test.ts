import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogging, type Logging } from '../../main/core/logging';
import { seedDemo } from '../seed/demo';
import { systemClock } from '../lib/clock';
import { signInAs, type Agent } from '../test/fixtures';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';

/** Everything the shop sends on one `GET /events` until it ends the response (or `stopAt` appears). */
async function readStream(shopUrl: string, token: string, headers: Record<string, string> = {}, stopAt?: string) {
  // A stream left open fails the test here, not at the test's own timeout.
  const response = await fetch(`${shopUrl}/api/v1/events`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
    signal: AbortSignal.timeout(15_000),
  });
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return { status: response.status, text, ended: true };
    text += new TextDecoder().decode(value);
    if (stopAt && text.includes(stopAt)) {
      await reader.cancel();
      return { status: response.status, text, ended: false };
    }
  }
}

/**
 * The database failing after the stream's head was sent: the audit log's table is renamed away,
 * so the feed's first read, or a resuming stream's catch-up, fails as a lost table would.
 */
describeBackends('GET /events when the database fails while it starts', (backend) => {
  let shop: TestShop;
  let logging: Logging;
  let dir: string;
  let agent: Agent;
  const breakAuditLog = () => shop.ctx.db.exec('ALTER TABLE audit_events RENAME TO audit_events_away');
  const repairAuditLog = () => shop.ctx.db.exec('ALTER TABLE audit_events_away RENAME TO audit_events');
  const errorLines = async () => {
    await logging.flush();
    const text = await readFile(join(dir, 'shop.log'), 'utf8');
    return text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.level === 'error');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shop-events-'));
    logging = createLogging({ file: join(dir, 'shop.log') });
    shop = await startTestShop(backend, {
      seed: (db) => seedDemo(db, systemClock),
      build: { logger: logging.logger('shop') },
    });
    agent = await signInAs(shop, 'agent@demo.test');
  });
  afterAll(async () => {
    await shop.close();
    await logging.close();
    await rm(dir, { recursive: true, force: true });
  });

  // First in this shop: no stream has started the feed yet, so its first read is what fails.
  it('ends the stream and logs the failure when the feed’s first read fails, and serves the next one', async () => {
    await breakAuditLog();
    const failed = await readStream(shop.url, agent.token).finally(repairAuditLog);
    expect(failed.status).toBe(200);
    expect(failed.ended).toBe(true);
    expect(failed.text).toContain('retry:');
    expect(failed.text).not.toContain('event: ready');

    const [logged] = await errorLines();
    expect(logged).toMatchObject({
      module: 'shop',
      msg: 'event stream failed while starting; ended it',
      staffId: agent.id,
      err: { message: expect.stringContaining('audit_events') as unknown },
    });
    const file = await readFile(join(dir, 'shop.log'), 'utf8');
    expect(file).not.toContain(agent.token);

    // The failed start left the feed able to start again.
    const next = await readStream(shop.url, agent.token, {}, 'event: ready');
    expect(next.ended).toBe(false);
  });

  it('ends a resuming stream whose catch-up read fails, while the streams already open carry on', async () => {
    const response = await fetch(`${shop.url}/api/v1/events`, { headers: { authorization: `Bearer ${agent.token}` } });
    const open = response.body?.getReader();
    let openText = '';
    while (open && !openText.includes('event: ready')) {
      const { value, done } = await open.read();
      if (done) throw new Error('the open stream ended');
      openText += new TextDecoder().decode(value);
    }
    const before = (await errorLines()).length;

    await breakAuditLog();
    const failed = await readStream(shop.url, agent.token, { 'last-event-id': '1' }).finally(repairAuditLog);
    expect(failed.ended).toBe(true);
    expect(failed.text).not.toContain('event: ready');
    const lines = await errorLines();
    expect(lines).toHaveLength(before + 1);
    expect(lines.at(-1)).toMatchObject({ msg: 'event stream failed while starting; ended it', staffId: agent.id });

    // The stream opened before carries on: the agent's next sign-in reaches it as a new audit head.
    const told = openText.length;
    await signInAs(shop, 'agent@demo.test');
    while (open && !openText.slice(told).includes('event: audit-head')) {
      const { value, done } = await open.read();
      if (done) throw new Error('the open stream ended');
      openText += new TextDecoder().decode(value);
    }
    await open?.cancel();
  });
});
