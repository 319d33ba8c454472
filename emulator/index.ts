import { type MotoServer, startMoto } from './moto.js';
import { type FrontProxy, startProxy } from './proxy.js';
import type { Scenario } from './scenario.js';
import { type SeededOrganization, seedScenario } from './seed.js';

export type { FaultRule, FrontProxy, IssuedCredentials, RecordedCall } from './proxy.js';
export type * from './scenario.js';
export { EMULATOR_CREDENTIALS, emulatorAccount, type SeededOrganization } from './seed.js';
export type { EmulatorState } from './state.js';

/** An emulated AWS Organization: moto, seeded from a scenario, behind the front proxy. */
export interface Emulator {
  /** Where AWS SDK clients should point (AWS_ENDPOINT_URL): the front proxy. */
  readonly endpoint: string;
  readonly moto: MotoServer;
  readonly proxy: FrontProxy;
  readonly org: SeededOrganization;
  stop(): Promise<void>;
}

/** Starts moto and the front proxy on free local ports and seeds the scenario into them. */
export async function startEmulator(
  scenario: Scenario,
  opts: { motoBinary?: string; seedConcurrency?: number } = {},
): Promise<Emulator> {
  const moto = await startMoto({ binary: opts.motoBinary });
  try {
    const org = await seedScenario(scenario, {
      motoEndpoint: moto.endpoint,
      concurrency: opts.seedConcurrency,
    });
    const proxy = await startProxy({ motoEndpoint: moto.endpoint, state: org.state });
    return {
      endpoint: proxy.endpoint,
      moto,
      proxy,
      org,
      async stop() {
        await proxy.close();
        await moto.stop();
      },
    };
  } catch (err) {
    await moto.stop();
    throw err;
  }
}
