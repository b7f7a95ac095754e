// The real gcloud Pub/Sub emulator for integration tests: ONE emulator per test process,
// started on a free loopback port by the first suite that asks and stopped after the last
// (root-hooks.ts), since every start costs a JVM boot. Each suite gets its own project id,
// so topics and subscriptions of different suites never meet. A missing gcloud or Java makes
// the caller's suite fail (never skip), as CI must notice.
import { createServer } from 'node:net';
import { startEmulatorProcess, type EmulatorProcess } from '../../functions/cli/dev.js';
import { rm } from 'node:fs/promises';
import { assertNoViolations } from './harness.js';

export interface RunningEmulator {
  /** host:port for PUBSUB_EMULATOR_HOST and the clients' apiEndpoint. */
  host: string;
  projectId: string;
  /** Releases this suite's use; the shared emulator stops after the last suite. */
  stop(): Promise<void>;
}

export async function freeLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise((ok) => server.close(ok));
  return port;
}

let shared: Promise<EmulatorProcess> | null = null;
let running: EmulatorProcess | null = null;
let suites = 0;

export async function startPubSubEmulator(projectId?: string): Promise<RunningEmulator> {
  suites += 1;
  shared ??= freeLoopbackPort()
    .then((port) => startEmulatorProcess(port, 'fanpulse-test', 90_000))
    .then((emulator) => (running = emulator))
    .catch((error: unknown) => {
      shared = null; // the next suite tries again (and fails on its own)
      throw error;
    });
  const emulator = await shared;
  return {
    host: emulator.host,
    projectId: projectId ?? `fanpulse-test-${suites}`,
    stop: async () => undefined,
  };
}

/** Stops the shared emulator (after all suites; also on exit, whatever ends the process). */
export function stopSharedEmulator(): void {
  running?.stop();
  running = null;
  shared = null;
}
process.once('exit', stopSharedEmulator);

/**
 * The end of an emulator test: the sandbox and the emulator stopped, the data folder removed,
 * then any request or answer outside the sandbox's published contract fails the suite.
 */
export async function endEmulatorTest(parts: {
  sandbox: { stop(): Promise<unknown>; violations?: readonly string[] } | undefined;
  emulator: RunningEmulator | undefined;
  dataDir: string | undefined;
}): Promise<void> {
  try {
    await parts.sandbox?.stop();
  } finally {
    try {
      await parts.emulator?.stop();
    } finally {
      if (parts.dataDir) await rm(parts.dataDir, { recursive: true, force: true });
    }
  }
  if (parts.sandbox) assertNoViolations(parts.sandbox);
}
