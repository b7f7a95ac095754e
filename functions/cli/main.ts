// The fanpulse program: every command, and the one place failures are printed. Commander's
// own error output is silenced and its errors thrown (exitOverride), so a usage mistake, a
// bad value and a failed command all end as one line `fanpulse: ...`, with the stack only at
// FANPULSE_LOG_LEVEL=DEBUG.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { registerChatCommand } from './chat.js';
import { registerCoreCommands } from './commands.js';
import { registerDevCommand } from './dev.js';
import { describeCliError } from './errors.js';
import { registerPubSubCommands } from './publish.js';

function version(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(root: string): Command {
  const program = new Command('fanpulse')
    .description(
      'Spotify and Instagram ingestion into Cloud Storage and BigQuery (or a local folder and DuckDB)',
    )
    .version(version(root), '-V, --version', 'print the fanpulse version')
    // Subcommands inherit these: errors are thrown to main() instead of printed and exited.
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  registerCoreCommands(program);
  registerPubSubCommands(program);
  registerDevCommand(program);
  registerChatCommand(program);
  return program;
}

function report(error: unknown): void {
  const { line, exitCode } = describeCliError(error);
  console.error(`fanpulse: ${line}`);
  if (process.env.FANPULSE_LOG_LEVEL === 'DEBUG' && error instanceof Error && error.stack)
    console.error(error.stack);
  process.exitCode = exitCode;
}

export async function main(argv: string[], root: string): Promise<void> {
  // A failure outside the command's promise (a socket's 'error' event, say) is one line too;
  // exiting runs the 'exit' handlers (`dev` stops the emulator there).
  const crash = (error: unknown) => {
    report(error);
    process.exit(process.exitCode);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await buildProgram(root).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return; // --help, --version
    if (error instanceof CommanderError && error.code === 'commander.help') {
      process.exitCode = 2; // no command given: commander printed the help
      return;
    }
    report(error);
  }
}
