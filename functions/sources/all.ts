// Every source loaded, and the catalogue they add up to: for the CLI, the deploy manifest,
// the schema generators and tests. Deployed functions never import this module (they load
// their own source through the registry).
import { catalogOf } from '../core/catalog.js';
import { loadSources } from '../core/source.js';
import { registry } from './registry.js';

export const allSources = await loadSources(registry);

export const catalog = catalogOf(allSources);
