import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no servers; `integration` starts moto, the Temporal dev server and uses
// PostgreSQL. Temporal's native module does not like worker threads, hence the `forks` pool everywhere.
export default defineConfig({
  test: {
    pool: 'forks',
    // Both projects share one worker count (vitest refuses projects that differ without group orders).
    maxWorkers: 2,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            '{activities,aws,checks,cli,config,emulator,lib,report,store,workflows,worker,bench}/**/*.test.ts',
            'test/unit/**/*.test.ts',
          ],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/setup-integration.ts'],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: true,
        },
      },
    ],
  },
});
