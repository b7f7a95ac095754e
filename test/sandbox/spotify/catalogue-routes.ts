// The routes of the artist side of the Spotify sandbox, with both tiers' behaviour as in
// shared/api-facts.md (2026):
// - development: artist search and artist albums capped at 10 a page (400 "Invalid limit"
//   above), no batch GETs (/artists?ids=, /albums?ids=, /tracks?ids= answer 403), no
//   top-tracks (404);
// - extended: pages of 50, batch GETs (50 artists, 20 albums, 50 tracks), top tracks;
// - related-artists and recommendations answer 404, audio-features/analysis 403, always.
import type { SandboxAnswer, SandboxRequest } from '../http-sandbox.js';
import {
  ALBUM_GROUP_ORDER,
  type AlbumGroup,
  type Catalogue,
  type CatalogueTrack,
} from './catalogue-model.js';
import { CatalogueObjects } from './catalogue-objects.js';
import { spotifyError, type SpotifySandbox } from './server.js';

type Json = Record<string, unknown>;
type Render<T> = (item: T, req: SandboxRequest) => Json;

const ID = /^[0-9A-Za-z]{1,64}$/;

function ids(req: SandboxRequest, max: number): string[] | SandboxAnswer {
  const raw = req.query.get('ids');
  if (!raw) return spotifyError(400, 'Missing required parameter: ids');
  const list = raw.split(',');
  if (list.length > max) return spotifyError(400, 'Too many ids requested');
  if (!list.every((id) => ID.test(id))) return spotifyError(400, 'Invalid base62 id');
  return list;
}

/** Batch GETs were removed for development-mode apps (2026). */
function batchRemoved(): SandboxAnswer {
  return spotifyError(403, 'Forbidden: this endpoint is not available in development mode');
}

/** A paging object over `all` whose items are written as Spotify writes them. */
function renderedPage<T>(
  sandbox: SpotifySandbox,
  req: SandboxRequest,
  all: readonly T[],
  paging: { limit: number; offset: number },
  render: (item: T) => Json,
): Json {
  const page = sandbox.page(req, all, paging.limit, paging.offset);
  return { ...page, items: (page.items as T[]).map(render) };
}

export function installCatalogue(
  sandbox: SpotifySandbox,
  catalogue: Catalogue,
  options: { relink?: ReadonlyMap<string, string> } = {},
): void {
  const tier = sandbox.tier;
  const dev = tier === 'development';
  const objects = new CatalogueObjects(catalogue, tier, () => sandbox.url, options.relink);

  /** GET {path}/:id: one object, 404 when the catalogue does not have it. */
  const byId = <T>(path: string, find: (id: string) => T | undefined, render: Render<T>) =>
    sandbox.api('GET', `${path}/:id`, (req, { id }) => {
      const item = find(id ?? '');
      if (!item) return spotifyError(404, 'Resource not found');
      return { status: 200, body: render(item, req) };
    });

  /** GET {path}?ids=: the extended tier's batch lookup; null for an id Spotify does not know. */
  const batch = <T>(
    path: string,
    max: number,
    find: (id: string) => T | undefined,
    render: Render<T>,
  ) =>
    sandbox.api('GET', path, (req) => {
      if (dev) return batchRemoved();
      const list = ids(req, max);
      if (!Array.isArray(list)) return list;
      const found = list.map((id) => {
        const item = find(id);
        return item ? render(item, req) : null;
      });
      return { status: 200, body: { [path.slice(1)]: found } };
    });

  sandbox.searchType('artist', (req, paging) =>
    renderedPage(sandbox, req, catalogue.searchArtists(req.query.get('q') ?? ''), paging, (a) =>
      objects.artist(a),
    ),
  );

  batch(
    '/artists',
    50,
    (id) => catalogue.artist(id),
    (a) => objects.artist(a),
  );
  byId(
    '/artists',
    (id) => catalogue.artist(id),
    (a) => objects.artist(a),
  );

  sandbox.api('GET', '/artists/:id/albums', (req, { id }) => {
    if (!catalogue.artist(id ?? '')) return spotifyError(404, 'Resource not found');
    const cap = dev ? 10 : 50;
    const paging = sandbox.paging(req, Math.min(20, cap), cap);
    if ('status' in paging) return paging;
    const requested = (req.query.get('include_groups') ?? ALBUM_GROUP_ORDER.join(','))
      .split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    if (!requested.every((g) => (ALBUM_GROUP_ORDER as readonly string[]).includes(g)))
      return spotifyError(400, 'Invalid include_groups value');
    const listing = catalogue.artistAlbums(id ?? '', requested as AlbumGroup[]);
    return {
      status: 200,
      body: renderedPage(sandbox, req, listing, paging, (l) =>
        objects.simpleAlbum(l.album, l.group),
      ),
    };
  });

  sandbox.api('GET', '/artists/:id/top-tracks', (req, { id }) => {
    // Removed for development-mode apps.
    if (dev) return spotifyError(404, 'Not found');
    if (!catalogue.artist(id ?? '')) return spotifyError(404, 'Resource not found');
    if (!req.query.get('market')) return spotifyError(400, 'Missing market parameter');
    const top = catalogue.tracksOf(id ?? '').slice(0, 10);
    return { status: 200, body: { tracks: top.map((t) => objects.fullTrack(t, req)) } };
  });

  // Removed for every app created after 2024-11-27, in both tiers.
  sandbox.api('GET', '/artists/:id/related-artists', () => spotifyError(404, 'Not found'));
  sandbox.api('GET', '/recommendations', () => spotifyError(404, 'Not found'));
  sandbox.api('GET', '/audio-features', () => spotifyError(403, 'Forbidden'));
  sandbox.api('GET', '/audio-features/:id', () => spotifyError(403, 'Forbidden'));
  sandbox.api('GET', '/audio-analysis/:id', () => spotifyError(403, 'Forbidden'));

  const album = (id: string) => catalogue.album(id);
  batch('/albums', 20, album, (a, req) => objects.fullAlbum(a, req));
  byId('/albums', album, (a, req) => objects.fullAlbum(a, req));

  sandbox.api('GET', '/albums/:id/tracks', (req, { id }) => {
    const found = catalogue.album(id ?? '');
    if (!found) return spotifyError(404, 'Resource not found');
    const paging = sandbox.paging(req, 20, 50);
    if ('status' in paging) return paging;
    return {
      status: 200,
      body: renderedPage(sandbox, req, catalogue.tracks(found), paging, (t: CatalogueTrack) =>
        objects.simpleTrack(t, req),
      ),
    };
  });

  const track = (id: string) => catalogue.track(id);
  batch('/tracks', 50, track, (t, req) => objects.fullTrack(t, req));
  byId('/tracks', track, (t, req) => objects.fullTrack(t, req));
}

/** Paths that development-mode collectors must never request. */
export const DEVELOPMENT_FORBIDDEN_PATHS: readonly RegExp[] = [
  /^\/v1\/artists$/,
  /^\/v1\/albums$/,
  /^\/v1\/tracks$/,
  /^\/v1\/artists\/[^/]+\/top-tracks$/,
  /^\/v1\/artists\/[^/]+\/related-artists$/,
  /^\/v1\/recommendations$/,
  /^\/v1\/audio-features/,
  /^\/v1\/audio-analysis/,
];
