import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuditEvent, AuditSearchPage, type AuditAction, type AuditSearchQuery } from '../../shared/api/audit';
import { AUDIT_ACTION_GROUPS } from '../../shared/audit/action-groups';
import { systemClock } from '../lib/clock';
import { seedDemo } from '../seed/demo';
import { errorCode } from '../test/auth-helpers';
import {
  api,
  auditSince,
  CUSTOMERS,
  LONG_LIVED,
  signInAs,
  startSession,
  type Agent,
  type StartedSession,
} from '../test/fixtures';
import { describeBackends, startTestShop, type TestShop } from '../test/harness';
import { analyzedPlanNodes, recordingQueryable } from '../test/statements';
import { appendAudit } from './append';
import { searchAudit } from './search';

type Filters = Partial<Omit<AuditSearchQuery, 'limit' | 'before'>>;

const StrictSearchPage = AuditSearchPage.extend({ events: AuditEvent.strict().array() }).strict();

// Actions the generated events cycle through: refusals and everyday ones.
const GENERATED: readonly AuditAction[] = [
  'session.page_view',
  'session.action',
  'session.action_refused',
  'access.denied',
  'staff.sign_in',
  'session.page_view',
  'staff.step_up_failed',
];

/** What the search must answer, worked out from every stored event here (newest first). */
function expected(
  all: readonly AuditEvent[],
  filters: Filters,
  visible: (e: AuditEvent) => boolean = () => true,
): AuditEvent[] {
  return all
    .filter((e) => visible(e))
    .filter((e) => !filters.staffId || (e.actor.type === 'staff' && e.actor.id === filters.staffId))
    .filter((e) => !filters.customerId || e.customerId === filters.customerId)
    .filter((e) => !filters.sessionId || e.sessionId === filters.sessionId)
    .filter((e) => {
      const action = filters.action;
      return !action || (action.endsWith('.') ? e.action.startsWith(action) : e.action === action);
    })
    .filter((e) => !filters.actionGroup || AUDIT_ACTION_GROUPS[filters.actionGroup].includes(e.action))
    .filter((e) => !filters.from || Date.parse(e.at) >= Date.parse(filters.from))
    .filter((e) => !filters.to || Date.parse(e.at) <= Date.parse(filters.to))
    .reverse();
}

describeBackends('GET /audit/search', (backend) => {
  let shop: TestShop;
  let admin: Agent;
  let supervisor: Agent;
  let agent: Agent;
  let agent2: Agent;
  let ended: StartedSession;

  /** Every page of a search, following nextBefore, as the reader gets them over HTTP. */
  async function searchAll(reader: Agent, filters: Filters, limit: number): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    let before: number | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const query = new URLSearchParams({
        ...filters,
        limit: String(limit),
        ...(before ? { before: String(before) } : {}),
      });
      const response = await api(shop, reader, 'GET', `/audit/search?${query.toString()}`);
      expect(response.status, JSON.stringify(response.json)).toBe(200);
      const page = StrictSearchPage.parse(response.json);
      events.push(...page.events);
      if (page.nextBefore === null) return events;
      expect(page.events).toHaveLength(limit);
      expect(page.nextBefore).toBe(page.events.at(-1)?.seq);
      before = page.nextBefore;
    }
    throw new Error('the search never ended');
  }

  beforeAll(async () => {
    shop = await startTestShop(backend, {
      // Small partitions, so searches cross several (the stored setting, before the first event).
      seed: async (db) => {
        await db.query('UPDATE audit_partitioning SET range_size = 400');
        await seedDemo(db, systemClock);
      },
      config: LONG_LIVED,
    });
    admin = await signInAs(shop, 'admin@demo.test');
    supervisor = await signInAs(shop, 'supervisor@demo.test');
    agent = await signInAs(shop, 'agent@demo.test');
    agent2 = await signInAs(shop, 'agent2@demo.test');
    // A session of the agent's that the supervisor ends: an end the agent sees though not its actor.
    ended = await startSession(shop, agent, { reason: 'Search test' });
    const end = await api(shop, supervisor, 'POST', `/assist-sessions/${ended.id}/end`, { note: 'Checking' });
    expect(end.status).toBe(200);
    const actors = [agent, agent2, supervisor];
    await shop.ctx.db.transaction(async (tx) => {
      for (let i = 0; i < 2400; i++) {
        const actor = actors[i % actors.length] ?? agent;
        await appendAudit(tx, shop.clock, {
          action: GENERATED[i % GENERATED.length] ?? 'session.page_view',
          actor: { type: 'staff', id: actor.id, name: actor.name },
          customerId: i % 2 === 0 ? CUSTOMERS.jane.id : CUSTOMERS.john.id,
          sessionId: i % 5 === 0 ? ended.id : null,
          details: { i },
        });
      }
    });
    await shop.ctx.db.query('ANALYZE audit_events');
  }, 120_000);
  afterAll(async () => {
    await shop.close();
  });

  it('answers each of the viewer’s filters, newest first, page by page', async () => {
    const all = await auditSince(shop, 0);
    const times = all.map((e) => e.at);
    const filterSets: Filters[] = [
      {},
      { staffId: agent.id, actionGroup: 'refused' },
      { staffId: agent2.id },
      { actionGroup: 'refused' },
      { action: 'session.' },
      { action: 'session.end' },
      { staffId: supervisor.id, action: 'session.', actionGroup: 'refused' },
      { customerId: CUSTOMERS.john.id, action: 'access.denied' },
      { sessionId: ended.id },
      { from: times[500] ?? '', to: times[900] ?? '', staffId: agent.id },
      { staffId: agent.id, action: 'settings.changed' },
    ];
    for (const filters of filterSets) {
      const want = expected(all, filters);
      const got = await searchAll(admin, filters, 200);
      expect(
        got.map((e) => e.seq),
        JSON.stringify(filters),
      ).toEqual(want.map((e) => e.seq));
      // The events as stored, exactly.
      expect(got).toEqual(want);
    }
    expect(expected(all, filterSets[1] ?? {}).length).toBeGreaterThan(100);
    // Small pages walk the same result.
    const paged = await searchAll(admin, { staffId: agent.id, actionGroup: 'refused' }, 7);
    expect(paged.map((e) => e.seq)).toEqual(
      expected(all, { staffId: agent.id, actionGroup: 'refused' }).map((e) => e.seq),
    );
  });

  it('shows an audit.read.own reader only what GET /audit/events shows them', async () => {
    const all = await auditSince(shop, 0);
    const sessions = await shop.ctx.db.query<{ id: string; staff_id: string }>(
      'SELECT id, staff_id FROM assist_sessions',
    );
    const agentOf = new Map(sessions.rows.map((s) => [s.id, s.staff_id]));
    const theirs = (e: AuditEvent) =>
      (e.actor.type === 'staff' && e.actor.id === agent.id) ||
      (e.action === 'session.end' && e.details.staffId === agent.id && agentOf.get(e.sessionId ?? '') === agent.id);
    for (const filters of [
      {},
      { actionGroup: 'refused' },
      { staffId: supervisor.id },
      { sessionId: ended.id },
    ] as Filters[]) {
      const got = await searchAll(agent, filters, 150);
      expect(
        got.map((e) => e.seq),
        JSON.stringify(filters),
      ).toEqual(expected(all, filters, theirs).map((e) => e.seq));
    }
    // The supervisor's end of the agent's session, and nothing else the supervisor did.
    const bySupervisor = await searchAll(agent, { staffId: supervisor.id }, 50);
    expect(bySupervisor.map((e) => [e.action, e.sessionId])).toEqual([['session.end', ended.id]]);
    // The same search by the other agent finds none of it.
    expect(await searchAll(agent2, { staffId: supervisor.id }, 50)).toEqual([]);
  });

  it('refuses a caller who is not signed in and input outside the schema', async () => {
    const anonymous = await api(shop, null, 'GET', '/audit/search');
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'unauthorized']);
    for (const query of [
      'limit=0',
      'limit=201',
      'before=0',
      'before=abc',
      'action=session.nothing',
      'action=session',
      'actionGroup=everything',
      'from=yesterday',
      'staffId=',
    ]) {
      const bad = await api(shop, admin, 'GET', `/audit/search?${query}`);
      expect([bad.status, errorCode(bad)], query).toEqual([400, 'validation_failed']);
    }
  });

  it('walks the staff member’s events of each action in the group through an index, never a sequential scan', async () => {
    const { db, statements } = recordingQueryable(shop.ctx.db);
    const page = await searchAudit(db, { all: true }, { staffId: agent.id, actionGroup: 'refused', limit: 50 });
    expect(page.rows).toHaveLength(50);
    const [walks, rows] = statements.slice(-2);
    if (!walks || !rows || statements.length !== 2) throw new Error('expected the walks, then the rows');
    const partitionOf = await shop.ctx.db.query<{ name: string; n: number }>(
      'SELECT tableoid::regclass::text AS name, count(*)::int AS n FROM audit_events GROUP BY 1',
    );
    // A partition of a few rows (the newest, just begun) is cheaper read whole; every other is walked by index.
    const large = new Set(partitionOf.rows.filter((r) => r.n >= 100).map((r) => r.name));
    expect(large.size).toBeGreaterThan(3);
    const walked = (await analyzedPlanNodes(shop.ctx.db, walks)).filter((n) => large.has(n['Relation Name'] ?? ''));
    expect(walked.filter((n) => n['Node Type'] === 'Seq Scan')).toEqual([]);
    const byIndex = walked.filter((n) => n['Index Name']?.endsWith('actor_id_action_seq_idx'));
    expect(new Set(byIndex.map((n) => n['Relation Name']))).toEqual(large);
    // The rows are read from the partitions holding them only (pruned when planned).
    const holding = new Set(
      (
        await shop.ctx.db.query<{ name: string }>(
          'SELECT DISTINCT tableoid::regclass::text AS name FROM audit_events WHERE seq = ANY($1::bigint[])',
          [page.rows.map((r) => r.seq)],
        )
      ).rows.map((r) => r.name),
    );
    const read = (await analyzedPlanNodes(shop.ctx.db, rows)).flatMap((n) => n['Relation Name'] ?? []);
    expect(new Set(read)).toEqual(holding);
    expect(holding.size).toBeLessThan(partitionOf.rows.length);
  });
});
