import { join } from 'node:path';
import { type Db, openPgDb, openPgliteDb } from './db.js';
import { migrate } from './migrations.js';
import { SqlStore } from './sql-store.js';
import type { Store } from './types.js';

export { DuplicateFindingError, IncompleteRunError, RunNotFoundError, StoreError } from './errors.js';
export { REGION_COVERAGE_CHECK, SqlStore } from './sql-store.js';
export type * from './types.js';

/** Where the store lives: a PostgreSQL URL, or else PGlite under `<dataDir>/store`. */
export interface StoreOptions {
  /** postgres://… or postgresql://…: a shared PostgreSQL database (teams). */
  url?: string;
  /** Embedded default's home; the database goes in `<dataDir>/store`. Default ./.trailwarden */
  dataDir?: string;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
}

/** Opens (and migrates) the store: PostgreSQL when `url` is given, else PGlite under the data directory. */
export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  if (opts.url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(opts.url)) {
      throw new Error('store url must start with postgres:// or postgresql://');
    }
    const pgOpts = opts.maxConnections === undefined ? {} : { maxConnections: opts.maxConnections };
    return open(openPgDb(opts.url, pgOpts));
  }
  return open(await openPgliteDb(join(opts.dataDir ?? './.trailwarden', 'store')));
}

/** A migrated PGlite store in memory: for tests and benchmarks. */
export async function openMemoryStore(): Promise<Store> {
  return open(await openPgliteDb());
}

async function open(db: Db): Promise<Store> {
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return new SqlStore(db);
}
