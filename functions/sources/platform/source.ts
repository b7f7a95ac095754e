// The platform's own jobs: replaying raw data of any source into the warehouse, and writing
// the chatbot's artist index snapshot (built from the warehouse, loaded by chatbot instances).
import { defineSource } from '../../core/source.js';
import { chatbotIndexJob } from './chatbot-index.js';
import { replayJob } from './replay.js';

export const platformSource = defineSource({
  name: 'platform',
  description:
    "Runs platform jobs: replaying raw data into the warehouse, writing the chatbot's artist index snapshot.",
  secrets: [],
  jobs: [replayJob, chatbotIndexJob],
  mappers: [],
  tables: [],
  views: [],
});
