// Every entity whose raw answers can be mapped to rows: used by replay and `fanpulse map`.
// A source that lands a new entity lists its mapper here once.
import type { EntityMapper } from './ingest.js';
import { eventsMapper } from '../sources/events/mapper.js';
import { podcastMappers } from '../sources/spotify/podcast-mappers.js';
import { catalogueMappers } from '../sources/spotify/catalogue-mappers.js';
import { instagramMappers } from '../sources/instagram/mappers.js';

export const mappers: readonly EntityMapper[] = [
  ...podcastMappers,
  ...catalogueMappers,
  ...instagramMappers,
  eventsMapper,
];

export function findMapper(source: string, entity: string): EntityMapper | undefined {
  return mappers.find((m) => m.source === source && m.entity === entity);
}

export function findMapperByEntity(name: string): EntityMapper | undefined {
  const [source, entity] = name.includes('.') ? name.split('.', 2) : [undefined, name];
  const matches = mappers.filter(
    (m) => m.entity === entity && (source === undefined || m.source === source),
  );
  return matches.length === 1 ? matches[0] : undefined;
}
