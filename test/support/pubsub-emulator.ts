// The real gcloud Pub/Sub emulator for integration tests: started on a free loopback port,
// stopped by its process group id. A missing gcloud or Java makes the caller's suite fail
// (never skip), as CI must notice.
import { createServer } from 'node:net';
import { startEmulatorProcess } from '../../functions/cli/dev.js';

export interface RunningEmulator {
  /** host:port for PUBSUB_EMULATOR_HOST and the clients' apiEndpoint. */
  host: string;
  projectId: string;
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise((ok) => server.close(ok));
  return port;
}

export async function startPubSubEmulator(projectId = 'fanpulse-test'): Promise<RunningEmulator> {
  const port = await freeLoopbackPort();
  const process = await startEmulatorProcess(port, projectId, 90_000);
  return {
    host: process.host,
    projectId,
    stop: async () => {
      process.stop();
      // The emulator's JVM takes a moment to release the port; callers use fresh ports anyway.
      await new Promise((ok) => setTimeout(ok, 200));
    },
  };
}
