import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Folders } from './product';

/** One line of the console's log file (JSON lines), as a support engineer would read it. */
export type LogEntry = Record<string, unknown> & { module?: string; msg?: string };

/** Every entry of the console's log, oldest file first (rotated files included). */
export async function consoleLogEntries(folders: Folders): Promise<LogEntry[]> {
  const dir = join(folders.dataDir, 'logs');
  const files = (await readdir(dir)).filter((name) => name.startsWith('console')).sort();
  const entries: LogEntry[] = [];
  for (const name of files) {
    for (const line of (await readFile(join(dir, name), 'utf8')).split('\n')) {
      if (line.trim()) entries.push(JSON.parse(line) as LogEntry);
    }
  }
  return entries;
}
