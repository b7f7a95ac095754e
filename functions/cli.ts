#!/usr/bin/env node
// fanpulse command line: run jobs locally, replay raw data, query the local warehouse,
// map raw answers, regenerate schemas. `fanpulse --help` lists everything.
import { Command } from 'commander';
import { registerCoreCommands } from './cli/commands.js';
import { MapInputError } from './cli/map-file.js';
import { registerPubSubCommands } from './cli/publish.js';
import { registerChatCommand } from './cli/chat.js';
import { registerDevCommand } from './cli/dev.js';
import { FanpulseError } from './platform/errors.js';

const program = new Command('fanpulse')
  .description(
    'Spotify and Instagram ingestion into Cloud Storage and BigQuery (or a local folder and DuckDB)',
  )
  .showHelpAfterError();
registerCoreCommands(program);
registerPubSubCommands(program);
registerDevCommand(program);
registerChatCommand(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  const known =
    error instanceof FanpulseError ||
    error instanceof MapInputError ||
    error instanceof SyntaxError;
  console.error(`fanpulse: ${error instanceof Error ? error.message : String(error)}`);
  if (!known && error instanceof Error && error.stack) console.error(error.stack);
  process.exitCode = 2;
});
