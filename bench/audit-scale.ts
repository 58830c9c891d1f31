/**
 * The shop's audit log at scale (issue 22): append, page and search latency at one and at ten
 * million events on PostgreSQL, each log in a database of its own (generated once, kept).
 */
import { appendAudit } from '../shop/audit/append';
import { newestCheckpoint } from '../shop/audit/checkpoint-store';
import { auditPageJson, auditSearchJson } from '../shop/audit/page-json';
import { readScopedPage, scopedHead } from '../shop/audit/read-scope';
import { searchAudit } from '../shop/audit/search';
import { openPostgres, type Database } from '../shop/db/database';
import { migrate } from '../shop/db/migrate';
import { systemClock } from '../shop/lib/clock';
import { GENESIS_HASH } from '../shared/audit/chain';
import { agentId, growLog } from './audit-scale-data';
import { renderAuditScaleSection, type AuditScaleRow } from './audit-scale-report';
import { DURATION_MS, PAGE_LIMIT, RUNS, SEARCH_LIMIT, SIZES, WARMUP_MS } from './audit-scale-settings';
import { benchDatabase } from './database';
import { machine, medianByP95, ms, runLoad, type LoadResult } from './load';
import { writeSection } from './report';
import type { BenchPart } from './run';

/** A fixed-seed generator, so each run asks for the same pages and staff members. */
function random(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % Math.max(1, below);
  };
}

const ALL = { all: true } as const;

async function measure(label: string, request: () => Promise<void>): Promise<LoadResult> {
  const result = await runLoad(request, { concurrency: 1, durationMs: DURATION_MS, warmupMs: WARMUP_MS });
  console.log(
    `  ${label.padEnd(40)} p50 ${ms(result.p50)} ms  p95 ${ms(result.p95)} ms  (${String(result.requests)}, ${String(result.errors)} errors)`,
  );
  return result;
}

/** The four measures on one log, in the order of the report's rows. */
async function measureLog(db: Database, head: number): Promise<LoadResult[]> {
  const next = random(head);
  const append = await measure('append', async () => {
    const agent = agentId(next(1000));
    await db.transaction((tx) =>
      appendAudit(tx, systemClock, {
        action: 'session.page_view',
        actor: { type: 'staff', id: agent, name: 'Bench agent' },
        customerId: 'cus_000001',
        sessionId: 'ses_bench',
        details: { path: '/store/us/products/p-1', status: 200 },
      }),
    );
  });
  // Page after page from a random seq, as a console's sync reads them (a page picked at random
  // anywhere would measure how much of the log the OS keeps cached, which is not what grows here).
  let after = next(head - PAGE_LIMIT);
  const page = await measure(`pages of ${String(PAGE_LIMIT)} in a row`, async () => {
    const rows = await readScopedPage(db, ALL, after, PAGE_LIMIT);
    const top = (await scopedHead(db, ALL)) ?? { seq: 0, hash: GENESIS_HASH };
    auditPageJson(rows, after, top, await newestCheckpoint(db));
    after = rows.length === PAGE_LIMIT ? (rows.at(-1)?.seq ?? 0) : next(head - PAGE_LIMIT);
  });
  const search = (before: boolean) => async () => {
    const query = { staffId: agentId(next(1000)), actionGroup: 'refused' as const, limit: SEARCH_LIMIT };
    const page = await searchAudit(db, ALL, before ? { ...query, before: 1 + next(head) } : query);
    auditSearchJson(page.rows, page.nextBefore);
  };
  const first = await measure('search staff + refused, first page', search(false));
  const from = await measure('search staff + refused, from a random seq', search(true));
  return [append, page, first, from];
}

const LABELS: { label: string; target: AuditScaleRow['target'] }[] = [
  { label: 'append (`appendAudit`)', target: 'growth' },
  { label: `pages of ${PAGE_LIMIT.toLocaleString('en-US')} in a row (\`GET /audit/events\`)`, target: 'growth' },
  { label: 'search: staff member + refused, first page', target: 'bound' },
  { label: 'search: staff member + refused, from a random seq', target: 'bound' },
];

/** A log ready to measure: generated up to `size` when short, then vacuumed. */
async function openLog(size: number): Promise<{ db: Database; head: number }> {
  const db = await openPostgres(await benchDatabase(`concierge_bench_audit_scale_${String(size / 1_000_000)}m`));
  await migrate(db);
  console.log(`  log of ${size.toLocaleString('en-US')} events`);
  const head = await growLog(db, size);
  // A log at rest: statistics and visibility maps current, no autovacuum starting mid-measure.
  await db.query('VACUUM (ANALYZE) audit_events');
  return { db, head };
}

/** The run with the median p95 of each measure, and every run's p95. */
function medians(runs: LoadResult[][]): { results: LoadResult[]; runP95: number[][] } {
  const results = LABELS.map((_, i) => {
    return medianByP95(
      runs.map((run) => run[i] as LoadResult),
      (r) => r.p95,
    ) as LoadResult;
  });
  return { results, runP95: LABELS.map((_, i) => runs.map((run) => (run[i] as LoadResult).p95)) };
}

export const auditScaleBench: BenchPart = {
  name: 'audit-scale',
  description: `the shop's audit log at ${SIZES.map((s) => s.toLocaleString('en-US')).join(' and ')} events on PostgreSQL`,
  run: async () => {
    const started = Date.now();
    const host = machine();
    const logs: { db: Database; head: number }[] = [];
    try {
      for (const size of SIZES) logs.push(await openLog(size));
      // Rounds of every log rather than one log's runs in a row, so a slow spell of this shared
      // machine falls on both sizes; each measure reports its median run by p95.
      const runs: LoadResult[][][] = logs.map(() => []);
      for (let round = 1; round <= RUNS; round++)
        for (const [i, log] of logs.entries()) {
          console.log(`  round ${String(round)}/${String(RUNS)}, ${log.head.toLocaleString('en-US')} events`);
          runs[i]?.push(await measureLog(log.db, log.head));
        }
      const bySize = runs.map(medians);
      const rows = LABELS.map((row, i) => ({
        ...row,
        results: bySize.map((size) => size.results[i] as LoadResult),
        runP95: bySize.map((size) => size.runP95[i] ?? []),
      }));
      const section = renderAuditScaleSection({
        sizes: logs.map((log) => log.head),
        rows,
        host,
        measuredAt: new Date(),
        seconds: (Date.now() - started) / 1000,
      });
      await writeSection('Audit log at scale (shop)', section);
      console.log('  wrote the "Audit log at scale (shop)" section of docs/PERFORMANCE.md');
    } finally {
      await Promise.all(logs.map((log) => log.db.close()));
    }
  },
};
