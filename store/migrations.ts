import type { Db } from './db.js';

/** One schema change, applied once per database, in `id` order. Never edit a released one: add another. */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

/**
 * Key and ordering columns use the "C" collation so that ordering is byte order everywhere (PGlite and a
 * server with any locale give the same report order) and ORDER BY can walk the primary-key indexes.
 * Finding key columns hold '' for "none" because primary-key columns cannot be NULL.
 */
const init = `
CREATE TABLE runs (
  run_id                text COLLATE "C" PRIMARY KEY,
  scope_key             text COLLATE "C" NOT NULL,
  status                text NOT NULL CHECK (status IN ('RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  started_at            timestamptz NOT NULL,
  finished_at           timestamptz,
  organization_id       text,
  management_account_id text,
  regions               jsonb NOT NULL DEFAULT '[]',
  account_count         integer NOT NULL DEFAULT 0,
  settings              jsonb NOT NULL DEFAULT '{}',
  error                 text,
  -- Findings per status, computed by finishRun; NULL while findings may still change (computed live then).
  counts                jsonb,
  -- Set by saveOrgFindings: lets drift tell "org check no longer reports this" from "org checks never ran".
  org_findings_at       timestamptz,
  expired_waivers       jsonb
);
CREATE INDEX runs_scope_status_started ON runs (scope_key, status, started_at DESC);
CREATE INDEX runs_started ON runs (started_at DESC);

CREATE TABLE org_facts (
  run_id text COLLATE "C" PRIMARY KEY REFERENCES runs ON DELETE CASCADE,
  facts  jsonb NOT NULL
);

CREATE TABLE inventory_accounts (
  run_id          text COLLATE "C" NOT NULL REFERENCES runs ON DELETE CASCADE,
  account_id      text COLLATE "C" NOT NULL,
  seq             integer NOT NULL,
  name            text NOT NULL,
  email           text,
  ou_path         text NOT NULL,
  ou_ids          jsonb NOT NULL,
  status          text NOT NULL,
  tags            jsonb NOT NULL,
  in_scope        boolean NOT NULL,
  excluded_reason text,
  PRIMARY KEY (run_id, account_id)
);
CREATE INDEX inventory_scope_seq ON inventory_accounts (run_id, in_scope, seq);

CREATE TABLE region_facts (
  run_id       text COLLATE "C" NOT NULL REFERENCES runs ON DELETE CASCADE,
  account_id   text COLLATE "C" NOT NULL,
  region       text COLLATE "C" NOT NULL,
  collected_at timestamptz NOT NULL,
  facts        jsonb NOT NULL,
  PRIMARY KEY (run_id, account_id, region)
);

CREATE TABLE account_results (
  run_id     text COLLATE "C" NOT NULL REFERENCES runs ON DELETE CASCADE,
  account_id text COLLATE "C" NOT NULL,
  status     text NOT NULL CHECK (status IN ('ASSESSED', 'NOT_ASSESSED')),
  error      jsonb,
  regions    jsonb NOT NULL,
  saved_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, account_id)
);

-- No foreign key to runs here: a per-row FK check costs ~15% of a bulk insert; writers lock the run row
-- (FOR KEY SHARE, what the FK would take) once per statement instead.
CREATE TABLE findings (
  run_id       text COLLATE "C" NOT NULL,
  check_id     text COLLATE "C" NOT NULL,
  account_id   text COLLATE "C" NOT NULL,
  region       text COLLATE "C" NOT NULL,
  resource_arn text COLLATE "C" NOT NULL,
  -- Which write owns the row: 'account:<id>' (saveAccountResult) or 'org' (saveOrgFindings).
  origin       text COLLATE "C" NOT NULL CHECK (origin = 'org' OR origin LIKE 'account:%'),
  status       text NOT NULL CHECK (status IN ('PASS', 'FAIL', 'WAIVED', 'ERROR')),
  severity     text NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low', 'info')),
  title        text NOT NULL,
  message      text NOT NULL,
  evidence     jsonb NOT NULL,
  compliance   jsonb NOT NULL,
  waiver       jsonb,
  PRIMARY KEY (run_id, check_id, account_id, region, resource_arn)
);
CREATE INDEX findings_run_origin ON findings (run_id, origin);
CREATE INDEX findings_key ON findings (check_id, account_id, region, resource_arn);
`;

/**
 * Account activities find their account by its position among the in-scope accounts; with OFFSET that
 * cost a scan of up to the whole inventory per account (seconds of database time at 10,000 accounts).
 */
const inventoryPosition = `
ALTER TABLE inventory_accounts ADD COLUMN scope_position integer;
UPDATE inventory_accounts i SET scope_position = r.pos
  FROM (SELECT run_id, account_id, (row_number() OVER (PARTITION BY run_id ORDER BY seq, account_id) - 1)::int AS pos
        FROM inventory_accounts WHERE in_scope) r
  WHERE i.run_id = r.run_id AND i.account_id = r.account_id;
CREATE INDEX inventory_scope_position ON inventory_accounts (run_id, scope_position) WHERE in_scope;
`;

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  { id: 1, name: 'init', sql: init },
  { id: 2, name: 'inventory position', sql: inventoryPosition },
];

/** Arbitrary constant naming the "migrating trailwarden's store" advisory lock. */
const MIGRATION_LOCK = 7_305_112_934;

/**
 * Applies the migrations this database lacks, all in one transaction, and returns their ids. The
 * transaction-scoped advisory lock makes a second process that opens the same database at the same time
 * wait, then find everything applied.
 */
export async function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id         integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const rows = await tx.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id');
    const applied = new Set(rows.map((r) => r.id));
    const known = new Set(migrations.map((m) => m.id));
    const unknown = [...applied].filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new Error(
        `the store's schema has migrations this trailwarden does not know (${unknown.join(', ')}): ` +
          'it was written by a newer version; upgrade trailwarden',
      );
    }
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
      if (applied.has(m.id)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1::int, $2::text)', [m.id, m.name]);
      done.push(m.id);
    }
    return done;
  });
}
