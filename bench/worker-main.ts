import { readFileSync } from 'node:fs';
import { NativeConnection } from '@temporalio/worker';
import pino from 'pino';
import { AwsEnvironment } from '../aws/clients.js';
import { openStore } from '../store/index.js';
import { createAuditWorker, installRuntimeLogging } from '../worker/index.js';

// The benchmark's worker, in its own process so its CPU time and peak memory are measured alone.
// Options arrive in argv[2] as JSON; AWS_ENDPOINT_URL points the SDK at the synthetic endpoint.
interface Options {
  temporalAddress: string;
  taskQueue: string;
  storeUrl?: string;
  dataDir?: string;
  maxInFlight: number;
  maxConcurrentActivities: number;
}

const opts = JSON.parse(process.argv[2] ?? '{}') as Options;
installRuntimeLogging(pino({ level: 'warn' }, pino.destination(2)), 'WARN');
const aws = new AwsEnvironment({ maxInFlightCalls: opts.maxInFlight, homeRegion: 'us-east-1' });
const store = await openStore({
  ...(opts.storeUrl ? { url: opts.storeUrl } : {}),
  ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
});
const connection = await NativeConnection.connect({ address: opts.temporalAddress });
const worker = await createAuditWorker({
  connection,
  taskQueue: opts.taskQueue,
  store,
  aws,
  maxConcurrentActivities: opts.maxConcurrentActivities,
});

// Live heap versus what the process holds: tells garbage the collector has not returned from real use.
let peakHeapUsedMb = 0;
const sampler = setInterval(() => {
  peakHeapUsedMb = Math.max(peakHeapUsedMb, process.memoryUsage().heapUsed / 1048576);
}, 500);
sampler.unref();

/** Peak resident set size of this process in MB (the kernel's high-water mark). */
function peakRssMb(): number {
  const m = readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1048576;
}

process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send?.({
      type: 'stats',
      stats: {
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
        awsCalls: aws.http.calls,
        peakInFlight: aws.http.peakInFlight,
        assumeRoleCalls: aws.credentialCache.assumeRoleCalls,
        peakRssMb: peakRssMb(),
        peakHeapUsedMb,
      },
    });
  }
  if (msg.type === 'stop') worker.shutdown();
});
const running = worker.run();
process.send?.({ type: 'ready' });
await running;
await connection.close();
await store.close();
aws.close();
process.exit(0);
