import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { STARTUP_ROWS } from './startup-settings';

/**
 * Every startup run's figures, kept in bench/history/startup.json (tracked in git, like
 * docs/PERFORMANCE.md), so a report can show the previous release's figure beside this run's.
 */
export const HISTORY_FILE = fileURLToPath(new URL('./history/startup.json', import.meta.url));

const RowValues = z.object(
  Object.fromEntries(STARTUP_ROWS.map((row) => [row, z.number().nullable()])) as Record<
    (typeof STARTUP_ROWS)[number],
    z.ZodNullable<z.ZodNumber>
  >,
);
export type RowValues = z.infer<typeof RowValues>;

export const HistoryEntry = z.object({
  /** `git rev-parse --short HEAD` of the measured checkout, with "+changes" when it had uncommitted changes. */
  commit: z.string().min(1),
  measuredAt: z.string(),
  rows: RowValues,
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/** The measured checkout's commit, as the history names it. */
export function commitOf(root: string): string {
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  const head = git('rev-parse', '--short', 'HEAD');
  return git('status', '--porcelain', '--untracked-files=no') === '' ? head : `${head}+changes`;
}

const baseCommit = (commit: string) => commit.replace(/\+changes$/, '');

export async function readHistory(file = HISTORY_FILE): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = z.array(HistoryEntry).safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`${file} is not a list of startup results: ${parsed.error.message}`);
  return parsed.data;
}

/** The newest entry measured from another commit than `commit` (uncommitted changes on the same commit count as the same). */
export function previousRelease(history: readonly HistoryEntry[], commit: string): HistoryEntry | null {
  const newest = [...history]
    .filter((entry) => baseCommit(entry.commit) !== baseCommit(commit))
    .sort((a, b) => Date.parse(a.measuredAt) - Date.parse(b.measuredAt));
  return newest.at(-1) ?? null;
}

export async function appendHistory(entry: HistoryEntry, file = HISTORY_FILE): Promise<void> {
  const history = await readHistory(file);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify([...history, entry], null, 2)}\n`);
}
