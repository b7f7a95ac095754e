// Every deployable entry point, and nothing else. functions-framework loads this module
// (package.json "main") and serves the function named by --target. The list comes from the
// source registry and the HTTP faces (functions/faces/entry-points.ts); each handler's
// module is imported on its first request, and a source's function loads that source's
// module only, so a cold start loads only the function's own code.
import { cloudEvent, http } from '@google-cloud/functions-framework';
import type { CloudEvent, HttpFunction } from '@google-cloud/functions-framework';
import { entryPoints, httpFaces } from './faces/entry-points.js';
import { readsOwnBody } from './platform/http-body.js';
import { takeOverBodyParsing } from './platform/http-body-takeover.js';
import { lazy } from './platform/lazy.js';
import { createLogger } from './platform/logger.js';

type EventHandler = (event: CloudEvent<unknown>) => Promise<void>;

function jobs(source: string): EventHandler {
  const handler = lazy(async () =>
    (await import('./faces/pubsub/subscriber.js')).jobSubscriber(source),
  );
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

for (const entry of entryPoints) if (entry.source) cloudEvent(entry.name, jobs(entry.source));
for (const face of httpFaces) http(face.name, lazyHttp(face.load));
