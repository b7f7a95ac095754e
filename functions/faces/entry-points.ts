// Every deployable entry point: one Pub/Sub-triggered function per registered source (so
// each has its own service account, secrets, timeout and max instances), then the two HTTP
// faces. functions/index.ts registers exactly these, `fanpulse dev` serves them, the deploy
// manifest describes them. Nothing here loads a handler: each is imported on first use.
import type { HttpFunction } from '@google-cloud/functions-framework';
import { jobsEntryPoint } from '../core/source.js';
import { registry } from '../sources/registry.js';

export interface EntryPoint {
  /** functions-framework target and Cloud Functions entry point. */
  name: string;
  signatureType: 'cloudevent' | 'http';
  /** The source whose jobs a Pub/Sub function runs; null for the HTTP faces. */
  source: string | null;
}

export interface HttpFace {
  name: string;
  load(): Promise<HttpFunction>;
}

export const httpFaces: readonly HttpFace[] = [
  { name: 'events', load: async () => (await import('./events/handler.js')).eventsHandler() },
  { name: 'chatbot', load: async () => (await import('./chatbot/entry.js')).chatbot },
];

export const entryPoints: readonly EntryPoint[] = [
  ...registry.map((s): EntryPoint => ({
    name: jobsEntryPoint(s.name),
    signatureType: 'cloudevent',
    source: s.name,
  })),
  ...httpFaces.map((f): EntryPoint => ({ name: f.name, signatureType: 'http', source: null })),
];
