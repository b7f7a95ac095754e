// A Cloud Function in its own process, as `gcloud functions deploy` runs it: the
// functions-framework CLI serving one target, its JSON log lines captured for the test to
// read, and helpers to wait for and pick out the job runs they report.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type LogEntry = Record<string, unknown>;

/** Polls `probe` every `pollMs` until it returns something truthy, which it then returns. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 30_000,
  pollMs = 100,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export interface FunctionProcess {
  /** The JSON lines of stdout (the Cloud Logging entries), as they arrive. */
  logs: LogEntry[];
  /** Every line of stdout and stderr. */
  output: string[];
  /** The process id (for /proc measurements in benchmarks). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * functions-framework's own CLI serving one target; resolves once it serves on `port`.
 * `pollMs` is how often the output is checked for that (benchmarks timing the start want it
 * finer than the default).
 */
export async function startFunction(
  target: string,
  port: number,
  env: Record<string, string>,
  signatureType: 'http' | 'cloudevent' = 'cloudevent',
  { pollMs = 100, cwd = process.cwd() }: { pollMs?: number; cwd?: string } = {},
): Promise<FunctionProcess> {
  const local = join(cwd, 'node_modules/.bin/node');
  const node = existsSync(local) ? local : process.execPath;
  const child: ChildProcess = spawn(
    node,
    [
      join(cwd, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
      `--target=${target}`,
      `--signature-type=${signatureType}`,
      `--port=${port}`,
    ],
    { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const logs: LogEntry[] = [];
  const output: string[] = [];
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      output.push(line);
      if (line.startsWith('{')) {
        try {
          logs.push(JSON.parse(line) as LogEntry);
        } catch {
          // not one of ours
        }
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', (c: Buffer) => output.push(...c.toString('utf8').split('\n')));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  await waitFor(
    `${target} to serve on ${port}`,
    () => {
      if (child.exitCode !== null) throw new Error(`${target} exited: ${output.join('\n')}`);
      return output.some((l) => l.includes('Serving function'));
    },
    60_000,
    pollMs,
  );
  return {
    logs,
    output,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Run ids in the emulator are `emu-<publish time>-<message id>`, or a planner's own id. */
const runIdOf = (e: LogEntry): unknown =>
  e.run_id ?? (e['logging.googleapis.com/labels'] as Record<string, unknown> | undefined)?.run_id;

/** Matches the log entries of the run of one message id (or of one explicit run id). */
export const ofMessage = (id: string) => (e: LogEntry) => {
  const runId = runIdOf(e);
  return (
    typeof runId === 'string' &&
    (runId === id || new RegExp(`^emu-\\d{8}T\\d{6}Z-${id}$`).test(runId))
  );
};

/** The one summary line each job run ends with (finished, failed or deferred). */
export const summaries = (logs: LogEntry[], match: (e: LogEntry) => boolean) =>
  logs.filter(
    (e) =>
      (e.message === 'job run finished' ||
        e.message === 'job run failed' ||
        e.message === 'job run deferred') &&
      match(e),
  );
