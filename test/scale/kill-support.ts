// Runs a job in a child process (the function instance), kills it with SIGKILL when the
// sandbox receives a chosen request (the function timeout), and compares two data folders:
// every base table row by row and every raw answer landed, whatever object it landed in.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { catalog } from '../../functions/sources/all.js';
import type { HttpSandbox, LoggedRequest } from '../sandbox/http-sandbox.js';

export interface ChildOutcome {
  outcome: string | null;
  killed: boolean;
}

/**
 * Runs `message` as run `runId` in a fresh process on `dataDir`. When `killAt` matches a
 * request the sandbox receives, the process is killed before that request is answered.
 */
export function runInChild(options: {
  sandbox: HttpSandbox;
  env: Record<string, string>;
  dataDir: string;
  message: unknown;
  runId: string;
  runTime: string;
  /** Sees each request and the requests of this run so far (including it). */
  killAt?: (request: LoggedRequest, log: readonly LoggedRequest[]) => boolean;
}): Promise<ChildOutcome> {
  const node = existsSync('node_modules/.bin/node') ? 'node_modules/.bin/node' : process.execPath;
  const child: ChildProcess = spawn(
    node,
    [
      'dist/test/scale/child-run.js',
      JSON.stringify(options.message),
      options.runId,
      options.runTime,
    ],
    {
      env: { ...process.env, ...options.env, FANPULSE_DATA_DIR: options.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const { sandbox, killAt } = options;
  const push = sandbox.log.push;
  let killed = false;
  const first = sandbox.log.length;
  if (killAt) {
    // The sandbox logs a request before answering it: kill there, and hold the answer back.
    sandbox.log.push = (...entries: LoggedRequest[]) => {
      const n = push.apply(sandbox.log, entries);
      if (!killed && entries.some((e) => killAt(e, sandbox.log.slice(first)))) {
        killed = true;
        child.kill('SIGKILL');
        sandbox.inject({ path: /.*/, delayMs: 3_000, answer: { status: 503 } });
      }
      return n;
    };
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => {
      sandbox.log.push = push;
      sandbox.clearFaults();
      const line = out.split('\n').find((l) => l.startsWith('{"summary"'));
      if (!killed && !line) return reject(new Error(`child run printed no summary:\n${out}`));
      const summary = line ? (JSON.parse(line) as { summary: { outcome: string } }).summary : null;
      resolve({ outcome: summary?.outcome ?? null, killed });
    });
  });
}

/** Every row of each table (all columns, insert_id order), as JSON lines. */
export async function tableRows(
  dataDir: string,
  tables: readonly string[],
): Promise<Record<string, string[]>> {
  const warehouse = await openDuckDbWarehouse(join(dataDir, 'warehouse.duckdb'), catalog.schema);
  try {
    const out: Record<string, string[]> = {};
    for (const table of tables) {
      const rows = await warehouse.query(`SELECT * FROM ${table} ORDER BY insert_id`);
      out[table] = rows.map((r) => JSON.stringify(r));
    }
    return out;
  } finally {
    await warehouse.close();
  }
}

async function files(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out;
}

/** Raw objects of a data folder: names, and every landed answer (without fetched_at), sorted. */
export async function rawAnswers(
  dataDir: string,
): Promise<{ objects: string[]; answers: string[] }> {
  // A killed writer leaves its temp file (never renamed): not an object.
  const objects = (await files(join(dataDir, 'raw'))).filter((o) => !o.includes('.tmp-')).sort();
  const answers: string[] = [];
  for (const object of objects) {
    for (const line of (await readFile(object, 'utf8')).split('\n')) {
      if (!line.trim()) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      delete parsed.fetched_at;
      // Instagram's CDN signs media URLs anew on every answer (as the sandbox imitates).
      answers.push(JSON.stringify(parsed).replace(/\b(_nc_ohc|oh|oe)=[^&"]*/g, '$1=*'));
    }
  }
  return { objects: objects.map((o) => o.slice(dataDir.length + 1)), answers: answers.sort() };
}
