import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import { Id, Timestamp } from '../../../shared/api/common';

/**
 * The sessions this console has open at the shop, kept in a small file in the console's data
 * folder so the next run can end the ones a crash (kill -9, power loss) left behind. It names
 * sessions only (shop, staff id, session id): no customer data, no tokens. Written whole,
 * atomically (temp file + rename, mode 0600), one write at a time.
 */

export const JournalEntry = z.object({
  /** The shop's origin, as the auth service names it. */
  shopUrl: z.string().min(1).max(2048),
  staffId: Id,
  sessionId: Id,
  startedAt: Timestamp,
});
export type JournalEntry = z.infer<typeof JournalEntry>;

const JournalFile = z.object({ version: z.literal(1), sessions: z.array(JournalEntry).max(1000) });

export interface OpenSessionsJournal {
  /** Every entry; an unreadable file counts as empty (and is replaced by the next write). */
  list(): Promise<JournalEntry[]>;
  add(entry: JournalEntry): Promise<void>;
  remove(sessionIds: readonly string[]): Promise<void>;
}

export function createOpenSessionsJournal(options: {
  file: string;
  log?: (message: string) => void;
}): OpenSessionsJournal {
  const log = options.log ?? (() => undefined);
  // Read-modify-write steps run one after another, so two changes never lose each other.
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = JournalFile.safeParse(json);
    if (parsed.success) return parsed.data.sessions;
    log(`the open-sessions journal ${options.file} is not readable; starting it afresh`);
    return [];
  }

  async function write(sessions: JournalEntry[]): Promise<void> {
    await mkdir(dirname(options.file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(options.file, `${JSON.stringify({ version: 1, sessions })}\n`, { mode: 0o600 });
  }

  function change(update: (sessions: JournalEntry[]) => JournalEntry[]): Promise<void> {
    const next = queue.then(async () => {
      const before = await read();
      const after = update(before);
      if (after.length !== before.length || after.some((e, i) => e !== before[i])) await write(after);
    });
    queue = next.catch(() => undefined);
    return next;
  }

  return {
    list: () => {
      const next = queue.then(read);
      queue = next.catch(() => undefined);
      return next;
    },
    add: (entry) =>
      change((sessions) => [...sessions.filter((e) => e.sessionId !== entry.sessionId), JournalEntry.parse(entry)]),
    remove: (sessionIds) => change((sessions) => sessions.filter((e) => !sessionIds.includes(e.sessionId))),
  };
}
