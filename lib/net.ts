import { createServer } from 'node:net';

/** Asks the kernel for a free TCP port on 127.0.0.1 (for programs that cannot bind port 0 themselves). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('could not allocate a port'));
        return;
      }
      srv.close(() => resolvePort(addr.port));
    });
  });
}
