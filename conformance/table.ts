import type { CheckResult } from './suite';

const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** The results as a plain-text table (check, result, time, reason), then a one-line summary. */
export function formatTable(results: readonly CheckResult[]): string {
  const nameWidth = Math.max(5, ...results.map((r) => r.name.length));
  const header = `${'check'.padEnd(nameWidth)}  result  ${'ms'.padStart(6)}  reason`;
  const rule = '-'.repeat(header.length + 40);
  const rows = results.map(
    (r) =>
      `${r.name.padEnd(nameWidth)}  ${r.outcome.padEnd(6)}  ${String(r.ms).padStart(6)}  ${clip(r.reason.replace(/\s+/g, ' '), 160)}`,
  );
  const count = (outcome: CheckResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const summary = `${count('pass')} passed, ${count('FAIL')} failed, ${count('skip')} skipped`;
  return [header, rule, ...rows, rule, summary].join('\n');
}
