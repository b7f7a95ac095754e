// Runs the built CLI in its own process, as a user would, and returns what it printed.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const NODE = join(process.cwd(), 'node_modules/.bin/node');
export const CLI = join(process.cwd(), 'dist/functions/cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(
  args: readonly string[],
  /** Over process.env; undefined removes a variable. */
  env: Record<string, string | undefined> = {},
  cwd = process.cwd(),
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      NODE,
      [CLI, ...args],
      // Not a terminal: logs would be JSON lines; the tests read only what they ask for.
      {
        env: Object.fromEntries(
          Object.entries({ ...process.env, FANPULSE_LOG_LEVEL: 'WARNING', ...env }).filter(
            ([, v]) => v !== undefined,
          ),
        ),
        cwd,
        maxBuffer: 1 << 22,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The non-empty lines of a text. */
export const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');
