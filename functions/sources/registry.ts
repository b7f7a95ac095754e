// THE list of sources, and the only one. Adding a source is one folder under
// functions/sources/ exporting a SourceModule, plus one line here. index.ts registers a
// Pub/Sub function per line; everything else reads the loaded modules (./all.ts).
// Loading is lazy so that a deployed function imports its own source's module only.
import type { SourceEntry } from '../core/source.js';

export const registry: readonly SourceEntry[] = [
  { name: 'spotify', load: async () => (await import('./spotify/source.js')).spotifySource },
  { name: 'instagram', load: async () => (await import('./instagram/source.js')).instagramSource },
  { name: 'events', load: async () => (await import('./events/source.js')).eventsSource },
  { name: 'platform', load: async () => (await import('./platform/source.js')).platformSource },
];
