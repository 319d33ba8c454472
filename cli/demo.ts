import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { catalog } from '../checks/registry.js';
import { parseConfig } from '../config/load.js';
import { DEMO_CONFIG_YAML, DEMO_STOPPED_TRAIL, demoScenario } from '../emulator/demo-scenario.js';
import { EMULATOR_CREDENTIALS, emulatorAccount, startEmulator } from '../emulator/index.js';
import { renderTerminal } from '../report/index.js';
import { followRun, newRunId, progressSink, startAudit, writeOutputs } from './audit.js';
import { createLogger, dataDir, EXIT, type GlobalOptions } from './common.js';
import { openStack } from './stack.js';

/** Environment the demo must not inherit: it talks to the emulator only, never to a real account or cluster. */
const SCRUB = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'TEMPORAL_ADDRESS',
  'TEMPORAL_NAMESPACE',
  'TEMPORAL_API_KEY',
  'TEMPORAL_PROFILE',
  'TRAILWARDEN_STORE_URL',
];

function say(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/**
 * `trailwarden demo`: audits an emulated organization twice through the real stack (moto behind the front
 * proxy, the embedded Temporal dev server, an in-process worker, the embedded store), fixing one problem
 * in between, and shows the drift. Everything it starts, it stops.
 */
export async function runDemo(opts: GlobalOptions & { keep: boolean }): Promise<number> {
  const home = join(dataDir(opts), 'demo');
  // A fresh organization gets fresh account ids: start from a clean slate so runs and drift line up.
  await rm(home, { recursive: true, force: true });
  await mkdir(join(home, 'reports'), { recursive: true });
  const logger = createLogger(opts.logLevel);
  const config = parseConfig(DEMO_CONFIG_YAML, 'demo configuration', catalog.ids());
  await writeFile(join(home, 'trailwarden.yaml'), DEMO_CONFIG_YAML);

  say('trailwarden demo: an emulated AWS Organization, audited end to end on this machine (offline).');
  say('starting moto and the front proxy, seeding 12 accounts in 4 OUs over 3 regions…');
  const emu = await startEmulator(demoScenario());
  for (const k of SCRUB) delete process.env[k];
  process.env.AWS_ENDPOINT_URL = emu.endpoint;
  process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = EMULATOR_CREDENTIALS.secretAccessKey;
  process.env.AWS_REGION = 'us-east-1';
  say(`  AWS endpoint ${emu.endpoint} (moto ${emu.moto.endpoint}); organization ${emu.org.organizationId}`);

  let stack: Awaited<ReturnType<typeof openStack>> | undefined;
  try {
    say('starting the embedded Temporal dev server and an in-process worker…');
    stack = await openStack({ config, dataDir: home, logger });
    const audit = async (label: string, file: string) => {
      say(`\n── ${label} ${'─'.repeat(Math.max(0, 94 - label.length))}`);
      const handle = await startAudit(stack!, config, newRunId());
      say(`run ${handle.workflowId}`);
      const outcome = await followRun(handle, progressSink());
      if (outcome === 'cancelled') return undefined;
      const report = await (await stack!.store()).buildReport(handle.workflowId);
      say(renderTerminal(report, { color: process.stdout.isTTY === true, width: 100 }));
      const written = await writeOutputs(report, {
        html: join(home, 'reports', `${file}.html`),
        json: join(home, 'reports', `${file}.json`),
        md: join(home, 'reports', `${file}.md`),
      });
      say('reports:');
      for (const w of written) say(`  ${w.format.padEnd(4)} ${w.path}`);
      return report;
    };

    const first = await audit('first audit', 'run-1');
    if (!first) return EXIT.INTERRUPTED;

    const mgmt = emu.org.accounts[DEMO_STOPPED_TRAIL.accountKey]!.id;
    say(
      `\nfixing one problem: StartLogging on the organization trail ${DEMO_STOPPED_TRAIL.name} (account ${mgmt}, ${DEMO_STOPPED_TRAIL.region})`,
    );
    const clients = await emulatorAccount(emu.moto.endpoint, mgmt, emu.org.state.defaultAccountId);
    await clients
      .cloudtrail(DEMO_STOPPED_TRAIL.region)
      .send(new StartLoggingCommand({ Name: DEMO_STOPPED_TRAIL.name }));

    const second = await audit('second audit (after the fix)', 'run-2');
    if (!second) return EXIT.INTERRUPTED;
    const d = second.drift;
    if (d) {
      say(
        `\ndrift from ${d.previousRunId}: ${d.resolved.length} resolved, ${d.newFailures.length} new failures, ` +
          `${d.changed.length} changed, coverage gained in ${d.coverageGained.length} account-regions, lost in ${d.coverageLost.length}`,
      );
    }
    if (opts.keep) {
      // The embedded Temporal server of `home` stays up too, so an audit of its own needs another data dir.
      say(`\n--keep: the emulator stays up at ${emu.endpoint} until Ctrl-C. From another shell:`);
      say(
        `  export AWS_ENDPOINT_URL=${emu.endpoint} AWS_ACCESS_KEY_ID=${EMULATOR_CREDENTIALS.accessKeyId} ` +
          `AWS_SECRET_ACCESS_KEY=${EMULATOR_CREDENTIALS.secretAccessKey} AWS_REGION=us-east-1`,
      );
      say('  aws organizations list-accounts');
      say(`  trailwarden audit --config ${join(home, 'trailwarden.yaml')} --data-dir ${home}-explore`);
      await new Promise<void>((r) => process.once('SIGINT', () => r()));
      say('stopping everything the demo started');
      return EXIT.OK;
    }
    say(`\ndone. Everything the demo started is stopped; its data is in ${home}`);
    say(`explore it: trailwarden --data-dir ${home} runs list`);
    return EXIT.OK;
  } finally {
    await stack?.close();
    await emu.stop();
  }
}
