import { type EndpointOptions, startSyntheticEndpoint } from './endpoint.js';

// The benchmark's AWS stand-in, as its own process (forked by bench/main): options come in argv[2] as
// JSON; the port and, on request, the call statistics and this process's CPU time go back over the IPC
// channel.
const opts = JSON.parse(process.argv[2] ?? '{}') as EndpointOptions;
const endpoint = await startSyntheticEndpoint(opts);
process.send?.({ type: 'ready', port: endpoint.port });
process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'stats') {
    const cpu = process.cpuUsage();
    process.send?.({
      type: 'stats',
      stats: { ...endpoint.stats(), cpuSeconds: (cpu.user + cpu.system) / 1e6 },
    });
  }
  if (msg.type === 'stop') void endpoint.close().then(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
