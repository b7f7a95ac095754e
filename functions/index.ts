// Every deployable entry point, and nothing else. functions-framework loads this module
// (package.json "main") and serves the function named by --target.
import { cloudEvent, http } from '@google-cloud/functions-framework';
import { jobSubscriber } from './pubsub/subscriber.js';
import { eventsHandler } from './events/handler.js';
import { chatbot } from './chatbot/entry.js';

// Pub/Sub-triggered job runners, one per source (functions/pubsub/entry-points.ts).
cloudEvent('spotifyJobs', jobSubscriber('spotify'));
cloudEvent('instagramJobs', jobSubscriber('instagram'));
cloudEvent('eventsJobs', jobSubscriber('events'));
cloudEvent('platformJobs', jobSubscriber('platform'));
http('events', eventsHandler());
http('chatbot', chatbot);
