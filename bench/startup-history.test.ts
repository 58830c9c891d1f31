import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { appendHistory, previousRelease, readHistory, type HistoryEntry } from './startup-history';

const rows = (signInPainted: number): HistoryEntry['rows'] => ({
  signInPainted,
  auditFresh: null,
  auditReused: 900,
  mirrorOpen: 610,
  rssIdle: 180,
  rssMirror: 512,
  rssSessions: 240,
});
const entry = (commit: string, measuredAt: string, painted: number): HistoryEntry => ({
  commit,
  measuredAt,
  rows: rows(painted),
});

describe('previousRelease', () => {
  const history = [
    entry('aaa1111', '2026-12-01T10:00:00.000Z', 2400),
    entry('bbb2222', '2026-12-03T10:00:00.000Z', 1900),
    entry('ccc3333+changes', '2026-12-04T10:00:00.000Z', 1500),
    entry('ccc3333', '2026-12-05T10:00:00.000Z', 1400),
  ];

  it('is the newest entry from another commit, uncommitted changes on the same commit counting as the same', () => {
    expect(previousRelease(history, 'ccc3333+changes')?.commit).toBe('bbb2222');
    expect(previousRelease(history, 'ccc3333')?.commit).toBe('bbb2222');
  });

  it('is the newest entry of all for a new commit, and null without one', () => {
    expect(previousRelease(history, 'ddd4444')?.commit).toBe('ccc3333');
    expect(previousRelease([history[0] as HistoryEntry], 'aaa1111')).toBeNull();
  });
});

describe('the history file', () => {
  let dir = '';
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('starts empty, appends entries in order, and refuses a file of something else', async () => {
    dir = await mkdtemp(join(tmpdir(), 'startup-history-'));
    const file = join(dir, 'history', 'startup.json');
    expect(await readHistory(file)).toEqual([]);
    await appendHistory(entry('aaa1111', '2026-12-01T10:00:00.000Z', 2400), file);
    await appendHistory(entry('bbb2222', '2026-12-03T10:00:00.000Z', 1900), file);
    expect((await readHistory(file)).map((e) => e.commit)).toEqual(['aaa1111', 'bbb2222']);
    expect((await readFile(file, 'utf8')).endsWith('\n')).toBe(true);

    const other = join(dir, 'other.json');
    await writeFile(other, JSON.stringify([{ commit: 'x' }]));
    await expect(readHistory(other)).rejects.toThrow('is not a list of startup results');
  });
});
