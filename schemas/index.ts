// The registry of every table and view. A module that adds tables lists them here once;
// the generators, DuckDB, Terraform's checks and the data dictionary all read this list.
import { latestViewOf, type TableDef, type ViewDef } from './define.js';
import { dataQuality, jobRuns } from './platform.js';
import {
  currentEpisodes,
  episodePresence,
  episodesMentioningTerms,
  spotifyEpisodeMentions,
  spotifyEpisodes,
  spotifyShows,
} from './spotify-podcasts.js';
import { catalogueTables, catalogueViews } from './spotify-catalogue.js';
import { instagramTables } from './instagram.js';
import { eventTables } from './events.js';

export const tables: readonly TableDef[] = [
  jobRuns,
  dataQuality,
  spotifyShows,
  spotifyEpisodes,
  spotifyEpisodeMentions,
  ...catalogueTables,
  ...instagramTables,
  ...eventTables,
];

const customViews: readonly ViewDef[] = [
  episodesMentioningTerms,
  episodePresence,
  currentEpisodes,
  ...catalogueViews,
];

export const views: readonly ViewDef[] = [...tables.map(latestViewOf), ...customViews];

export function tableByName(name: string): TableDef {
  const table = tables.find((t) => t.name === name);
  if (!table) throw new Error(`unknown table ${name}`);
  return table;
}

/** Views ordered so that each comes after what it reads. */
export function viewsInDependencyOrder(): ViewDef[] {
  const done = new Set(tables.map((t) => t.name));
  const ordered: ViewDef[] = [];
  let pending = [...views];
  while (pending.length > 0) {
    const ready = pending.filter((v) => v.dependsOn.every((d) => done.has(d)));
    if (ready.length === 0)
      throw new Error(`views with missing dependencies: ${pending.map((v) => v.name).join(', ')}`);
    for (const v of ready) {
      ordered.push(v);
      done.add(v.name);
    }
    pending = pending.filter((v) => !ready.includes(v));
  }
  return ordered;
}
