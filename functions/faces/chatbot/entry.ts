// The deployable `chatbot` handler (registered in functions/index.ts). The runtime is made
// on the first request from the process's lazy Services; tests swap in their own.
import { schemaOf } from '../../core/tables.js';
import { spotifyTables, spotifyViews } from '../../sources/spotify/tables.js';
import { processServices } from '../process-services.js';
import { chatbotHandler } from './handler.js';
import { createChatRuntime, type ChatRuntime } from './runtime.js';

let runtime: ChatRuntime | undefined;

/** Tests install a runtime wired to sandboxes (undefined: back to the process default). */
export function setChatRuntime(rt: ChatRuntime | undefined): void {
  runtime = rt;
}

// The chatbot reads Spotify's tables (a local warehouse creates them; BigQuery has them).
const spotifySchema = schemaOf(spotifyTables, spotifyViews);

export const chatbot = chatbotHandler(
  () => (runtime ??= createChatRuntime(processServices(spotifySchema))),
);
