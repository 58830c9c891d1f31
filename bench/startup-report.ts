import { measuredAtText, renderTemplate } from './report';
import type { HistoryEntry, RowValues } from './startup-history';
import {
  AUDIT_TIMEOUT_MS,
  FRESH_AUDIT_RUNS,
  IDLE_REST_MS,
  MIRROR_REST_MS,
  PAINT_RUNS,
  REUSED_AUDIT_RUNS,
  ROW_TARGETS,
  SESSIONS,
  STARTUP_ROWS,
  TYPING_DELAY_MS,
  UPKEEP_QUIET_CPU,
  UPKEEP_QUIET_MS,
  type StartupRow,
} from './startup-settings';

/** The console process's memory at one moment, in MB (MiB). */
export interface Memory {
  rssMb: number;
  hwmMb: number;
}

export interface StartupResults {
  /** Events in the shop's log (the reused mirror's size). */
  auditEvents: number;
  /** Row 1, per run: milliseconds from spawning the launcher to its address printed, and to the Email field painted. */
  paint: { addressMs: number; paintedMs: number }[];
  /**
   * Row 2, per run: launcher spawned → signed in, signed in → the agent's newest event shown (null:
   * not within the timeout), and signed in → the first row of any event (null: none).
   */
  /** `events`: how many the agent's table held (the demo shop's agent). */
  fresh: { toSignedInMs: number; auditMs: number | null; firstRowMs: number | null; events: number }[];
  /** The agent's events in the shop (what its fresh mirror has to fetch). */
  agentEvents: number;
  /** Row 3 preparation: null when the mirror was already in sync; else its full sync and upkeep, in seconds. */
  prepared: { syncSeconds: number; upkeepSeconds: number } | null;
  /** Rows 3 and 4, per run: signed in → the log's newest event shown, and the mirror's `openMs` from the console's log (null: absent). */
  reused: { auditMs: number | null; firstRowMs: number | null; openMs: number | null }[];
  /** Row 5: (a) agent idle, (b) supervisor with the mirror open, (c) agent with storefront sessions. */
  memory: {
    idle: Memory | null;
    mirror: Memory | null;
    sessions: (Memory & { opened: number; refused: string | null; viewsRssMb: number }) | null;
  };
  /** What failed, by step (an empty list: nothing). */
  failures: string[];
}

export interface StartupReport {
  results: StartupResults;
  commit: string;
  previous: HistoryEntry | null;
  /** Where the launcher, build and renderer came from, when not this checkout (BENCH_STARTUP_ROOT). */
  otherRoot: string | null;
  host: string;
  measuredAt: Date;
  seconds: number;
}

const defined = (values: (number | null)[]): number[] => values.filter((v): v is number => v !== null);

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
const max = (values: number[]) => (values.length ? Math.max(...values) : null);

/** Each row's figure compared with its target: a median of milliseconds, or MB of VmRSS. */
export function rowValues(r: StartupResults): RowValues {
  return {
    signInPainted: median(r.paint.map((p) => p.paintedMs)),
    auditFresh: median(defined(r.fresh.map((f) => f.auditMs))),
    auditReused: median(defined(r.reused.map((f) => f.auditMs))),
    mirrorOpen: median(defined(r.reused.map((f) => f.openMs))),
    rssIdle: r.memory.idle?.rssMb ?? null,
    rssMirror: r.memory.mirror?.rssMb ?? null,
    rssSessions: r.memory.sessions?.rssMb ?? null,
  };
}

const number = (v: number) => Math.round(v).toLocaleString('en-US');
const eventCount = (n: number) => `${number(n)} ${n === 1 ? 'event' : 'events'}`;
const figure = (row: StartupRow, v: number | null) => (v === null ? '—' : `${number(v)} ${ROW_TARGETS[row].unit}`);

const LABELS: Record<StartupRow, string> = {
  signInPainted: 'launcher started (built, shop running) → sign-in screen painted',
  auditFresh: "sign-in complete → audit viewer shows the agent's own events, fresh install",
  auditReused: 'audit viewer on a reused 1M-event mirror → first page painted',
  mirrorOpen: 'audit mirror worker ready (PGlite open + schema), reused folder',
  rssIdle: 'console RSS: agent signed in, idle',
  rssMirror: 'console RSS: 1M-event mirror open in the audit viewer',
  rssSessions: `console RSS: agent with ${SESSIONS} storefront sessions`,
};

/** The audit rows whose every run timed out: missed, with nothing to take a median of. */
function timedOut(row: StartupRow, r: StartupResults): boolean {
  const runs = row === 'auditFresh' ? r.fresh : row === 'auditReused' ? r.reused : [];
  return runs.length > 0 && runs.every((run) => run.auditMs === null);
}

/** This run's cell: the figure and the spread it came from. */
function thisRun(row: StartupRow, r: StartupResults, v: number | null): string {
  const spread = (values: number[], runs: number) => {
    const m = max(values);
    return m === null ? '' : ` (max ${number(m)} ms, ${values.length} of ${runs} runs)`;
  };
  const memory = (m: Memory | null) => (m ? ` (peak ${number(m.hwmMb)} MB)` : '');
  if (timedOut(row, r)) {
    const runs = row === 'auditFresh' ? r.fresh.length : r.reused.length;
    return `not shown within ${AUDIT_TIMEOUT_MS / 1000} s (${runs} ${runs === 1 ? 'run' : 'runs'})`;
  }
  if (v === null) return 'not measured';
  const extra: Record<StartupRow, string> = {
    signInPainted: spread(
      r.paint.map((p) => p.paintedMs),
      PAINT_RUNS,
    ),
    auditFresh: spread(defined(r.fresh.map((f) => f.auditMs)), FRESH_AUDIT_RUNS),
    auditReused: spread(defined(r.reused.map((f) => f.auditMs)), REUSED_AUDIT_RUNS),
    mirrorOpen: spread(defined(r.reused.map((f) => f.openMs)), REUSED_AUDIT_RUNS),
    rssIdle: memory(r.memory.idle),
    rssMirror: memory(r.memory.mirror),
    rssSessions: r.memory.sessions
      ? `${memory(r.memory.sessions)}, ${r.memory.sessions.opened} open; their Chromium ${number(r.memory.sessions.viewsRssMb)} MB`
      : '',
  };
  return `${figure(row, v)}${extra[row]}`;
}

export function verdict(
  row: StartupRow,
  v: number | null,
  r: StartupResults,
): 'met' | 'missed' | 'not measured' | 'reported' {
  const { target } = ROW_TARGETS[row];
  if (target === null) return 'reported';
  if (timedOut(row, r)) return 'missed';
  if (v === null) return 'not measured';
  return v <= target ? 'met' : 'missed';
}

function table(report: StartupReport, values: RowValues): string {
  const prev = report.previous;
  const prevHead = prev ? `previous release (${prev.commit}, ${prev.measuredAt.slice(0, 10)})` : 'previous release';
  const lines = [`| measure | target | this run (${report.commit}) | ${prevHead} | |`, '|---|---:|---:|---:|---|'];
  for (const row of STARTUP_ROWS) {
    const { target, unit } = ROW_TARGETS[row];
    const previous = prev ? figure(row, prev.rows[row]) : 'none recorded';
    const targetText = target === null ? 'report' : `≤ ${number(target)} ${unit}`;
    lines.push(
      `| ${LABELS[row]} | ${targetText} | ${thisRun(row, report.results, values[row])} | ${previous} | ${verdict(row, values[row], report.results)} |`,
    );
  }
  return lines.join('\n');
}

const ms = (values: number[]) => {
  const m = median(values);
  return m === null ? '—' : `${number(m)} ms`;
};

/** For a missed or unmeasured row: what the measuring knows about where the time or memory went. */
function known(row: StartupRow, r: StartupResults): string {
  switch (row) {
    case 'signInPainted':
      return renderTemplate('startup.known-painted', {
        address: ms(r.paint.map((p) => p.addressMs)),
        painted: ms(r.paint.map((p) => p.paintedMs - p.addressMs)),
      });
    case 'auditFresh':
      return renderTemplate('startup.known-fresh', {
        events: eventCount(r.agentEvents),
        signedIn: ms(r.fresh.map((f) => f.toSignedInMs)),
        firstRow: ms(defined(r.fresh.map((f) => f.firstRowMs))),
        notShown: String(r.fresh.filter((f) => f.auditMs === null).length),
        runs: String(r.fresh.length),
        timeout: String(AUDIT_TIMEOUT_MS / 1000),
      });
    case 'auditReused':
    case 'mirrorOpen':
      return renderTemplate('startup.known-reused', {
        openMs: ms(defined(r.reused.map((f) => f.openMs))),
        firstRow: ms(defined(r.reused.map((f) => f.firstRowMs))),
        openMissing: String(r.reused.filter((f) => f.openMs === null).length),
        runs: String(r.reused.length),
      });
    case 'rssIdle':
    case 'rssMirror':
    case 'rssSessions':
      return renderTemplate('startup.known-memory', {
        idle: r.memory.idle ? `${number(r.memory.idle.hwmMb)} MB` : '—',
        mirror: r.memory.mirror ? `${number(r.memory.mirror.hwmMb)} MB` : '—',
      });
  }
}

function outcome(r: StartupResults, values: RowValues): string {
  const open = STARTUP_ROWS.filter((row) => ['missed', 'not measured'].includes(verdict(row, values[row], r)));
  const failures = r.failures.length ? r.failures.map((f) => `- Failed: ${f}`).join('\n') : '';
  if (open.length === 0) return [renderTemplate('startup.met'), failures].filter(Boolean).join('\n\n');
  const list = open.map((row) => `- ${LABELS[row]} (${verdict(row, values[row], r)}): ${known(row, r)}`).join('\n');
  return [renderTemplate('startup.missed', { list }), failures].filter(Boolean).join('\n\n');
}

/** The "Startup (browser tier)" section of docs/PERFORMANCE.md. */
export function renderStartupSection(report: StartupReport): string {
  const r = report.results;
  const values = rowValues(r);
  return renderTemplate('startup', {
    measuredAt: measuredAtText(report.measuredAt),
    seconds: report.seconds.toFixed(0),
    machine: report.host,
    checkout: report.otherRoot ? `the checkout in ${report.otherRoot}` : 'this checkout',
    events: number(r.auditEvents),
    paintRuns: String(PAINT_RUNS),
    freshRuns: String(FRESH_AUDIT_RUNS),
    reusedRuns: String(REUSED_AUDIT_RUNS),
    typingDelay: String(TYPING_DELAY_MS),
    agentEvents: eventCount(r.agentEvents),
    prepared: r.prepared
      ? renderTemplate('startup.prepared', {
          syncSeconds: r.prepared.syncSeconds.toFixed(0),
          upkeepSeconds: r.prepared.upkeepSeconds.toFixed(0),
        })
      : 'The mirror from an earlier run was reused (already in sync).',
    quietCpu: String(UPKEEP_QUIET_CPU * 100),
    quietSeconds: String(UPKEEP_QUIET_MS / 1000),
    idleRest: String(IDLE_REST_MS / 1000),
    mirrorRest: String(MIRROR_REST_MS / 1000),
    sessions: String(SESSIONS),
    sessionsNote: r.memory.sessions?.refused
      ? ' ' +
        renderTemplate('startup.sessions-refused', {
          opened: String(r.memory.sessions.opened),
          refused: r.memory.sessions.refused,
        })
      : '',
    table: table(report, values),
    outcome: outcome(r, values),
  });
}
