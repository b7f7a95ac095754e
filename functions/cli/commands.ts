// The core CLI commands: job, jobs, replay, query, map, schemas.
import type { Command } from 'commander';
import { generatedFiles } from '../../schemas/generate.js';
import type { Catalog } from '../core/catalog.js';
import { runLocally } from '../core/local-runner.js';
import { RUN_ID_PATTERN } from '../platform/queue.js';
import { createServices, type Services } from '../platform/runtime.js';
import { catalog } from '../sources/all.js';
import { parseParamArgs } from './args.js';
import { UsageError } from './errors.js';
import { requireExistingWarehouse } from './existing-warehouse.js';
import { formatNdjson, formatTable } from './format.js';
import { syncGeneratedFiles } from './generated-files.js';
import { formatParams, jobParamsFromCli, requireJob } from './job-params.js';
import { cliLogSink } from './log-sink.js';
import { mapFile } from './map-file.js';
import { endProgress, progressPrinter } from './progress.js';
import { formatSummary } from './summary.js';
import { calendarDay, replaySelection } from './validate.js';

/** Services for a CLI command: logs to stderr (readable on a terminal), never thrown away. */
export function cliServices(): Services {
  return createServices({ sink: cliLogSink(), schema: catalog.schema });
}

/** The run time of an earlier run, so a rerun names (and so rewrites) the same raw objects. */
async function earlierRunTime(services: Services, runId: string): Promise<Date | undefined> {
  const rows = await (
    await services.warehouse()
  ).query('SELECT min(collected_at) AS run_time FROM job_runs WHERE run_id = @run_id', {
    run_id: runId,
  });
  const value = rows[0]?.run_time;
  return typeof value === 'string' ? new Date(value) : undefined;
}

export async function runJobCommand(
  name: string,
  args: string[],
  options: { runId?: string; json?: boolean; drain?: boolean },
): Promise<number> {
  // Everything the user typed is checked before a service, file or socket is opened.
  const job = requireJob(name);
  const params = jobParamsFromCli(job, parseParamArgs(args));
  if (options.runId !== undefined && !RUN_ID_PATTERN.test(options.runId))
    throw new UsageError(`--run-id must match ${RUN_ID_PATTERN.source}, not "${options.runId}"`);
  const services = cliServices();
  try {
    const runTime = options.runId ? await earlierRunTime(services, options.runId) : undefined;
    const summaries = await runLocally(
      catalog,
      services,
      { job: name, params },
      {
        ...(options.runId ? { runId: options.runId, rerun: true } : {}),
        ...(runTime ? { runTime } : {}),
        drain: options.drain !== false,
        onProgress: progressPrinter(),
        onSummary: (s) => (endProgress(), console.error(formatSummary(s))),
      },
    );
    if (options.json) console.log(JSON.stringify(summaries, null, 2));
    return summaries.every((s) => s.outcome === 'succeeded') ? 0 : 1;
  } finally {
    await services.close();
  }
}

const PARAM_SYNTAX =
  'Parameters are given as --name value or name=value; lists as a,b or as JSON (\'["a","b"]\').';

/** What `fanpulse jobs` prints: every job of the catalogue with its parameters and schedules. */
export function jobList(of: Pick<Catalog, 'jobs' | 'schedules'>): string {
  const lines: string[] = [];
  for (const job of of.jobs) {
    lines.push(`${job.name}  (${job.source})`, `  ${job.description}`, formatParams(job, '    '));
    for (const s of of.schedules().filter((x) => x.job === job.name))
      lines.push(`  schedule ${s.id}: "${s.cron}" ${s.timeZone} ${JSON.stringify(s.params)}`);
  }
  return [...lines, '', PARAM_SYNTAX].join('\n');
}

export function registerCoreCommands(program: Command): void {
  registerJobCommand(program);
  program
    .command('jobs')
    .description('list every job with its parameters and schedules')
    .action(() => console.log(jobList(catalog)));
  registerReplayCommand(program);
  registerQueryCommand(program);
  registerMapCommand(program);
  registerSchemasCommand(program);
}

function registerJobCommand(program: Command): void {
  const job = program
    .command('job')
    .description(
      'run a job locally (and the jobs it fans out), e.g. job spotify.podcast_episodes --show-name "Data Hackers"',
    )
    .argument('<name>', 'job name; `fanpulse jobs` lists them')
    .argument('[params...]', "the job's parameters (`fanpulse job <name> --help` lists them)")
    .option('--run-id <id>', 'rerun this run id: rewrites its raw objects and rows')
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
  addJobHelp(job);
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
      '--terms <list>',
      "mention terms to apply to collected episodes instead of their runs' terms: a,b or JSON, e.g. '[\"Natura\"]'",
    )
    .action(
      async (o: { from: string; to: string; source?: string; entity?: string; terms?: string }) => {
        calendarDay('--from', o.from);
        calendarDay('--to', o.to);
        if (o.from > o.to) throw new UsageError(`--from ${o.from} is after --to ${o.to}`);
        replaySelection(o.source, o.entity);
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
      if (sql.trim() === '') throw new UsageError('give the SQL to run, e.g. "SELECT 1"');
      const services = cliServices();
      requireExistingWarehouse(services.config);
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
      let context: Record<string, unknown>;
      try {
        context = JSON.parse(o.context) as Record<string, unknown>;
      } catch {
        throw new UsageError(`--context must be a JSON object, not ${o.context}`);
      }
      const result = await mapFile(entity, file, context);
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

/** `job <name> --help` ends with that job's parameters (commander has parsed the name). */
export function addJobHelp(command: Command): void {
  command.addHelpText('after', (context) => {
    const name = context.command.args[0];
    const job = catalog.findJob(name ?? '');
    if (!job) return `\n${PARAM_SYNTAX} \`fanpulse job <name> --help\` lists a job's parameters.`;
    return `\n${job.name}: ${job.description}\nParameters:\n${formatParams(job)}\n${PARAM_SYNTAX}`;
  });
}
