// spotify.chatbot_index: builds the chatbot's artist index from the warehouse, folds in the
// names live searches resolved since the last build, and writes it as one snapshot
// (snapshot.ts) that cold chatbot instances load instead of querying the warehouse.
// Runs after the daily catalogue and on its own hourly schedule; idempotent (a rerun writes
// the same content under a new version).
import { z } from 'zod';
import { defineJob } from '../../../core/job.js';
import { loadIndexData } from './index-data.js';
import { daysBetween, mergeLearned, readResolutions } from './resolutions.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';

/** Without an earlier snapshot, resolutions of this many days are read. */
const FIRST_BUILD_DAYS = 30;

export const chatbotIndexJob = defineJob({
  name: 'spotify.chatbot_index',
  source: 'spotify',
  description:
    "Writes the chatbot's artist index (artists, picks, similarity inputs, aliases incl. names resolved by live searches) as one versioned snapshot that chatbot instances load at cold start.",
  params: z.strictObject({}),
  schedules: [
    {
      id: 'chatbot-index-after-catalogue',
      cron: '30 5 * * *',
      timeZone: 'Asia/Seoul',
      params: {},
      description:
        'Rebuilds the chatbot index 90 minutes after the daily artist catalogue (04:00) started, once its fan-out has landed.',
    },
    {
      id: 'chatbot-index-hourly',
      cron: '10 * * * *',
      timeZone: 'Etc/UTC',
      params: {},
      description:
        'Hourly chatbot index: artists collected on demand and names learned from live searches.',
    },
  ],
  async run(ctx) {
    const [warehouse, raw, state] = await Promise.all([
      ctx.services.warehouse(),
      ctx.services.rawStore(),
      ctx.services.state(),
    ]);
    const now = ctx.clock.now();
    const today = now.toISOString().slice(0, 10);
    const previous = await readSnapshot(raw, state).catch((error: unknown) => {
      ctx.log.warn('previous chatbot index snapshot unreadable; learned names start over', {
        error,
      });
      return null;
    });
    const since =
      previous?.resolutionsThrough ??
      new Date(now.getTime() - FIRST_BUILD_DAYS * 86_400_000).toISOString().slice(0, 10);
    const [data, resolutions] = await Promise.all([
      loadIndexData(warehouse),
      readResolutions(raw, daysBetween(since, today)),
    ]);
    const learned = mergeLearned(previous?.learned ?? [], resolutions.aliases);
    const { skippedRows, ...indexData } = data;
    if (skippedRows > 0) ctx.quality.count('chatbot_index', 'skipped_rows', String(skippedRows));
    if (resolutions.unreadable > 0)
      ctx.quality.count('chatbot_index', 'unreadable_resolution', String(resolutions.unreadable));
    const { pointer, bytes } = await writeSnapshot(
      raw,
      state,
      { builtAt: now.toISOString(), resolutionsThrough: today, learned, data: indexData },
      ctx.run.runId,
    );
    ctx.addItems(indexData.artists.length);
    return {
      details: {
        version: pointer.version,
        path: raw.describe(pointer.path),
        artists: indexData.artists.length,
        aliases: indexData.aliases.length,
        learned_aliases: learned.length,
        new_resolutions: resolutions.aliases.length,
        collaborations: indexData.collaborations.length,
        bytes,
      },
    };
  },
});
