// Replay: reads raw objects of a date range back through the same mappers into the
// warehouse. Rows keep the run id and time of the run that fetched them, so replaying
// twice, or replaying what a live run already loaded, changes nothing. Objects are read
// line by line as they download (memory flat in their size), and a long backfill saves
// where it got to: stopped at its deadline, or killed, its redelivery goes on from there.
import { z } from 'zod';
import { openCheckpoint } from '../../core/checkpoint.js';
import { defineJob } from '../../core/job.js';
import { runStopRules } from '../../core/paging.js';
import { DeferredError } from '../../platform/errors.js';
import { parseRawObjectPath, rawLineSchema } from '../../platform/raw-landing.js';

/** Raw entities whose lines carry mention terms in their context. */
const TERM_ENTITIES: ReadonlySet<string> = new Set(['spotify.show', 'spotify.show_episodes']);

// A real calendar day: a message from Pub/Sub does not pass the CLI's checks.
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine(
    (v) => {
      const date = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
    },
    { message: 'not a calendar day' },
  );

export const replayParams = z
  .strictObject({
    from: day,
    to: day,
    source: z
      .string()
      .regex(/^[a-z]+$/)
      .optional(),
    entity: z
      .string()
      .regex(/^[a-z_]+$/)
      .optional(),
    terms: z
      .array(z.string().trim().min(1).max(200))
      .min(1)
      .max(20)
      .optional()
      .describe(
        'Mention terms to apply to the episodes of the range instead of the ones their runs asked for (no call to Spotify).',
      ),
  })
  .refine((p) => p.from <= p.to, { message: 'from must not be after to' });

export const replayJob = defineJob({
  name: 'platform.replay',
  source: 'platform',
  description:
    'Loads raw objects of a date range (optionally one source/entity) into the warehouse again, idempotently.',
  params: replayParams,
  schedules: [],
  async run(ctx, params) {
    const store = await ctx.services.rawStore();
    const prefix = params.source
      ? `raw/${params.source}/${params.entity ? `${params.entity}/` : ''}`
      : 'raw/';
    const objects = (await store.list(prefix))
      .map((path) => ({ path, parsed: parseRawObjectPath(path) }))
      .filter(({ parsed }) => parsed && parsed.day >= params.from && parsed.day <= params.to)
      .filter(({ parsed }) => !params.entity || parsed?.entity === params.entity);
    // Everything before line `line` of `path` is loaded (objects in path order, as listed).
    const checkpoint = await openCheckpoint(ctx, 'replay', replayPosition);
    const from = checkpoint.resumed;
    const shouldStop = runStopRules(ctx).shouldStop;
    let lines = 0;
    let done = 0;
    for (const { path, parsed } of objects) {
      done += 1;
      if (!parsed || (from && path < from.path)) continue;
      const mapper = await ctx.findMapper(parsed.source, parsed.entity);
      if (!mapper) {
        ctx.quality.count('replay', 'unmapped_object', path);
        continue;
      }
      const skip = from?.path === path ? from.line : 0;
      const run = { runId: parsed.runId, runTime: parsed.runTime };
      let at = 0;
      for await (const text of store.readLines(path)) {
        at += 1;
        if (at <= skip) continue;
        // Stop before the next line once the run's time is up; the redelivery goes on here.
        const reason = shouldStop?.() ?? null;
        if (reason !== null)
          throw new DeferredError(
            `replay at ${path} line ${at}: ${reason}; deferring the rest of the work`,
            'run-deadline',
            60,
          );
        if (text.trim() !== '') {
          const line = rawLineSchema.safeParse(safeJson(text));
          if (!line.success) ctx.quality.count('replay', 'unreadable_raw_line', path);
          else {
            // A terms override re-derives the mentions of episodes already collected.
            if (params.terms && TERM_ENTITIES.has(`${parsed.source}.${parsed.entity}`))
              line.data.context = { ...line.data.context, terms: params.terms };
            for (const { table, rows } of mapper.map(line.data, run, ctx.quality))
              await ctx.rows.add(table, rows);
            lines += 1;
            ctx.addItems(1);
          }
        }
        await checkpoint.save({ path, line: at });
      }
      ctx.progress('raw objects', done, objects.length);
    }
    return { details: { objects: objects.length, lines } };
  },
});

const replayPosition = z.object({
  path: z.string(),
  line: z.number().int().nonnegative(),
});

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
