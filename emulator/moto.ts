import { requireTool } from '../lib/binaries.js';
import { type ManagedProcess, spawnUntilReady } from '../lib/process.js';

/** A running moto_server, the AWS emulator behind the front proxy. */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts moto_server on a free 127.0.0.1 port (moto binds port 0 and reports the port it got). */
export async function startMoto(opts: { binary?: string } = {}): Promise<MotoServer> {
  const binary = requireTool('moto_server', opts.binary);
  const env = { ...process.env };
  // moto picks the account from the access key; a fixed MOTO_ACCOUNT_ID would break multi-account.
  delete env.MOTO_ACCOUNT_ID;
  const { proc, match } = await spawnUntilReady(
    binary,
    ['-H', '127.0.0.1', '-p', '0'],
    /Running on http:\/\/127\.0\.0\.1:(\d+)/,
    {
      env,
      name: 'moto_server',
    },
  );
  const port = Number(match[1]);
  return motoHandle(proc, port);
}

function motoHandle(proc: ManagedProcess, port: number): MotoServer {
  return { endpoint: `http://127.0.0.1:${port}`, port, stop: () => proc.stop() };
}
