// Where the CLI's logs go: stderr (stdout carries the command's output). On a terminal, for
// people: WARNING and above (everything at FANPULSE_LOG_LEVEL=DEBUG) as one readable line
// each. Otherwise, or with FANPULSE_LOG_FORMAT=json, the JSON lines the functions write.
// The logger has already filtered by FANPULSE_LOG_LEVEL and redacted secrets.
import type { LogSink } from '../platform/logger.js';
import type { Env } from '../platform/env.js';
import { UsageError } from './errors.js';

const ORDER = ['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'CRITICAL', 'ALERT'];
const HIDDEN = new Set(['severity', 'message', 'time', 'logging.googleapis.com/labels']);

export type LogFormat = 'text' | 'json';

export function logFormat(env: Env, isTTY: boolean): LogFormat {
  const asked = env.FANPULSE_LOG_FORMAT;
  if (asked === undefined || asked === '') return isTTY ? 'text' : 'json';
  if (asked !== 'text' && asked !== 'json')
    throw new UsageError(`FANPULSE_LOG_FORMAT must be text or json, not "${asked}"`);
  return asked;
}

function show(value: unknown): string {
  if (typeof value === 'string') return /\s/.test(value) ? JSON.stringify(value) : value;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** One readable line for a JSON log entry: `WARNING message key=value … [job run_id]`. */
export function readableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const fields = Object.entries(entry)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== undefined)
    .map(([k, v]) => {
      // Stacks stay out of a terminal line; FANPULSE_LOG_FORMAT=json keeps them.
      if (v && typeof v === 'object' && 'message' in v && 'stack' in v)
        return `${k}=${show((v as { message: unknown }).message)}`;
      return `${k}=${show(v)}`;
    });
  return [String(entry.severity ?? 'LOG'), String(entry.message ?? ''), ...fields].join(' ');
}

/** What the sink writes to: stderr, or a fake in tests. */
export interface LogStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export function cliLogSink(env: Env = process.env, stream: LogStream = process.stderr): LogSink {
  if (logFormat(env, stream.isTTY === true) === 'json') return (line) => stream.write(line + '\n');
  const everything = env.FANPULSE_LOG_LEVEL === 'DEBUG';
  const min = ORDER.indexOf('WARNING');
  // Clears a progress line (cli/progress.ts) the entry would otherwise be appended to.
  const clear = stream.isTTY ? '\r\x1b[K' : '';
  return (line) => {
    const severity = /"severity":"([A-Z]+)"/.exec(line)?.[1] ?? 'INFO';
    if (everything || ORDER.indexOf(severity) >= min)
      stream.write(clear + readableLine(line) + '\n');
  };
}
