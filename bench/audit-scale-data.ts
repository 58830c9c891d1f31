/**
 * The audit-scale part's logs, generated in SQL (generate_series), a quarter million events per
 * statement: a 500-agent floor's mix of page views, actions, sessions, sign-ins and refusals.
 * Their hashes are SHA-256 of the seq, each prevHash the previous one's: linked, so the shop's
 * appends continue them, but not hashes of the content (nothing here verifies; never sync a
 * console from these databases). Generating real hashes in JS (audit-data.ts) would take an hour.
 */
import { AUDIT_LOCK, makeAuditRoom } from '../shop/audit/append';
import type { Database } from '../shop/db/database';
import { AGENTS, CUSTOMERS, SEED_BATCH, STEP_SECONDS } from './audit-scale-settings';

export const BASE_TIME = '2025-01-01T00:00:00Z';

/** The generated staff ids: `stf_bench_000` … */
export const agentId = (n: number) => `stf_bench_${String(n % AGENTS).padStart(3, '0')}`;

// An action by the top bits of a multiplicative hash of the seq (independent of the agent, g mod 500): 8 % refusals.
const MIX = `CASE
    WHEN m < 55 THEN 'session.page_view' WHEN m < 75 THEN 'session.action' WHEN m < 79 THEN 'session.start'
    WHEN m < 83 THEN 'session.end' WHEN m < 88 THEN 'staff.sign_in' WHEN m < 90 THEN 'staff.step_up'
    WHEN m < 92 THEN 'customer.consent_granted' WHEN m < 94 THEN 'session.action_refused'
    WHEN m < 96 THEN 'access.denied' WHEN m < 97 THEN 'staff.sign_in_failed' WHEN m < 98 THEN 'staff.step_up_failed'
    WHEN m < 99 THEN 'session.refused' ELSE 'settings.changed' END`;

const INSERT = `
  INSERT INTO audit_events (seq, id, at, action, actor_type, actor_id, actor_name, customer_id, session_id, ip,
      user_agent, details, prev_hash, hash)
  SELECT g, 'evt_' || lpad(to_hex(g), 12, '0'), $3::timestamptz + g * make_interval(secs => ${String(STEP_SECONDS)}),
      a.action, CASE WHEN a.action = 'settings.changed' THEN 'system' ELSE 'staff' END,
      CASE WHEN a.action = 'settings.changed' THEN NULL ELSE s.id END,
      CASE WHEN a.action = 'settings.changed' THEN NULL ELSE 'Agent ' || s.n END,
      CASE WHEN a.action LIKE 'session.%' OR a.action LIKE 'customer.%'
        THEN 'cus_' || lpad(((g * 7919) % ${String(CUSTOMERS)})::text, 6, '0') END,
      CASE WHEN a.action LIKE 'session.%' AND a.action <> 'session.refused' THEN 'ses_' || to_hex(g / 40) END,
      '10.0.' || (g % 250)::text || '.' || (g % 199)::text, 'Concierge/0.1.0',
      CASE WHEN a.action = 'session.end' THEN jsonb_build_object('staffId', s.id, 'reason', 'ended_by_agent')
        ELSE jsonb_build_object('path', '/store/us/products/p-' || (g % 5000)::text) END,
      encode(sha256(int8send(g - 1)), 'hex'), encode(sha256(int8send(g)), 'hex')
  FROM generate_series($1::bigint, $2::bigint) AS g,
    LATERAL (SELECT (g * 2654435761) % 4294967296 / 42949673 AS m, (g * 7) % ${String(AGENTS)} AS n) AS h,
    LATERAL (SELECT ${MIX} AS action) AS a,
    LATERAL (SELECT 'stf_bench_' || lpad(h.n::text, 3, '0') AS id, h.n) AS s`;

/** Generates events until the log holds `size`; what is there is kept. */
export async function growLog(db: Database, size: number): Promise<number> {
  const head = async () =>
    (await db.query<{ n: number | null }>('SELECT max(seq) AS n FROM audit_events')).rows[0]?.n ?? 0;
  const started = Date.now();
  let from = (await head()) + 1;
  while (from <= size) {
    const to = Math.min(size, from + SEED_BATCH - 1);
    await db.transaction(async (tx) => {
      // The shop's append lock and its partitions, so generated batches and real appends never interleave.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      await makeAuditRoom(tx, to);
      await tx.query(INSERT, [from, to, BASE_TIME]);
    });
    console.log(`  generated up to ${to.toLocaleString('en-US')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    from = to + 1;
  }
  return head();
}
