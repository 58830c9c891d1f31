import { FILTER_DEBOUNCE_MS, FILTER_TEXT_IMMEDIATE_MIN_CHARS } from '../renderer/src/audit/timing';
import { AUDIT_PAGE } from '../renderer/src/audit/paging';
import { SEARCH_IMMEDIATE_MIN_CHARS, SHORT_QUERY_DEBOUNCE_MS } from '../renderer/src/search/timing';
import {
  FILTER_TARGET_P95_MS,
  FRAME_TARGET_MAX_MS,
  SCROLL_FRAMES,
  SEARCH_TARGET_P95_MS,
  TYPING_DELAY_MS,
} from './console-ui-settings';
import { ms } from './load';
import { measuredAtText, renderTemplate } from './report';

function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** p50, p95, max and count of the samples that were measured (NaN: not measured). */
export function stats(all: number[]) {
  const values = all.filter((v) => !Number.isNaN(v));
  return {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? Math.max(...values) : Number.NaN,
    n: values.length,
  };
}
export type Stats = ReturnType<typeof stats>;

/** One search, from its last keystroke to its results painted, in milliseconds. */
export interface SearchSample {
  total: number;
  toRequest: number;
  afterRequest: number;
  roundTrip: number;
  shop: number;
  toPaint: number;
}

/** Each filter change's times, in milliseconds: see the audit table's rows. */
export interface FilterSamples {
  total: number[];
  after: number[];
  roundTrip: number[];
  mirror: number[];
  toShown: number[];
}
export type FilterStats = { label: string } & { [K in keyof FilterSamples]: Stats };

export interface AuditResults {
  events: number;
  syncSeconds: number | null;
  settleSeconds: number | null;
  openSeconds: number;
  warmSeconds: number;
  jumps: Stats;
  frames: Stats;
  blankFrames: number;
  filters: FilterStats[];
}

export interface ConsoleUiReport {
  search: { samples: SearchSample[]; queries: number };
  /** null: the audit viewer part failed, for the reason in auditFailure. */
  audit: AuditResults | null;
  auditFailure: string;
  /** machine() at the start. */
  host: string;
  measuredAt: Date;
  /** The whole part's wall-clock time, the renderer build included. */
  seconds: number;
}

/** The search samples' stats, part by part of the path. */
export function summarizeSearch(samples: SearchSample[]) {
  const part = (pick: (s: SearchSample) => number) => stats(samples.map(pick));
  return {
    total: part((s) => s.total),
    toRequest: part((s) => s.toRequest),
    after: part((s) => s.afterRequest),
    roundTrip: part((s) => s.roundTrip),
    shop: part((s) => s.shop),
    toPaint: part((s) => s.toPaint),
  };
}
type SearchSummary = ReturnType<typeof summarizeSearch>;

const TABLE_HEAD = ['| measure | n | p50 ms | p95 ms | max ms |', '|---|---:|---:|---:|---:|'];
const row = (label: string, s: Stats) => `| ${label} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`;

function searchTable(s: SearchSummary): string {
  return [
    ...TABLE_HEAD,
    row('keystroke → results painted', s.total),
    row('keystroke → request sent (React, react-query)', s.toRequest),
    row('request sent → answer in the page (HTTP bridge, console core, shop)', s.roundTrip),
    row("… of which the console core's shop request (ky → shop → PostgreSQL)", s.shop),
    row('answer in the page → results painted (JSON, React, next frame)', s.toPaint),
    row('request sent → results painted', s.after),
  ].join('\n');
}

function auditTable(audit: AuditResults): string {
  return [
    ...TABLE_HEAD,
    row('jump to a random position → every visible row shown', audit.jumps),
    row(`frame interval while scrolling 3 rows per frame`, audit.frames),
    ...audit.filters.flatMap((f) => [
      row(`filter: ${f.label} → new rows shown`, f.total),
      ...(f.after.n > 0
        ? [
            row(`filter: ${f.label}, request sent → rows shown`, f.after),
            row('… request sent → answer in the page (HTTP bridge, console core, mirror)', f.roundTrip),
            row("… of which the mirror's query (worker round trip, PGlite)", f.mirror),
            row('… answer in the page → rows shown (JSON, React, next frame)', f.toShown),
          ]
        : []),
    ]),
  ].join('\n');
}

/** The viewer's targets, each with what this run measured. */
function auditTargets(audit: AuditResults): string {
  const verdict = (met: boolean) => (met ? 'met' : 'missed');
  return renderTemplate('console-ui.audit-targets', {
    filterTarget: String(FILTER_TARGET_P95_MS),
    filters: audit.filters.map((f) => `${f.label} ${ms(f.total.p95)} ms`).join(', '),
    filterVerdict: verdict(audit.filters.every((f) => f.total.p95 < FILTER_TARGET_P95_MS)),
    frameTarget: String(FRAME_TARGET_MAX_MS),
    frameMax: ms(audit.frames.max),
    frameVerdict: verdict(audit.frames.max <= FRAME_TARGET_MAX_MS),
  });
}

function auditSection(audit: AuditResults | null, failure: string): string {
  if (!audit) return renderTemplate('console-ui.audit-failed', { failure });
  return renderTemplate('console-ui.audit', {
    events: audit.events.toLocaleString('en-US'),
    openSeconds: audit.openSeconds.toFixed(0),
    mirrorOrigin:
      audit.syncSeconds !== null
        ? renderTemplate('console-ui.audit-synced', {
            syncSeconds: audit.syncSeconds.toFixed(0),
            settleSeconds: (audit.settleSeconds ?? 0).toFixed(0),
          })
        : 'The mirror from an earlier run was reused (already in sync, indexes complete).',
    warmSeconds: audit.warmSeconds.toFixed(0),
    table: auditTable(audit),
    targets: auditTargets(audit),
    blankFrames: String(audit.blankFrames),
    scrollFrames: String(SCROLL_FRAMES),
    pageEvents: String(AUDIT_PAGE),
    typingDelay: String(TYPING_DELAY_MS),
    immediateChars: String(FILTER_TEXT_IMMEDIATE_MIN_CHARS),
    debounce: String(FILTER_DEBOUNCE_MS),
  });
}

/** The "Console UI (browser tier)" section of docs/PERFORMANCE.md: bench/templates/console-ui*.md filled with the results. */
export function renderConsoleUiSection(r: ConsoleUiReport): string {
  const s = summarizeSearch(r.search.samples);
  return renderTemplate('console-ui', {
    measuredAt: measuredAtText(r.measuredAt),
    seconds: r.seconds.toFixed(0),
    machine: r.host,
    typingDelay: String(TYPING_DELAY_MS),
    immediateChars: String(SEARCH_IMMEDIATE_MIN_CHARS),
    queries: String(r.search.queries),
    table: searchTable(s),
    target: String(SEARCH_TARGET_P95_MS),
    targetVerdict: s.total.p95 < SEARCH_TARGET_P95_MS ? 'met' : 'not met on this machine',
    toRequest: ms(s.toRequest.p50),
    roundTrip: ms(s.roundTrip.p50),
    shop: ms(s.shop.p50),
    toPaint: ms(s.toPaint.p50),
    shortDebounce: String(SHORT_QUERY_DEBOUNCE_MS),
    audit: auditSection(r.audit, r.auditFailure),
  });
}
