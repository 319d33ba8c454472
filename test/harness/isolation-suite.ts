import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../emulator/index.js';
import {
  createTestDatabase,
  type DevServer,
  type Emulator,
  startDevServer,
  startEmulator,
  type TestDatabase,
} from './index.js';

/**
 * The body of two test files that vitest runs in parallel: each starts its own moto, proxy, dev server
 * and database, writes a marker into each, and must see only its own.
 */
export function isolationSuite(label: string): void {
  let emu: Emulator;
  let server: DevServer;
  let db: TestDatabase;

  beforeAll(async () => {
    [emu, server, db] = await Promise.all([
      startEmulator({ regions: ['us-east-1'], accounts: [{ key: label, name: `isolation-${label}` }] }),
      startDevServer(),
      createTestDatabase(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([emu?.stop(), server?.stop(), db?.drop()]);
  });

  it(`sees only its own organization, workflows and rows (${label})`, async () => {
    const org = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: emu.endpoint,
      credentials: EMULATOR_CREDENTIALS,
    });
    const accounts = await org.send(new ListAccountsCommand({}));
    expect(accounts.Accounts?.map((a) => a.Name).filter((n) => n?.startsWith('isolation-'))).toEqual([
      `isolation-${label}`,
    ]);

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE TABLE marker (label text)');
      await client.query('INSERT INTO marker VALUES ($1)', [label]);
      const rows = await client.query('SELECT label FROM marker');
      expect(rows.rows).toEqual([{ label }]);
    } finally {
      await client.end();
    }

    const handle = await server.client.workflow.start('nonexistentWorkflowType', {
      taskQueue: `isolation-${label}`,
      workflowId: `isolation-${label}`,
    });
    const ids: string[] = [];
    for await (const wf of server.client.workflow.list()) ids.push(wf.workflowId);
    expect(ids).toEqual([`isolation-${label}`]);
    await handle.terminate('done');
  });
}
