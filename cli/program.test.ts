import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { catalog } from '../checks/registry.js';
import { buildProgram } from './program.js';

/** Every command path of the program, e.g. ['schedule', 'create']. */
function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => {
    const path = [...prefix, c.name()];
    return [path, ...commandPaths(c, path)];
  });
}

/** Parses argv on a fresh program with every command's output captured. */
async function run(args: string[]): Promise<{ out: string; err: string; code: string | undefined }> {
  const program = buildProgram();
  let out = '';
  let err = '';
  const capture = (c: Command) => {
    c.configureOutput({
      writeOut: (s) => {
        out += s;
      },
      writeErr: (s) => {
        err += s;
      },
    });
    c.exitOverride();
    for (const sub of c.commands) capture(sub);
  };
  capture(program);
  try {
    await program.parseAsync(['node', 'trailwarden', ...args]);
    return { out, err, code: undefined };
  } catch (e) {
    return { out, err, code: (e as { code?: string }).code };
  }
}

const paths = commandPaths(buildProgram()).filter((p) => p[0] !== 'help');

describe('the trailwarden command line', () => {
  it('has the commands the README lists', () => {
    expect(paths.map((p) => p.join(' ')).sort()).toEqual(
      [
        'audit',
        'checks',
        'checks list',
        'config',
        'config validate',
        'demo',
        'diff',
        'report',
        'runs',
        'runs list',
        'schedule',
        'schedule create',
        'schedule delete',
        'schedule describe',
        'schedule list',
        'schedule pause',
        'schedule trigger',
        'schedule unpause',
        'worker',
      ].sort(),
    );
  });

  it.each(paths.map((p) => [p.join(' '), p]))(
    '`%s --help` prints its usage and a description',
    async (_, path) => {
      const { out, err, code } = await run([...(path as string[]), '--help']);
      expect(code).toBe('commander.helpDisplayed');
      expect(err).toBe('');
      expect(out).toMatch(new RegExp(`^Usage: trailwarden ${(path as string[]).join(' ')} `));
      const description = out.split('\n\n')[1] ?? '';
      expect(description.trim().length).toBeGreaterThan(10);
    },
  );

  it('writes descriptions as single paragraphs that commander can wrap', () => {
    const all = [
      buildProgram(),
      ...paths.map((p) =>
        p.reduce<Command>((c, n) => c.commands.find((x) => x.name() === n)!, buildProgram()),
      ),
    ];
    for (const c of all) expect(c.description(), c.name()).not.toMatch(/\n/);
  });

  it('refuses an unknown --fail-on and --log-level before doing anything', async () => {
    const failOn = await run(['audit', '--fail-on', 'severe']);
    expect(failOn.code).toBe('commander.invalidArgument');
    expect(failOn.err).toMatch(/Allowed choices are critical, high, medium, low, info/);
    const level = await run(['--log-level', 'loud', 'checks', 'list']);
    expect(level.code).toBe('commander.invalidArgument');
  });

  it('refuses dates and limits it cannot read in `runs list`', async () => {
    expect((await run(['runs', 'list', '--from', 'last week'])).err).toMatch(/--from <date>.*is invalid/);
    expect((await run(['runs', 'list', '--limit', '0'])).err).toMatch(/--limit <n>.*is invalid/);
  });

  it('`checks list --json` lists the whole catalog', async () => {
    let printed = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      await run(['checks', 'list', '--json']);
    } finally {
      process.stdout.write = write;
    }
    const list = JSON.parse(printed) as { id: string; severity: string; scope: string }[];
    expect(list.map((c) => c.id)).toEqual(catalog.ids());
    expect(list).toHaveLength(20);
  });
});
