import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** Connection settings of the machine's PostgreSQL (trust auth on 127.0.0.1:5432), overridable by env. */
export const PG_ADMIN_URL =
  process.env.TRAILWARDEN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** An isolated database for one test file, dropped by `drop()`. */
export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** Creates a uniquely named database so parallel test files never share tables. */
export async function createTestDatabase(prefix = 'tw_test'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
