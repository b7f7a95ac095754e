import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { jobs, schedules } from '../../functions/core/catalog.js';
import { parseJobMessage } from '../../functions/core/runner.js';
import {
  SCHEDULES_EXPORT_PATH,
  schedulesExport,
  schedulesExportText,
} from '../../functions/deploy/terraform-exports.js';
import { discoverFunctions } from '../../functions/cli/dev.js';
import { pubsubEntryPoints, sourceOfJobName } from '../../functions/faces/pubsub/entry-points.js';

describe('schedules export for Terraform', () => {
  it(`checked-in ${SCHEDULES_EXPORT_PATH} is in sync with the catalogue (run npm run schedules)`, async () => {
    const current = await readFile(SCHEDULES_EXPORT_PATH, 'utf8').catch(() => null);
    expect(current, `${SCHEDULES_EXPORT_PATH} is stale: run npm run schedules`).to.equal(
      schedulesExportText(),
    );
  });

  it('exports every schedule of the catalogue once, with a message its job accepts', () => {
    const exported = schedulesExport().schedules;
    expect(exported.map((s) => s.id).sort()).to.deep.equal(
      schedules()
        .map((s) => s.id)
        .sort(),
    );
    expect(new Set(exported.map((s) => s.id)).size).to.equal(exported.length);
    for (const s of exported) {
      expect(s.id, s.id).to.match(/^[a-z][a-z0-9-]{2,62}$/);
      expect(s.cron.trim().split(/\s+/), `${s.id} cron`).to.have.length(5);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: s.timeZone }), s.id).not.to.throw();
      const parsed = parseJobMessage(JSON.parse(s.message));
      expect(parsed.job.name).to.equal(s.job);
      expect(s.topic).to.equal(`${sourceOfJobName(s.job)}-jobs`);
    }
  });

  it('routes every job to a function: its name starts with its source, which has a subscriber', () => {
    const served = new Set(pubsubEntryPoints.map((e) => e.source));
    for (const job of jobs) {
      expect(sourceOfJobName(job.name), job.name).to.equal(job.source);
      expect(served.has(job.source), job.name).to.equal(true);
    }
    expect(schedulesExport().subscribers.map((s) => s.topic)).to.deep.equal([
      'spotify-jobs',
      'instagram-jobs',
      'events-jobs',
      'platform-jobs',
    ]);
  });

  it('finds the CloudEvent and HTTP functions an index registers (npm run dev serves them)', () => {
    const source = [
      "cloudEvent('spotifyJobs', jobSubscriber('spotify'));",
      'http("events", eventsHttp);',
      "(0, functions_framework_1.http)('chatbot', chatbotHttp);",
      "cloudEvent('spotifyJobs', again);",
    ].join('\n');
    expect(discoverFunctions(source)).to.deep.equal([
      { name: 'spotifyJobs', signatureType: 'cloudevent' },
      { name: 'events', signatureType: 'http' },
      { name: 'chatbot', signatureType: 'http' },
    ]);
  });

  it('registers every subscriber entry point in functions/index.ts', async () => {
    const index = await readFile('functions/index.ts', 'utf8');
    const registered = discoverFunctions(index);
    for (const e of pubsubEntryPoints)
      expect(registered, e.name).to.deep.include({ name: e.name, signatureType: 'cloudevent' });
  });
});
