#!/usr/bin/env node
// fanpulse command line: run jobs locally, replay raw data, query the local warehouse,
// map raw answers, regenerate schemas. `fanpulse --help` lists everything.
//
// This entry loads nothing heavy: it reads `.env` (when present; variables already set win),
// makes sure dist/ is not older than the sources (rebuilding if it is), and only then loads
// the commands, so they always run the code that is on disk.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureFreshBuild } from './cli/freshness.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const problem = (line: string) => {
  console.error(`fanpulse: ${line}`);
  process.exitCode = 2;
};

let ready = true;
try {
  if (existsSync('.env')) process.loadEnvFile('.env');
} catch (error) {
  problem(`cannot read .env: ${error instanceof Error ? error.message : String(error)}`);
  ready = false;
}
const stale = ready ? ensureFreshBuild(root, (line) => console.error(line)) : null;
if (stale) problem(stale);
else if (ready) await (await import('./cli/main.js')).main(process.argv, root);
