import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { catalog } from '../../checks/registry.js';
import { buildProgram } from '../../cli/program.js';
import { configSchema } from '../../config/schema.js';

// The README is the product's manual: every check, command and configuration field must be in it.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** Dotted paths of every field of a zod object schema (descending into objects, arrays of objects). */
function fieldPaths(schema: z.ZodType, prefix = ''): string[] {
  let s = schema as unknown as {
    def: {
      type: string;
      innerType?: z.ZodType;
      element?: z.ZodType;
      shape?: Record<string, z.ZodType>;
      in?: z.ZodType;
      out?: z.ZodType;
      schema?: z.ZodType;
    };
  };
  // Unwrap defaults, optionals, nullables, pipes and preprocessors to reach the structure.
  for (let i = 0; i < 10; i++) {
    const d = s.def;
    const inner = d.innerType ?? (d.type === 'pipe' ? (d.out ?? d.in) : undefined) ?? d.schema;
    if (!inner || d.type === 'object' || d.type === 'array') break;
    s = inner as unknown as typeof s;
  }
  if (s.def.type === 'array' && s.def.element) return fieldPaths(s.def.element, prefix);
  if (s.def.type !== 'object' || !s.def.shape) return [];
  return Object.entries(s.def.shape).flatMap(([k, v]) => {
    const path = prefix ? `${prefix}.${k}` : k;
    return [path, ...fieldPaths(v, path)];
  });
}

describe('README', () => {
  it('lists every check id', () => {
    const missing = catalog.ids().filter((id) => !readme.includes(`\`${id}\``));
    expect(missing).toEqual([]);
  });

  it('documents every command and subcommand', () => {
    const names: string[] = [];
    for (const c of buildProgram().commands) {
      if (c.commands.length === 0) names.push(c.name());
      for (const sub of c.commands) names.push(`${c.name()} ${sub.name()}`);
    }
    expect(names.length).toBeGreaterThan(10);
    const missing = names.filter((n) => {
      const [cmd, sub] = n.split(' ');
      return sub ? !new RegExp(`\\b${cmd}\\b[^\\n]*\\b${sub}\\b`).test(readme) : !readme.includes(`\`${cmd}`);
    });
    expect(missing).toEqual([]);
  });

  it('documents every configuration field', () => {
    const paths = fieldPaths(configSchema(catalog.ids()));
    expect(paths).toContain('audit.maxConcurrentAccounts');
    expect(paths).toContain('alerts.webhook.secretEnv');
    const missing = paths.filter((p) => !new RegExp(`^\\s*(- )?${p.split('.').pop()}:`, 'm').test(readme));
    expect(missing).toEqual([]);
  });
});
