// Every deployable entry point, and nothing else. functions-framework loads this module
// (package.json "main") and serves the function named by --target. Each handler's module
// is imported on its first request, so a function's cold start loads only its own code
// (the chatbot never loads the job catalogue, a job function never loads the chatbot).
import { cloudEvent, http } from '@google-cloud/functions-framework';
import type { CloudEvent, HttpFunction } from '@google-cloud/functions-framework';
import type { JobSource } from './jobs/types.js';
import { readsOwnBody } from './platform/http-body.js';
import { takeOverBodyParsing } from './platform/http-body-takeover.js';
import { lazy } from './platform/lazy.js';
import { createLogger } from './platform/logger.js';

type EventHandler = (event: CloudEvent<unknown>) => Promise<void>;

function jobs(source: JobSource): EventHandler {
  const handler = lazy(async () => (await import('./pubsub/subscriber.js')).jobSubscriber(source));
  return async (event) => (await handler())(event);
}

/** An HTTP function that reads its own body within its limit (platform/http-body.ts). */
function lazyHttp(load: () => Promise<HttpFunction>): HttpFunction {
  const handler = lazy(load);
  return readsOwnBody(async (req, res) => (await handler())(req, res));
}

// Before functions-framework builds its server: it must not inflate bodies for us.
if (!takeOverBodyParsing())
  createLogger().alert(
    'cannot switch off functions-framework body parsing; HTTP bodies are read by the framework',
  );

// Pub/Sub-triggered job runners, one per source (functions/pubsub/entry-points.ts).
cloudEvent('spotifyJobs', jobs('spotify'));
cloudEvent('instagramJobs', jobs('instagram'));
cloudEvent('eventsJobs', jobs('events'));
cloudEvent('platformJobs', jobs('platform'));
http(
  'events',
  lazyHttp(async () => (await import('./events/handler.js')).eventsHandler()),
);
http(
  'chatbot',
  lazyHttp(async () => (await import('./chatbot/entry.js')).chatbot),
);
