import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { catalog } from '../checks/registry.js';
import { SEVERITIES } from '../checks/types.js';
import { ConfigError, loadConfig } from '../config/load.js';
import type { Report } from '../report/model.js';
import type { Store } from '../store/types.js';
import type { AuditOutputs, OutputFormat } from './audit.js';
import { CliError, createLogger, dataDir, EXIT, type GlobalOptions, loadConfigOrFail } from './common.js';
import type { Stack } from './stack.js';

// The Temporal SDK, the AWS SDK and the store cost over a second to load: commands import them when
// they run, so `--help`, `checks list` and `config validate` answer at once.
const load = {
  alerts: () => import('../activities/alerts.js'),
  audit: () => import('./audit.js'),
  demo: () => import('./demo.js'),
  report: () => import('../report/index.js'),
  schedule: () => import('./schedule.js'),
  stack: () => import('./stack.js'),
  store: () => import('../store/index.js'),
  storeErrors: () => import('../store/errors.js'),
};

const FORMATS = ['json', 'md', 'csv', 'html', 'ocsf', 'asff', 'terminal'] as const;
/** Said after schedule commands in embedded mode, where nothing runs once the command exits. */
const EMBEDDED_SCHEDULES =
  'note: no Temporal address is configured, so this schedule lives in the embedded server of this ' +
  '--data-dir; its runs start only while `trailwarden worker` runs with the same --data-dir.\n';
/** How long an embedded `audit` waits for its alerts to be accepted before it stops the server. */
const ALERT_GRACE_MS = 30_000;
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

/** A date option (YYYY-MM-DD or an ISO time) as an ISO time, or a clear error. */
function isoTime(flag: string) {
  return (v: string): string => {
    const t = Date.parse(v);
    if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t))
      throw new InvalidArgumentError(`expected a date (YYYY-MM-DD) or an ISO time for ${flag}`);
    return new Date(t).toISOString();
  };
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** The store a command reads: the configured PostgreSQL, or the embedded database in the data dir. */
async function storeFor(cmd: Command, configPath: string | undefined) {
  const config = await loadConfigOrFail(configPath);
  const { openStore } = await load.store();
  return openStore({
    ...(config.store.url ? { url: config.store.url } : {}),
    dataDir: dataDir(globals(cmd)),
  });
}

async function reportOf(store: Store, runId: string): Promise<Report> {
  const { RunNotFoundError } = await load.storeErrors();
  try {
    return await store.buildReport(runId);
  } catch (err) {
    if (err instanceof RunNotFoundError)
      throw new CliError(`no run "${runId}" in the store (see \`trailwarden runs list\`)`);
    throw err;
  }
}

/** Builds the `trailwarden` command. */
export function buildProgram(): Command {
  const program = new Command('trailwarden')
    // Descriptions are single strings: commander wraps them to the terminal's width itself.
    .description(
      'Prove that every account and region of an AWS Organization is covered by healthy audit logging ' +
        '(CloudTrail and AWS Config), with durable runs on Temporal, history, drift and alerts.',
    )
    .option('--data-dir <dir>', 'embedded database and embedded Temporal server state', './.trailwarden')
    .addOption(
      new Option('--log-level <level>', 'structured logs on stderr at this level and above')
        .choices(LOG_LEVELS)
        .default('warn'),
    )
    // A usage error gets one line and a pointer, not the whole help again.
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();

  program
    .command('audit')
    .summary('run one audit, print the summary, write reports')
    .description(
      'run one audit. Without a configured Temporal address it starts the embedded dev server and an ' +
        'in-process worker, follows the run, prints a summary and stops everything it started. With an ' +
        'address it starts the run on that cluster (workers run elsewhere); add --wait to follow it.',
    )
    .option('-c, --config <file>', 'configuration file (YAML); default: built-in defaults')
    .option('--json <file>', 'write the JSON report')
    .option('--html <file>', 'write the self-contained HTML report')
    .option('--md <file>', 'write the Markdown report')
    .option('--csv <file>', 'write one CSV row per finding')
    .option('--ocsf <file>', 'write failing findings as OCSF Detection Findings')
    .option('--asff <file>', 'write failing findings in AWS Security Finding Format')
    .addOption(
      new Option('--fail-on <severity>', 'exit 2 when a FAIL at or above this severity exists').choices(
        SEVERITIES,
      ),
    )
    .option('--wait', 'with a remote Temporal cluster: follow the run to its end')
    .option('--run-id <id>', 'the run id (default: audit-<time>-<random>)')
    .option('--no-progress', 'do not show progress')
    .action(async (opts, cmd: Command) => {
      process.exitCode = await auditCommand(opts, globals(cmd));
    });

  program
    .command('worker')
    .summary('run a worker until SIGINT/SIGTERM')
    .description(
      'run a worker: audit activities and workflows for the configured task queue, until SIGINT/SIGTERM. ' +
        'Start as many as you like against one Temporal cluster. Without a configured address it also ' +
        'runs the embedded dev server, so local schedules fire.',
    )
    .option('-c, --config <file>', 'configuration file (YAML)')
    .option(
      '--ui-port <port>',
      'embedded server only: also serve the Temporal Web UI on this port',
      positiveInt,
    )
    .action(async (opts: { config?: string; uiPort?: number }, cmd: Command) => {
      const g = globals(cmd);
      const config = await loadConfigOrFail(opts.config);
      const logger = createLogger(g.logLevel === 'warn' ? 'info' : g.logLevel);
      const [{ openStack, temporalConnection }, { configuredAlertSender }] = await Promise.all([
        load.stack(),
        load.alerts(),
      ]);
      const stack = await openStack({
        config,
        dataDir: dataDir(g),
        logger,
        worker: true,
        alerts: (_store, aws) =>
          configuredAlertSender(config.alerts, { snsCredentials: aws.baseCredentials }),
        ...(opts.uiPort ? { uiPort: opts.uiPort } : {}),
      });
      logger.info(
        {
          taskQueue: stack.taskQueue,
          namespace: stack.namespace,
          temporal: stack.devServer?.address ?? temporalConnection(config).address,
        },
        'worker running; SIGINT or SIGTERM stops it gracefully',
      );
      await new Promise<void>((resolveStop) => {
        const stop = () => resolveStop();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      logger.info('shutting down: finishing in-flight tasks');
      await stack.close();
    });

  const runs = program.command('runs').description('audit runs kept in the store');
  runs
    .command('list')
    .description('list runs, most recent first')
    .option('-c, --config <file>', 'configuration file (for store.url)')
    .option('--from <date>', 'started on or after (YYYY-MM-DD or ISO time)', isoTime('--from'))
    .option('--to <date>', 'started before (YYYY-MM-DD or ISO time)', isoTime('--to'))
    .option('--limit <n>', 'at most this many', positiveInt, 20)
    .option('--json', 'print JSON')
    .action(
      async (
        opts: { config?: string; from?: string; to?: string; limit: number; json?: boolean },
        cmd: Command,
      ) => {
        const store = await storeFor(cmd, opts.config);
        try {
          const list = await store.listRuns({
            ...(opts.from ? { from: opts.from } : {}),
            ...(opts.to ? { to: opts.to } : {}),
            limit: opts.limit,
          });
          if (opts.json) return out(JSON.stringify(list, null, 2));
          if (list.length === 0) return out('no runs yet: start one with `trailwarden audit`');
          out(
            [
              'RUN ID'.padEnd(42),
              'STATUS'.padEnd(10),
              'STARTED'.padEnd(21),
              'ACCOUNTS',
              'FAIL',
              'ERROR',
            ].join(' '),
          );
          for (const r of list) {
            out(
              [
                r.runId.padEnd(42),
                r.status.padEnd(10),
                r.startedAt.slice(0, 19).replace('T', ' ').padEnd(21),
                String(r.accountCount).padStart(8),
                String(r.counts.FAIL).padStart(4),
                String(r.counts.ERROR).padStart(5),
              ].join(' '),
            );
          }
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('report')
    .description('render a stored run as a report')
    .argument('<run>', 'run id (see `trailwarden runs list`)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('terminal'))
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option('-c, --config <file>', 'configuration file (for store.url)')
    .action(
      async (
        runId: string,
        opts: { format: (typeof FORMATS)[number]; out?: string; config?: string },
        cmd: Command,
      ) => {
        const store = await storeFor(cmd, opts.config);
        try {
          const report = await reportOf(store, runId);
          const { renderReport, renderTerminal } = await load.report();
          const text =
            opts.format === 'terminal'
              ? renderTerminal(report, {
                  color: process.stdout.isTTY === true && !opts.out,
                  width: process.stdout.columns ?? 100,
                })
              : renderReport(report, opts.format as OutputFormat);
          if (opts.out) {
            await writeFile(resolve(opts.out), text);
            process.stderr.write(`wrote ${resolve(opts.out)}\n`);
          } else out(text);
        } finally {
          await store.close();
        }
      },
    );

  program
    .command('diff')
    .description('drift between two stored runs: new failures, resolved, changed, coverage lost and gained')
    .argument('<runA>', 'the earlier run')
    .argument('<runB>', 'the later run')
    .option('-c, --config <file>', 'configuration file (for store.url)')
    .option('--json', 'print JSON')
    .action(async (runA: string, runB: string, opts: { config?: string; json?: boolean }, cmd: Command) => {
      const store = await storeFor(cmd, opts.config);
      try {
        for (const id of [runA, runB])
          if (!(await store.getRun(id))) throw new CliError(`no run "${id}" in the store`);
        const drift = await store.drift(runB, runA);
        if (opts.json) return out(JSON.stringify(drift, null, 2));
        const key = (k: {
          checkId: string;
          accountId: string | null;
          region: string | null;
          resourceArn: string | null;
        }) => [k.checkId, k.accountId, k.region, k.resourceArn].filter(Boolean).join(' ');
        out(`drift from ${runA} to ${runB}`);
        const section = (title: string, rows: string[]) => {
          out(`\n${title} (${rows.length})`);
          for (const r of rows.slice(0, 200)) out(`  ${r}`);
          if (rows.length > 200) out(`  … ${rows.length - 200} more (use --json)`);
        };
        section('new failures', drift.newFailures.map(key));
        section('resolved', drift.resolved.map(key));
        section(
          'changed',
          drift.changed.map(
            (c) => `${key(c)}: ${c.from.status}/${c.from.severity} → ${c.to.status}/${c.to.severity}`,
          ),
        );
        section(
          'coverage lost',
          drift.coverageLost.map((c) => `${c.accountId} ${c.region}`),
        );
        section(
          'coverage gained',
          drift.coverageGained.map((c) => `${c.accountId} ${c.region}`),
        );
      } finally {
        await store.close();
      }
    });

  const checks = program.command('checks').description('the check catalog');
  checks
    .command('list')
    .description('every check: id, severity, scope, title and compliance mappings')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const list = catalog
        .list()
        .map(
          (c: {
            meta: { id: string; severity: string; scope: string; title: string; compliance: string[] };
          }) => c.meta,
        );
      if (opts.json) return out(JSON.stringify(list, null, 2));
      out(`${'ID'.padEnd(34)} ${'SEVERITY'.padEnd(8)} ${'SCOPE'.padEnd(7)} ${'MAPPINGS'.padEnd(36)} TITLE`);
      for (const m of list) {
        out(
          `${m.id.padEnd(34)} ${m.severity.padEnd(8)} ${m.scope.padEnd(7)} ${(m.compliance.join(', ') || '-').padEnd(36)} ${m.title}`,
        );
      }
    });

  const config = program.command('config').description('the configuration file');
  config
    .command('validate')
    .description('check a configuration file; prints every error with its path and what was expected')
    .argument('<file>', 'YAML file')
    .option('--print', 'print the effective configuration (defaults filled in)')
    .action(async (file: string, opts: { print?: boolean }) => {
      try {
        const cfg = await loadConfig(file, catalog.ids());
        out(`${file}: valid`);
        if (opts.print) out(JSON.stringify(cfg, null, 2));
      } catch (err) {
        if (err instanceof ConfigError) {
          process.stderr.write(`${err.message}\n`);
          process.exitCode = EXIT.ERROR;
          return;
        }
        throw err;
      }
    });

  const schedule = program
    .command('schedule')
    .description('periodic audits as Temporal Schedules (overlapping runs are skipped)');
  schedule
    .command('create')
    .description('create a schedule that starts an audit periodically, with the configuration embedded')
    .argument('<id>', 'schedule id')
    .option('-c, --config <file>', 'configuration file embedded in the schedule')
    .option('--cron <expr>', 'cron expression, e.g. "0 6 * * *"')
    .option('--every <interval>', 'interval, e.g. 6h or 30m')
    .option('--catchup-window <duration>', 'start missed runs within this window after an outage', '1h')
    .option('--note <text>', 'a note shown by describe')
    .option('--paused', 'create it paused')
    .action(
      async (
        id: string,
        opts: {
          config?: string;
          cron?: string;
          every?: string;
          catchupWindow: string;
          note?: string;
          paused?: boolean;
        },
        cmd: Command,
      ) => {
        const { createSchedule, validateScheduleOptions } = await load.schedule();
        validateScheduleOptions(opts);
        const cfg = await loadConfigOrFail(opts.config);
        await withStack(cmd, cfg, async (stack) => {
          await createSchedule(stack, cfg, id, opts);
          out(`created schedule ${id}`);
          if (stack.embedded) process.stderr.write(EMBEDDED_SCHEDULES);
        });
      },
    );
  schedule
    .command('list')
    .description('list schedules')
    .option('-c, --config <file>', 'configuration file (Temporal connection)')
    .action(async (opts: { config?: string }, cmd: Command) => {
      await withStack(cmd, await loadConfigOrFail(opts.config), async (stack) => {
        let n = 0;
        for await (const s of stack.client.schedule.list()) {
          n++;
          out(
            `${s.scheduleId.padEnd(32)} ${s.state.paused ? 'paused ' : 'active '} next: ${s.info.nextActionTimes[0]?.toISOString() ?? '-'}`,
          );
        }
        if (n === 0) out('no schedules');
      });
    });
  for (const [name, description] of [
    ['describe', 'show a schedule: spec, state, next and recent runs'],
    ['pause', 'pause a schedule'],
    ['unpause', 'resume a paused schedule'],
    ['trigger', 'start a run now (overlap policy applies)'],
    ['delete', 'delete a schedule (runs it started are kept)'],
  ] as const) {
    schedule
      .command(name)
      .description(description)
      .argument('<id>', 'schedule id')
      .option('-c, --config <file>', 'configuration file (Temporal connection)')
      .option('--note <text>', 'pause/unpause: a note')
      .action(async (id: string, opts: { config?: string; note?: string }, cmd: Command) => {
        const { describeSchedule, onSchedule } = await load.schedule();
        await withStack(cmd, await loadConfigOrFail(opts.config), async (stack) => {
          if (name === 'describe') return out(JSON.stringify(await describeSchedule(stack, id), null, 2));
          await onSchedule(stack, id, async (h) => {
            if (name === 'pause') await h.pause(opts.note);
            else if (name === 'unpause') await h.unpause(opts.note);
            else if (name === 'trigger') await h.trigger();
            else await h.delete();
          });
          out(`${name}${name.endsWith('e') ? 'd' : 'ed'} schedule ${id}`);
          if (name === 'trigger' && stack.embedded) process.stderr.write(EMBEDDED_SCHEDULES);
        });
      });
  }

  program
    .command('demo')
    .summary('audit an emulated organization end to end, offline')
    .description(
      'audit an emulated organization end to end, offline: moto behind the front proxy, the embedded ' +
        'Temporal dev server and store; then fix one problem, audit again and show the drift',
    )
    .option('--keep', 'leave the emulator running until Ctrl-C (to explore with the AWS CLI)')
    .action(async (opts: { keep?: boolean }, cmd: Command) => {
      const { runDemo } = await load.demo();
      process.exitCode = await runDemo({ ...globals(cmd), keep: opts.keep === true });
    });

  return program;
}

/** Opens a Temporal connection (embedded server when none is configured) for one command. */
async function withStack<T>(
  cmd: Command,
  config: Awaited<ReturnType<typeof loadConfigOrFail>>,
  fn: (stack: Stack) => Promise<T>,
): Promise<T> {
  const g = globals(cmd);
  const { openStack } = await load.stack();
  const stack = await openStack({
    config,
    dataDir: dataDir(g),
    logger: createLogger(g.logLevel),
    worker: false,
  });
  try {
    return await fn(stack);
  } finally {
    await stack.close();
  }
}

interface AuditCommandOptions extends AuditOutputs {
  config?: string;
  failOn?: string;
  wait?: boolean;
  runId?: string;
  progress: boolean;
}

/** `trailwarden audit`: see its --help. Returns the exit code. */
export async function auditCommand(opts: AuditCommandOptions, g: GlobalOptions): Promise<number> {
  // The configuration first: an invalid file is reported before anything is loaded or started.
  const config = await loadConfigOrFail(opts.config);
  const [
    { awaitAlerts, exitCodeFor, followRun, newRunId, parseSeverity, progressSink, startAudit, writeOutputs },
    { openStack },
    { configuredAlertSender },
    { renderTerminal },
  ] = await Promise.all([load.audit(), load.stack(), load.alerts(), load.report()]);
  const failOn = opts.failOn ? parseSeverity(opts.failOn) : undefined;
  const logger = createLogger(g.logLevel);
  const stack = await openStack({
    config,
    dataDir: dataDir(g),
    logger,
    // The in-process worker warns about every failed activity attempt; the command reports how the run
    // ended itself, so by default only the SDK's errors are shown (--log-level info shows the rest).
    sdkLogLevel: g.logLevel === 'warn' ? 'error' : g.logLevel,
    alerts: (_store, aws) => configuredAlertSender(config.alerts, { snsCredentials: aws.baseCredentials }),
  });
  try {
    const handle = await startAudit(stack, config, opts.runId ?? newRunId());
    process.stderr.write(
      `audit run ${handle.workflowId} started${stack.embedded ? ' (embedded Temporal server, in-process worker)' : ` on ${stack.namespace}/${stack.taskQueue}`}\n`,
    );
    if (!stack.embedded && !opts.wait) {
      out(handle.workflowId);
      return EXIT.OK;
    }
    const sink = opts.progress ? progressSink() : { update() {}, done() {} };
    const outcome = await followRun(handle, sink);
    const store = await stack.store();
    const report = await store.buildReport(handle.workflowId);
    out(
      renderTerminal(report, {
        color: process.stdout.isTTY === true,
        width: Math.min(process.stdout.columns ?? 100, 100),
      }),
    );
    const written = await writeOutputs(report, opts);
    for (const w of written) process.stderr.write(`wrote ${w.format.toUpperCase()} report: ${w.path}\n`);
    if (outcome === 'cancelled') {
      process.stderr.write(`audit run ${handle.workflowId} was cancelled; the report shows what was done\n`);
      return EXIT.INTERRUPTED;
    }
    if (stack.embedded && (config.alerts.webhook || config.alerts.sns)) {
      const alerts = await awaitAlerts(stack, handle.workflowId, ALERT_GRACE_MS);
      if (alerts === 'pending') {
        process.stderr.write(
          `alert delivery for ${handle.workflowId} is still being retried (is the destination down?); it ` +
            'resumes the next time trailwarden runs an audit or a worker with this --data-dir\n',
        );
      } else if (alerts.items > 0) {
        process.stderr.write(`sent ${alerts.items} alert item(s) for ${handle.workflowId}\n`);
      }
    }
    return exitCodeFor(report, failOn);
  } finally {
    await stack.close();
  }
}

/** Runs the CLI; returns the exit code. Errors become one clean message on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    if (err instanceof CliError) {
      process.stderr.write(`trailwarden: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`trailwarden: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.ERROR;
  }
}
