import { keyFingerprint } from '../../../shared/audit/checkpoint';
import { FAILURE_TITLE, type ExportSummary, type VerifyResult } from './verify-export';

/** What the verifier says about a result, for a terminal (`formatReport`) or a script (`jsonReport`). */

export interface ReportContext {
  /** The export file as the auditor named it. */
  readonly file: string;
  /** The --keys file, or null when the export's own keys were used. */
  readonly keysFile: string | null;
}

/** Counts are grouped (2,500); seqs and line numbers are not, so they read as the file and editors write them. */
const n = (value: number) => value.toLocaleString('en-US');
const seqText = String;
const LABEL_WIDTH = 15;
const row = (label: string, text: string) => `${label.padEnd(LABEL_WIDTH)}${text}`;
const more = (text: string) => row('', text);

/** Cautions that do not fail the export but limit what it proves. */
export function warningsOf(summary: ExportSummary, ctx: ReportContext): string[] {
  const warnings: string[] = [];
  if (summary.keySource === 'export')
    warnings.push(
      'The signing keys came from the export itself, so whoever made the export could have signed it. Compare the ' +
        'fingerprints above with the shop’s (GET /api/v1/audit/keys, or the ones the console showed when it pinned ' +
        'them), or run again with --keys <keys.json>.',
    );
  const foreign = summary.exportKeyIds.filter((id) => !summary.keys.some((k) => k.keyId === id));
  if (summary.keySource === 'keys_file' && foreign.length > 0)
    warnings.push(
      `The export lists keys that are not in ${ctx.keysFile ?? 'the keys file'}: ${foreign.map(keyFingerprint).join(', ')}.`,
    );
  if (summary.events > 0 && summary.checkpoints === 0)
    warnings.push(
      'The export holds no signed checkpoint: only the events’ internal consistency is checked, which someone who ' +
        'can rewrite the shop’s database can reproduce.',
    );
  if (summary.gaps > 0)
    warnings.push(
      `A filtered or partial export (${n(summary.gaps)} gaps in seq): each event’s own hash is checked, and links ` +
        'within runs of contiguous events; links across the gaps are not checked.',
    );
  return warnings;
}

function chainLine(s: ExportSummary): string {
  if (s.firstSeq === null || s.lastSeq === null) return 'no events';
  if (s.gaps > 0) return `not verified as one chain: ${n(s.gaps)} gaps in seq; links across the gaps are not checked`;
  if (s.firstSeq === 1) return `verified from seq 1 to ${seqText(s.lastSeq)}: no gaps, every link checked`;
  return (
    `links verified from seq ${seqText(s.firstSeq)} to ${seqText(s.lastSeq)}; the export starts at seq ${seqText(s.firstSeq)}, ` +
    'so its link to the events before is not checked'
  );
}

function checkpointLine(s: ExportSummary): string {
  if (s.checkpoints === 0) return 'none in the export';
  if (s.checkpointsCompared === 0)
    return `${n(s.checkpoints)} checked, signatures valid; none is at a seq the export holds, so none compared with an event`;
  const elsewhere = s.checkpoints - s.checkpointsCompared;
  const notHeld = elsewhere > 0 ? `; ${n(elsewhere)} at seqs the export does not hold` : '';
  return (
    `${n(s.checkpoints)} checked, signatures valid; ${n(s.checkpointsCompared)} compared with the event at ` +
    `their seq, all match${notHeld}`
  );
}

function coverageLines(s: ExportSummary): string[] {
  const lines = [
    s.coveredThroughSeq === null
      ? 'no event is covered by a signed checkpoint'
      : `${n(s.covered)} events covered by a signed checkpoint, up to seq ${seqText(s.coveredThroughSeq)}`,
  ];
  if (s.unsignedTail > 0 && s.unsignedTailFromSeq !== null)
    lines.push(
      `${n(s.unsignedTail)} newest events (from seq ${seqText(s.unsignedTailFromSeq)}) come after the newest checkpoint: ` +
        'not yet signed',
    );
  if (s.uncovered > 0)
    lines.push(
      `${n(s.uncovered)} events reach no checkpoint the export holds (a gap, or the next checkpoint is past the ` +
        'export’s events)',
    );
  return lines;
}

function keyLines(s: ExportSummary, ctx: ReportContext): string[] {
  const source =
    s.keySource === 'keys_file' ? `trusted from ${ctx.keysFile ?? 'the keys file'}` : 'from the export itself';
  const lines = [row('Keys', `${source}: ${n(s.keys.length)}`)];
  for (const key of s.keys) {
    const retired = key.retiredAt ? `, retired ${key.retiredAt}` : '';
    lines.push(more(`${keyFingerprint(key.keyId)}  signed ${n(key.checkpoints)} checkpoints${retired}`));
  }
  return lines;
}

function headLines(s: ExportSummary, ctx: ReportContext): string[] {
  const lines = [row('Audit export', ctx.file)];
  if (s.info) {
    const filter = Object.keys(s.info.filter).length === 0 ? 'none: the whole log' : JSON.stringify(s.info.filter);
    lines.push(row('Shop', `${s.info.shopUrl}, exported ${s.info.createdAt}`), row('Filter', filter));
  }
  return lines;
}

/** The report as plain text lines, ending in the result. */
export function formatReport(result: VerifyResult, ctx: ReportContext): string {
  const s = result.summary;
  const lines = headLines(s, ctx);
  if (!result.ok) {
    const { failure } = result;
    const where =
      failure.seq === null
        ? `line ${String(failure.line)}`
        : `line ${String(failure.line)}, seq ${seqText(failure.seq)}`;
    lines.push(
      row('FAILED', `${where}: ${FAILURE_TITLE[failure.kind]}`),
      more(failure.reason),
      more(
        `stopped at the first failure; ${n(s.events)} events and ${n(s.checkpoints)} checkpoints were checked before it`,
      ),
    );
    return `${lines.join('\n')}\n`;
  }
  const events =
    s.firstSeq === null || s.lastSeq === null
      ? 'none'
      : `${n(s.events)} checked, seq ${seqText(s.firstSeq)}–${seqText(s.lastSeq)}: each event’s own hash holds`;
  lines.push(row('Events', events), row('Chain', chainLine(s)), row('Checkpoints', checkpointLine(s)));
  const [firstCoverage = '', ...restCoverage] = coverageLines(s);
  lines.push(row('Coverage', firstCoverage), ...restCoverage.map(more), ...keyLines(s, ctx));
  for (const warning of warningsOf(s, ctx)) lines.push(row('Warning', warning));
  lines.push(row('Result', 'OK: everything the export can show holds'));
  return `${lines.join('\n')}\n`;
}

/** The same as JSON, for scripts. */
export function jsonReport(result: VerifyResult, ctx: ReportContext): string {
  const summary = {
    ...result.summary,
    keys: result.summary.keys.map((k) => ({ ...k, fingerprint: keyFingerprint(k.keyId) })),
  };
  return `${JSON.stringify(
    {
      ok: result.ok,
      file: ctx.file,
      keysFile: ctx.keysFile,
      failure: result.ok ? null : result.failure,
      summary,
      warnings: warningsOf(result.summary, ctx),
    },
    null,
    2,
  )}\n`;
}
