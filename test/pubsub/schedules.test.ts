import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { parseJobMessage } from '../../functions/core/runner.js';
import {
  SCHEDULES_EXPORT_PATH,
  schedulesExport,
  schedulesExportText,
} from '../../functions/deploy/terraform-exports.js';
import { entryPoints } from '../../functions/faces/entry-points.js';
import { sourceOfJob } from '../../functions/platform/queue.js';
import { catalog } from '../../functions/sources/all.js';
import { registeredEntryPoints } from '../support/registered.js';

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
      catalog
        .schedules()
        .map((s) => s.id)
        .sort(),
    );
    expect(new Set(exported.map((s) => s.id)).size).to.equal(exported.length);
    for (const s of exported) {
      expect(s.id, s.id).to.match(/^[a-z][a-z0-9-]{2,62}$/);
      expect(s.cron.trim().split(/\s+/), `${s.id} cron`).to.have.length(5);
      expect(() => new Intl.DateTimeFormat('en', { timeZone: s.timeZone }), s.id).not.to.throw();
      const parsed = parseJobMessage(catalog, JSON.parse(s.message));
      expect(parsed.job.name).to.equal(s.job);
      expect(s.topic).to.equal(`${sourceOfJob(s.job)}-jobs`);
    }
  });

  it('routes every job to a function: its name starts with its source, which has a subscriber', () => {
    const served = new Set(entryPoints.map((e) => e.source));
    for (const job of catalog.jobs) {
      expect(sourceOfJob(job.name), job.name).to.equal(job.source);
      expect(served.has(job.source), job.name).to.equal(true);
    }
    expect(schedulesExport().subscribers.map((s) => s.topic)).to.deep.equal([
      'spotify-jobs',
      'instagram-jobs',
      'events-jobs',
      'platform-jobs',
    ]);
  });

  it('registers every entry point in functions/index.ts with its signature type', async () => {
    const registered = await registeredEntryPoints();
    expect(registered).to.deep.equal(
      entryPoints.map((e) => ({ name: e.name, signatureType: e.signatureType })),
    );
    expect(
      registered.filter((e) => e.signatureType === 'cloudevent').map((e) => e.name),
    ).to.deep.equal(['spotifyJobs', 'instagramJobs', 'eventsJobs', 'platformJobs']);
  });
});
