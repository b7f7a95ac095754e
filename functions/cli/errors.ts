// Every CLI failure becomes ONE line that says what to fix (the stack only at
// FANPULSE_LOG_LEVEL=DEBUG). Known causes (DuckDB's file lock, SQL errors, commander's usage
// errors) are reworded here, so commands can simply throw.
import { CommanderError } from 'commander';
import { FanpulseError } from '../platform/errors.js';

/** A problem the user fixes by changing what they typed or started (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface DescribedError {
  line: string;
  exitCode: number;
}

const DUCKDB_LOCK = /Could not set lock on file "([^"]+)"[^(]*(?:\(PID (\d+)\))?/;

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean) ?? text
  );
}

export function describeCliError(error: unknown): DescribedError {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof CommanderError) {
    // commander says "error: unknown option '--x'"; the prefix is ours.
    return {
      line: `${firstLine(message).replace(/^error:\s*/, '')} (see --help)`,
      exitCode: 2,
    };
  }
  const lock = DUCKDB_LOCK.exec(message);
  if (lock) {
    const pid = lock[2] ? ` (PID ${lock[2]})` : '';
    return {
      line: `the warehouse ${lock[1]} is open in another process${pid}: stop \`npm run dev\` (or the other fanpulse command) and run this again, or point FANPULSE_DATA_DIR at another folder`,
      exitCode: 2,
    };
  }
  const topic = /publishing \S+ to (\S+): 5 NOT_FOUND/.exec(message);
  if (topic) {
    return {
      line: `topic ${topic[1]} does not exist${process.env.PUBSUB_EMULATOR_HOST ? ' in the emulator: is `npm run dev` running? It creates the topics' : ': has Terraform created it?'}`,
      exitCode: 1,
    };
  }
  const sql = /(?:Parser|Binder|Catalog|Conversion|Invalid Input|Not implemented) Error:/.exec(
    message,
  );
  if (sql) {
    // DuckDB adds a hint ("Did you mean ...?") and then the query with a caret: keep the hint.
    const lines = message
      .slice(sql.index)
      .split('\n')
      .map((l) => l.trim());
    const end = lines.findIndex((l) => l.startsWith('LINE '));
    const text = (end < 0 ? lines : lines.slice(0, end)).filter(Boolean).join(' ');
    return { line: `SQL: ${text}`, exitCode: 2 };
  }
  const usage =
    error instanceof UsageError ||
    (error instanceof FanpulseError && error.kind === 'invalid-input') ||
    error instanceof SyntaxError;
  return { line: firstLine(message), exitCode: usage ? 2 : 1 };
}
