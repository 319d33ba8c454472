/**
 * How to run a long-lived worker process (`trailwarden worker`) in a bounded amount of memory; the
 * benchmark runs its worker this way and the README's "Worker memory" section explains the figures.
 *
 * - MALLOC_ARENA_MAX=2: glibc otherwise gives each of the worker's many threads (libuv, Temporal's Rust
 *   core, the workflow thread) malloc arenas of their own, about 100 MB of resident memory that is never
 *   used again. It is read when the process starts, so it must come from the environment.
 * - --max-semi-space-size=32: a young generation large enough that the short-lived objects of the
 *   hundreds of AWS calls in flight die young instead of being promoted and collected as old garbage.
 * - --max-old-space-size=384: the live heap of a busy worker is about 70–140 MB; without a limit V8 lets
 *   garbage accumulate to several times that before collecting it.
 *
 * Not applied to the CLI's `audit` (embedded mode renders whole reports in the same process).
 */
export const WORKER_NODE_FLAGS = ['--max-semi-space-size=32', '--max-old-space-size=384'] as const;
export const WORKER_ENV = { MALLOC_ARENA_MAX: '2' } as const;
