// The artist side of the Spotify sandbox, one import for tests and benchmarks. Content is a
// Catalogue (catalogue-model.ts): the hand-made knownCatalogue() (features between artists,
// for exact tests) or the deterministic syntheticCatalogue() of catalogue-synthetic.ts.
// installCatalogue (catalogue-routes.ts) serves it with both tiers' behaviour as in
// shared/api-facts.md (2026), writing objects as catalogue-objects.ts does.
export {
  ALBUM_GROUP_ORDER,
  Catalogue,
  type AlbumGroup,
  type AlbumType,
  type CatalogueAlbum,
  type CatalogueArtist,
  type CatalogueTrack,
  type TrackSource,
} from './catalogue-model.js';
export { CatalogueObjects } from './catalogue-objects.js';
export { DEVELOPMENT_FORBIDDEN_PATHS, installCatalogue } from './catalogue-routes.js';
export { KNOWN, knownCatalogue } from './known-catalogue.js';
