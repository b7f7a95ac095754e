// The core CLI commands: job, jobs, replay, query, map, schemas.
import type { Command } from 'commander';
import { generatedFiles } from '../../schemas/generate.js';
import type { RunSummary } from '../core/runner.js';
import { runLocally } from '../core/local-runner.js';
import type { Catalog } from '../core/catalog.js';
import { createServices } from '../platform/runtime.js';
import { catalog } from '../sources/all.js';
import { parseParamArgs } from './args.js';
import { formatNdjson, formatTable } from './format.js';
import { syncGeneratedFiles } from './generated-files.js';
import { mapFile } from './map-file.js';
import { endProgress, progressPrinter } from './progress.js';

function printSummary(summary: RunSummary): void {
  const rows =
    Object.entries(summary.rows)
      .map(([t, n]) => `${t}=${n}`)
      .join(' ') || 'none';
  const calls =
    Object.entries(summary.apiCalls)
      .map(([s, n]) => `${s}=${n}`)
      .join(' ') || '0';
  console.error(
    `${summary.outcome.toUpperCase()} ${summary.job} run ${summary.runId}: items=${summary.items} rows: ${rows}; api calls: ${calls}; ${summary.durationMs} ms` +
      (summary.error ? `\n  ${summary.error}` : ''),
  );
}

export async function runJobCommand(
  name: string,
  args: string[],
  options: { runId?: string; json?: boolean; drain?: boolean },
): Promise<number> {
  const services = createServices({ sink: () => undefined, schema: catalog.schema });
  try {
    const params = parseParamArgs(args);
    const summaries = await runLocally(
      catalog,
      services,
      { job: name, params },
      {
        ...(options.runId ? { runId: options.runId, rerun: true } : {}),
        drain: options.drain !== false,
        onProgress: progressPrinter(),
        onSummary: (s) => (endProgress(), printSummary(s)),
      },
    );
    if (options.json) console.log(JSON.stringify(summaries, null, 2));
    return summaries.every((s) => s.outcome === 'succeeded') ? 0 : 1;
  } finally {
    await services.close();
  }
}

/** What `fanpulse jobs` prints: every job of the catalogue with its schedules. */
export function jobList(of: Pick<Catalog, 'jobs' | 'schedules'>): string {
  const lines: string[] = [];
  for (const job of of.jobs) {
    lines.push(`${job.name}  (${job.source})`, `  ${job.description}`);
    for (const s of of.schedules().filter((x) => x.job === job.name))
      lines.push(`  schedule ${s.id}: "${s.cron}" ${s.timeZone} ${JSON.stringify(s.params)}`);
  }
  return lines.join('\n');
}

export function registerCoreCommands(program: Command): void {
  registerJobCommand(program);
  program
    .command('jobs')
    .description('list every job with its schedules')
    .action(() => console.log(jobList(catalog)));
  registerReplayCommand(program);
  registerQueryCommand(program);
  registerMapCommand(program);
  registerSchemasCommand(program);
}

function registerJobCommand(program: Command): void {
  program
    .command('job')
    .description(
      'run a job locally (and the jobs it fans out), e.g. job spotify.podcast_episodes --show-name "Data Hackers"',
    )
    .argument('<name>', 'job name; `fanpulse jobs` lists them')
    .argument('[params...]', 'parameters as --name value or name=value (JSON for lists)')
    .option('--run-id <id>', 'reuse a run id (a rerun rewrites the same raw objects and rows)')
    .option('--no-drain', 'do not run the jobs this one fans out')
    .option('--json', 'print the run summaries as JSON on stdout')
    .allowUnknownOption()
    .action(
      async (
        name: string,
        params: string[],
        options: { runId?: string; json?: boolean; drain?: boolean },
      ) => {
        process.exitCode = await runJobCommand(name, params, options);
      },
    );
}

function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description('load raw objects of a date range into the warehouse again (idempotent)')
    .requiredOption('--from <date>', 'first day, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last day, YYYY-MM-DD')
    .option('--source <source>', 'only this source, e.g. spotify')
    .option('--entity <entity>', 'only this entity, e.g. show_episodes')
    .option(
      '--terms <json>',
      "mention terms to apply to collected episodes instead of their runs' terms, e.g. '[\"Natura\"]'",
    )
    .action(
      async (o: { from: string; to: string; source?: string; entity?: string; terms?: string }) => {
        process.exitCode = await runJobCommand(
          'platform.replay',
          Object.entries(o).flatMap(([k, v]) => [`--${k}`, v]),
          {},
        );
      },
    );
}

function registerQueryCommand(program: Command): void {
  program
    .command('query')
    .description('run SQL against the local DuckDB warehouse')
    .argument('<sql>', 'the query, e.g. "SELECT count(*) FROM latest_spotify_episodes"')
    .option('--json', 'NDJSON output instead of a table')
    .action(async (sql: string, o: { json?: boolean }) => {
      const services = createServices({ sink: () => undefined, schema: catalog.schema });
      try {
        const rows = await (await services.warehouse()).query(sql);
        console.log(o.json ? formatNdjson(rows) : formatTable(rows));
      } finally {
        await services.close();
      }
    });
}

function registerMapCommand(program: Command): void {
  program
    .command('map')
    .description('print the typed rows (NDJSON) of a raw API answer file')
    .argument('<entity>', 'entity, e.g. show_episodes or spotify.show_episodes')
    .argument('<file>', 'a landed raw .ndjson(.gz) object or one JSON answer')
    .option('--context <json>', 'context for a bare answer, e.g. {"show_id":"..."}', '{}')
    .action(async (entity: string, file: string, o: { context: string }) => {
      const result = await mapFile(entity, file, JSON.parse(o.context) as Record<string, unknown>);
      for (const { table, row } of result.rows) console.log(JSON.stringify({ table, ...row }));
      if (Object.keys(result.quality).length > 0)
        console.error(`quality: ${JSON.stringify(result.quality)}`);
    });
}

function registerSchemasCommand(program: Command): void {
  program
    .command('schemas')
    .description(
      'write the generated schema files (BigQuery JSON, view SQL, manifest, docs/tables.md)',
    )
    .option('--check', 'exit 1 if a checked-in file differs instead of writing')
    .action(async (o: { check?: boolean }) => {
      const synced = await syncGeneratedFiles(generatedFiles(catalog.schema), o.check === true);
      const stale = synced.filter((f) => f.state !== 'same').map((f) => f.path);
      console.error(
        o.check
          ? stale.length
            ? `stale: ${stale.join(', ')}`
            : 'schemas up to date'
          : `wrote ${stale.length} file(s)`,
      );
      if (o.check && stale.length) process.exitCode = 1;
    });
}
