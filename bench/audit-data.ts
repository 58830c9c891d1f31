/**
 * The audit benchmarks' data: one million plausible, properly chained events, generated once
 * into a base database, and fresh copies of it for the runs. The audit-sync part appends events
 * (the incremental syncs, the shop's own sign-ins); were they kept, every run would measure a
 * longer log with a growing head of one agent's page views, so its numbers would drift from run
 * to run. It measures a new copy of the base each time instead.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { canonicalJson, GENESIS_HASH } from '../shared/audit/chain';
import { AUDIT_LOCK, makeAuditRoom } from '../shop/audit/append';
import { openPostgres, type Database } from '../shop/db/database';
import { migrate } from '../shop/db/migrate';
import { DEMO_STAFF, seedStaff } from '../shop/seed/staff';
import { benchDatabase, benchServer } from './database';

const BASE_DATABASE = 'concierge_bench_audit_base';
export const EVENTS = 1_000_000;
export const BASE_TIME = Date.parse('2026-01-01T00:00:00.000Z');
export const STEP_MS = 2_000;
export const CUSTOMERS = 100_000;

export const pick = <T>(items: readonly T[], n: number): T => {
  const item = items[n % items.length];
  if (item === undefined) throw new Error('empty list');
  return item;
};

/** One plausible event body (without hash) for position `seq`: mostly agents working sessions. */
function eventBody(seq: number, prevHash: string): Record<string, unknown> {
  const mix = (seq * 2_654_435_761) % 100;
  const staff = pick(DEMO_STAFF, (seq * 31) % 7);
  const session = `ses_${Math.floor(seq / 40)
    .toString(36)
    .padStart(8, '0')}`;
  const customer = `cus_${((seq * 7919) % CUSTOMERS).toString().padStart(6, '0')}`;
  const base = {
    seq,
    id: `evt_${seq.toString(36).padStart(10, '0')}`,
    at: new Date(BASE_TIME + seq * STEP_MS).toISOString(),
    ip: `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`,
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Concierge/0.1.0 Chrome/140.0 Electron/45.4.1',
    prevHash,
  };
  const asStaff = { type: 'staff', id: staff.id, name: staff.name };
  if (mix < 55)
    return {
      ...base,
      action: 'session.page_view',
      actor: asStaff,
      customerId: customer,
      sessionId: session,
      details: { path: `/store/us/products/p-${seq % 5000}`, status: 200 },
    };
  if (mix < 75)
    return {
      ...base,
      action: 'session.action',
      actor: asStaff,
      customerId: customer,
      sessionId: session,
      details: { kind: 'cart.add', sku: `SKU-${seq % 20_000}`, quantity: 1 + (seq % 3) },
    };
  if (mix < 80)
    return {
      ...base,
      action: 'session.start',
      actor: asStaff,
      customerId: customer,
      sessionId: session,
      details: {
        mode: seq % 2 ? 'view' : 'act',
        reason: `Customer called about order O-${10_000_000 + (seq % 900_000)}`,
        ticket: `T-${seq % 100_000}`,
      },
    };
  if (mix < 85)
    return {
      ...base,
      action: 'session.end',
      actor: asStaff,
      customerId: customer,
      sessionId: session,
      details: { reason: 'agent' },
    };
  if (mix < 90)
    return { ...base, action: 'staff.sign_in', actor: asStaff, customerId: null, sessionId: null, details: {} };
  if (mix < 93)
    return {
      ...base,
      action: 'staff.step_up',
      actor: asStaff,
      customerId: null,
      sessionId: null,
      details: { method: 'totp' },
    };
  if (mix < 98)
    return {
      ...base,
      action: 'customer.consent_granted',
      actor: { type: 'customer', id: customer, name: `Customer ${customer.slice(4)}` },
      customerId: customer,
      sessionId: null,
      details: { duration: '24h' },
    };
  return {
    ...base,
    action: 'settings.changed',
    actor: { type: 'system', id: null, name: null },
    customerId: null,
    sessionId: null,
    details: { key: 'idleTimeoutSeconds', value: 900 },
  };
}

/**
 * Appends `count` chained events in batches: hashes in JS (node:crypto's SHA-256 over the
 * shared canonical JSON, the API's definition), rows set-based through json_to_recordset.
 */
async function generateEvents(db: Database, count: number): Promise<void> {
  const BATCH = 10_000;
  let done = 0;
  while (done < count) {
    const size = Math.min(BATCH, count - done);
    await db.transaction(async (tx) => {
      // The shop's append lock, so generated batches and real appends never interleave.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
      const head = (
        await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')
      ).rows[0];
      // The partitions this batch lands in, as appendAudit makes them (migration 013).
      await makeAuditRoom(tx, (head?.seq ?? 0) + size);
      let prev = head?.hash ?? GENESIS_HASH;
      const rows: Record<string, unknown>[] = [];
      for (let seq = (head?.seq ?? 0) + 1; rows.length < size; seq += 1) {
        const body = eventBody(seq, prev);
        const hash = createHash('sha256').update(canonicalJson(body)).digest('hex');
        const actor = body.actor as { type: string; id: string | null; name: string | null };
        rows.push({ ...body, hash, actor_type: actor.type, actor_id: actor.id, actor_name: actor.name });
        prev = hash;
      }
      await tx.query(
        `INSERT INTO audit_events (seq, id, at, action, actor_type, actor_id, actor_name, customer_id, session_id, ip, user_agent, details, prev_hash, hash)
         SELECT seq, id, at, action, actor_type, actor_id, actor_name, "customerId", "sessionId", ip, "userAgent", details, "prevHash", hash
         FROM json_to_recordset($1::json) AS t(seq bigint, id text, at timestamptz, action text, actor_type text, actor_id text, actor_name text,
           "customerId" text, "sessionId" text, ip text, "userAgent" text, details jsonb, "prevHash" text, hash text)`,
        [JSON.stringify(rows)],
      );
    });
    done += size;
    if (done % 100_000 === 0 || done === count)
      console.log(`  generated ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} events`);
  }
}

async function prepareBase(databaseUrl: string): Promise<number> {
  const db = await openPostgres(databaseUrl);
  try {
    await migrate(db);
    await seedStaff(db);
    const existing = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events')).rows[0]?.n ?? 0;
    if (existing < EVENTS) {
      const started = Date.now();
      await generateEvents(db, EVENTS - existing);
      console.log(
        `  generated ${(EVENTS - existing).toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
      await db.query('ANALYZE audit_events');
    }
    return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_events')).rows[0]?.n ?? 0;
  } finally {
    await db.close();
  }
}

/**
 * The URL of database `name`, a copy of the base (generated first if missing). `fresh`: drop
 * the copy and copy the base again, so the run sees exactly the generated events; otherwise an
 * existing copy is kept as it is (the console-ui part keeps a local mirror of it between runs).
 */
export async function auditBenchDatabase(name: string, { fresh }: { fresh: boolean }): Promise<string> {
  const admin = new pg.Client({ connectionString: await benchServer() });
  await admin.connect();
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rows.length > 0;
    if (exists && !fresh) return await benchDatabase(name);
    await prepareBase(await benchDatabase(BASE_DATABASE));
    const started = Date.now();
    if (exists) await admin.query(`DROP DATABASE ${pg.escapeIdentifier(name)} WITH (FORCE)`);
    // FILE_COPY (PostgreSQL 15+) copies the files instead of logging every page: seconds, not a minute.
    const version = Number((await admin.query<{ v: string }>('SHOW server_version_num')).rows[0]?.v ?? 0);
    const strategy = version >= 150_000 ? ' STRATEGY FILE_COPY' : '';
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(BASE_DATABASE)}${strategy}`,
    );
    console.log(`  copied ${BASE_DATABASE} to ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await admin.end();
  }
  return benchDatabase(name);
}
