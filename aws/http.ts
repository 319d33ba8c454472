import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { HttpHandlerOptions, HttpRequest, HttpResponse, NodeHttpHandlerOptions } from '@smithy/types';
import { Semaphore } from './limits.js';

/**
 * The one HTTP handler every AWS client of a worker shares: keep-alive sockets reused across all clients,
 * and a worker-wide cap on AWS calls in flight (each attempt counts), so thousands of accounts do not
 * open thousands of sockets or overrun the API rate limits. `destroy()` from a client is ignored: the
 * handler outlives the clients; `close()` ends it.
 */
export class SharedHttpHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly inner: NodeHttpHandler;
  private readonly slots: Semaphore;
  private readonly httpAgent: HttpAgent;
  private readonly httpsAgent: HttpsAgent;
  /** Requests sent (attempts, including retries). */
  calls = 0;
  /** Highest number of requests in flight at once. */
  peakInFlight = 0;

  constructor(opts: { maxInFlight: number; requestTimeoutMs?: number; connectionTimeoutMs?: number }) {
    this.slots = new Semaphore(opts.maxInFlight);
    const agentOpts = {
      keepAlive: true,
      keepAliveMsecs: 10_000,
      maxSockets: opts.maxInFlight,
      maxFreeSockets: 256,
    };
    this.httpAgent = new HttpAgent(agentOpts);
    this.httpsAgent = new HttpsAgent(agentOpts);
    this.inner = new NodeHttpHandler({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      connectionTimeout: opts.connectionTimeoutMs ?? 5_000,
      requestTimeout: opts.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true,
    });
  }

  /** Requests in flight right now. */
  get inFlight(): number {
    return this.slots.inUse;
  }

  async handle(request: HttpRequest, options?: HttpHandlerOptions): Promise<{ response: HttpResponse }> {
    await this.slots.acquire();
    this.calls++;
    if (this.slots.inUse > this.peakInFlight) this.peakInFlight = this.slots.inUse;
    try {
      return await this.inner.handle(request as Parameters<NodeHttpHandler['handle']>[0], options);
    } finally {
      this.slots.release();
    }
  }

  updateHttpClientConfig(key: keyof NodeHttpHandlerOptions, value: NodeHttpHandlerOptions[typeof key]): void {
    this.inner.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): NodeHttpHandlerOptions {
    return this.inner.httpHandlerConfigs();
  }

  /** Clients call this when they are destroyed; the shared handler stays up. */
  destroy(): void {}

  /** Closes every pooled socket. */
  close(): void {
    this.inner.destroy();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
