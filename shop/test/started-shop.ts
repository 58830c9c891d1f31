import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../db/database';
import { appendAudit } from '../audit/append';
import type { RunningShop, StartOptions } from '../main';
import { newPostgresDatabase, type Backend } from './harness';

/** Where a shop started by startShop keeps its data: a temp folder, and PGlite in it or a new PostgreSQL database. */
export interface Place {
  dir: string;
  /** PGlite's data folder (the key file's default home too), or PostgreSQL plus a folder for the key. */
  location: Pick<StartOptions, 'dataDir' | 'databaseUrl'>;
  /** The database alone, with no shop running. */
  open(): Promise<Database>;
  drop(): Promise<void>;
}

export async function placeFor(backend: Backend): Promise<Place> {
  const dir = await mkdtemp(join(tmpdir(), 'shop-checkpoints-'));
  const dataDir = join(dir, 'data');
  const server = process.env.TEST_DATABASE_URL;
  if (backend === 'pglite' || !server) {
    return {
      dir,
      location: { dataDir },
      open: () => openDatabase({ dataDir }),
      drop: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const database = await newPostgresDatabase(server, 'concierge_ckpt');
  return {
    dir,
    location: { dataDir, databaseUrl: database.url },
    open: () => openDatabase({ databaseUrl: database.url }),
    drop: async () => {
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns something, or fails after the deadline with `what`. */
export async function until<T>(
  what: string,
  check: () => Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Appends `count` system events, one transaction each; returns the last seq. */
export async function writeEvents(shop: RunningShop, count: number): Promise<number> {
  let seq = 0;
  for (let i = 0; i < count; i++)
    seq = (
      await shop.ctx.db.transaction((tx) =>
        appendAudit(tx, shop.ctx.clock, {
          action: 'settings.changed',
          actor: { type: 'system', id: null, name: 'checkpoint test' },
          details: { i },
        }),
      )
    ).seq;
  return seq;
}
