// Adding a source is one module plus one line in the registry: a throwaway source made here
// in memory (one job, one table, one mapper) shows up in the job list, the deploy manifest,
// the Terraform exports and the generated schema, and runs, with no other edit.
import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { col, defineTable, required } from '../../schemas/define.js';
import { generatedFiles } from '../../schemas/generate.js';
import { jobList } from '../../functions/cli/commands.js';
import { catalogOf } from '../../functions/core/catalog.js';
import {
  ingest,
  standardFields,
  tableRows,
  type EntityMapper,
} from '../../functions/core/ingest.js';
import { defineJob } from '../../functions/core/job.js';
import { runLocally } from '../../functions/core/local-runner.js';
import { defineSource } from '../../functions/core/source.js';
import { deployFunctions, functionsExport } from '../../functions/deploy/manifest.js';
import { schedulesExport } from '../../functions/deploy/terraform-exports.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { isRecord } from '../../functions/platform/fields.js';
import { createServices } from '../../functions/platform/runtime.js';
import { openDuckDbWarehouse } from '../../functions/platform/warehouse-duckdb.js';
import { allSources } from '../../functions/sources/all.js';

const things = defineTable({
  name: 'tiny_things',
  description: 'Things of the throwaway source.',
  key: ['thing_id'],
  columns: {
    thing_id: required(col.string('Id of the thing.')),
    size: col.int('Its size.'),
  },
});

const thingsMapper: EntityMapper = {
  source: 'tiny',
  entity: 'things',
  description: 'A page of things.',
  map: (line, run) => {
    const items = isRecord(line.body) && Array.isArray(line.body.items) ? line.body.items : [];
    return [
      tableRows(
        things,
        items.filter(isRecord).map((item) => ({
          ...standardFields(run),
          thing_id: String(item.id),
          size: typeof item.size === 'number' ? item.size : null,
        })),
      ),
    ];
  },
};

const collectJob = defineJob({
  name: 'tiny.collect',
  source: 'tiny',
  description: 'Collects the things.',
  params: z.strictObject({ count: z.coerce.number().int().min(1).max(10).default(2) }),
  schedules: [
    {
      id: 'tiny-collect-daily',
      cron: '0 5 * * *',
      timeZone: 'UTC',
      params: { count: 3 },
      description: 'Every morning.',
    },
  ],
  run: async (ctx, params) => {
    const items = Array.from({ length: params.count }, (_, i) => ({ id: `t${i}`, size: i }));
    await ingest(ctx, thingsMapper, { url: '/things', status: 200, body: { items } });
    ctx.addItems(items.length);
  },
});

const tiny = defineSource({
  name: 'tiny',
  description: 'Runs the throwaway source.',
  secrets: ['tiny-api-key'],
  jobs: [collectJob],
  mappers: [thingsMapper],
  tables: [things],
  views: [],
});

describe('layout: a new source is one module and one registry line', () => {
  const sources = [...allSources, tiny];
  const catalog = catalogOf(sources);

  it('appears in the job list (fanpulse jobs) with its schedule', () => {
    expect(jobList(catalogOf(allSources))).not.to.include('tiny.collect');
    const listed = jobList(catalog);
    expect(listed).to.include('tiny.collect  (tiny)');
    expect(listed).to.include('schedule tiny-collect-daily: "0 5 * * *" UTC {"count":3}');
  });

  it('appears in the deploy manifest: its own function, topic and secret', () => {
    const f = deployFunctions(sources).find((d) => d.entryPoint === 'tinyJobs');
    expect(f).to.deep.include({
      id: 'tiny-jobs',
      kind: 'pubsub',
      description: 'Runs the throwaway source.',
      consumes: 'tiny-jobs',
      publishes: ['tiny-jobs'],
      secrets: ['tiny-api-key'],
    });
    const exported = functionsExport(deployFunctions(sources));
    expect(exported.topics).to.include('tiny-jobs');
    expect(exported.secrets).to.include('tiny-api-key');
    const schedules = schedulesExport(sources);
    expect(schedules.schedules.find((s) => s.id === 'tiny-collect-daily')).to.deep.include({
      job: 'tiny.collect',
      topic: 'tiny-jobs',
      message: '{"job":"tiny.collect","params":{"count":3}}',
    });
    expect(schedules.subscribers).to.deep.include({
      entryPoint: 'tinyJobs',
      source: 'tiny',
      topic: 'tiny-jobs',
    });
  });

  it('appears in the generated schema: BigQuery schema, latest view, manifest, dictionary', () => {
    const files = generatedFiles(catalog.schema);
    const schema = JSON.parse(files.get('schemas/bigquery/tiny_things.json')!) as Array<{
      name: string;
    }>;
    expect(schema.map((c) => c.name)).to.include.members(['thing_id', 'size', 'insert_id']);
    expect(files.get('schemas/bigquery/views/latest_tiny_things.sql')).to.include('tiny_things');
    expect(files.get('schemas/bigquery/manifest.json')).to.include('"name": "tiny_things"');
    expect(files.get('docs/tables.md')).to.include('### tiny_things');
    expect(
      generatedFiles(catalogOf(allSources).schema).has('schemas/bigquery/tiny_things.json'),
    ).to.equal(false);
  });

  it('runs: rows land in its table and its mapper is found for replay and `fanpulse map`', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-tiny-'));
    const warehouse = await openDuckDbWarehouse(':memory:', catalog.schema);
    const services = createServices({
      env: { FANPULSE_DATA_DIR: dataDir },
      clock: new FakeClock('2026-11-20T10:00:00Z'),
      sink: () => undefined,
      overrides: { warehouse },
    });
    try {
      // As `fanpulse job tiny.collect` runs it (core/local-runner.ts).
      const [summary] = await runLocally(catalog, services, { job: 'tiny.collect', params: {} });
      if (!summary) throw new Error('no run');
      expect(summary, summary.error ?? '').to.deep.include({ outcome: 'succeeded', items: 2 });
      expect(summary.rows).to.deep.equal({ tiny_things: 2 });
      expect(
        await warehouse.query('SELECT thing_id FROM latest_tiny_things ORDER BY 1'),
      ).to.deep.equal([{ thing_id: 't0' }, { thing_id: 't1' }]);
      expect(catalog.findMapperByEntity('tiny.things')).to.equal(thingsMapper);
    } finally {
      await warehouse.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
