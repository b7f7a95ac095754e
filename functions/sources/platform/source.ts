// The platform's own jobs: replaying raw data of any source into the warehouse.
import { defineSource } from '../../core/source.js';
import { replayJob } from './replay.js';

export const platformSource = defineSource({
  name: 'platform',
  description: 'Runs platform jobs such as replaying raw data into the warehouse.',
  secrets: [],
  jobs: [replayJob],
  mappers: [],
  tables: [],
  views: [],
});
