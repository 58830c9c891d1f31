import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import writeFileAtomic from 'write-file-atomic';
import { openPglite } from '../db/database';
import { migrate } from '../db/migrate';

const MIGRATIONS_DIR = fileURLToPath(new URL('../db/migrations/', import.meta.url));
const PGLITE_PACKAGE = fileURLToPath(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url));

/** The installed PGlite's version: test databases made by another one are not reused. */
export async function pgliteVersion(): Promise<string> {
  return (JSON.parse(await readFile(PGLITE_PACKAGE, 'utf8')) as { version: string }).version;
}

/** Names the template after every migration's text and PGlite's version: a change to either makes a new one. */
async function templateKey(): Promise<string> {
  const hash = createHash('sha256').update(await pgliteVersion());
  for (const file of (await readdir(MIGRATIONS_DIR)).sort())
    hash.update(file).update(await readFile(join(MIGRATIONS_DIR, file)));
  return hash.digest('hex').slice(0, 16);
}

/** Migrates an empty PGlite database with the shop's own code and dumps its data folder. */
async function makeTarball(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'concierge-test-shop-db-'));
  try {
    const db = await openPglite(dir);
    await migrate(db);
    await db.close();
    const raw = await PGlite.create({ dataDir: dir, extensions: { pg_trgm } });
    const dump = await raw.dumpDataDir('gzip');
    await raw.close();
    return Buffer.from(await dump.arrayBuffer());
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let loaded: Promise<Buffer> | null = null;

/**
 * A migrated, empty shop database as a PGlite dump, for the tests' in-memory shops: loading it
 * takes about a second where PGlite's initdb takes about four. Made once per machine in the temp
 * folder (written whole, then renamed into place); migrate() still runs on every copy.
 */
export async function migratedPgliteDump(): Promise<Blob> {
  loaded ??= (async () => {
    const file = join(tmpdir(), `concierge-test-shop-db-${await templateKey()}.tar.gz`);
    const cached = await readFile(file).catch(() => null);
    if (cached) return cached;
    const made = await makeTarball();
    await writeFileAtomic(file, made);
    return made;
  })();
  return new Blob([new Uint8Array(await loaded)]);
}
