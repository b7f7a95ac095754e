// terraform/generated/*.json against the code: in sync, and complete (every entry point,
// every topic the code publishes to, every secret it reads, every scheduled job).
import { expect } from 'chai';
import { readdir, readFile } from 'node:fs/promises';
import { CHATBOT_SECRET_IDS } from '../../functions/faces/chatbot/config.js';
import {
  FUNCTIONS_EXPORT_PATH,
  deployFunctions,
  functionsExport,
} from '../../functions/deploy/manifest.js';
import { EVENTS_SECRET_IDS } from '../../functions/faces/events/config.js';
import { INSTAGRAM_SECRET_IDS } from '../../functions/sources/instagram/config.js';
import { schedulesExport, terraformExports } from '../../functions/deploy/terraform-exports.js';
import { topicForJob } from '../../functions/platform/queue.js';
import { entryPoints } from '../../functions/faces/entry-points.js';
import { topicForSource } from '../../functions/platform/queue.js';
import { SPOTIFY_SECRET_IDS } from '../../functions/sources/spotify/config.js';
import { catalog } from '../../functions/sources/all.js';

import { registeredEntryPoints } from '../support/registered.js';

const indexEntryPoints = registeredEntryPoints;

describe('terraform/generated: what Terraform deploys, generated from the code', () => {
  it('every terraform/generated/*.json equals what the code generates (run npm run schedules)', async () => {
    const onDisk = (await readdir('terraform/generated')).filter((n) => n.endsWith('.json'));
    const wanted = terraformExports();
    expect(onDisk.map((n) => `terraform/generated/${n}`).sort()).to.deep.equal(
      [...wanted.keys()].sort(),
    );
    for (const [path, text] of wanted) {
      const current = await readFile(path, 'utf8');
      expect(current, `${path} is stale: run npm run schedules`).to.equal(text);
    }
  });

  it('has one function per entry point of functions/index.ts, of the matching kind', async () => {
    const found = await indexEntryPoints();
    const deployed = functionsExport().functions;
    expect(Object.keys(deployed).sort(), 'entry points in functions/index.ts').to.deep.equal(
      found.map((f) => f.name).sort(),
    );
    for (const f of found) {
      expect(deployed[f.name]?.kind, f.name).to.equal(
        f.signatureType === 'http' ? 'http' : 'pubsub',
      );
    }
  });

  it('gives every function a distinct id that fits a service account id with any allowed prefix', () => {
    const ids = deployFunctions().map((f) => f.id);
    expect(new Set(ids).size).to.equal(ids.length);
    const longestPrefix = 'a'.repeat(14); // variables.tf: prefix is at most 14 characters
    for (const id of [...ids, 'build', 'pubsub-push']) {
      expect(id).to.match(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(`fanpulse-${id}`).to.match(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
      expect(`${longestPrefix}${id}`.length, id).to.be.at.most(30);
    }
  });

  it('subscribes each Pub/Sub function to its source topic and lets it re-publish there', () => {
    const deployed = functionsExport().functions;
    for (const e of entryPoints) {
      if (e.source === null) continue;
      const f = deployed[e.name];
      expect(f?.consumes, e.name).to.equal(topicForSource(e.source));
      expect(f?.publishes, e.name).to.include(topicForSource(e.source));
    }
  });

  it('creates every topic the code publishes to: job topics, fan-out, chatbot and events', () => {
    const exported = functionsExport();
    const topics = new Set(exported.topics);
    for (const job of catalog.jobs) expect(topics.has(topicForJob(job.name, '')), job.name).to.equal(true);
    for (const s of schedulesExport().schedules) expect(topics.has(s.topic), s.id).to.equal(true);
    // The chatbot queues spotify collect jobs; the events webhook queues events.ingest.
    expect(exported.functions.chatbot?.publishes).to.deep.equal([
      topicForJob('spotify.artist_catalog', ''),
    ]);
    expect(exported.functions.events?.publishes).to.deep.equal([
      topicForJob('events.ingest', ''),
    ]);
    for (const f of Object.values(exported.functions)) {
      for (const t of f.publishes) expect(topics.has(t), `${f.entry_point} → ${t}`).to.equal(true);
    }
    expect(topics.has(exported.dead_letter_topic)).to.equal(false);
  });

  it('lists every secret the code reads, each readable by exactly the functions that read it', () => {
    const expectedReaders: Record<string, readonly string[]> = {
      spotifyJobs: SPOTIFY_SECRET_IDS,
      instagramJobs: INSTAGRAM_SECRET_IDS,
      eventsJobs: [],
      platformJobs: [],
      chatbot: CHATBOT_SECRET_IDS,
      events: EVENTS_SECRET_IDS,
    };
    const exported = functionsExport();
    expect(Object.keys(exported.functions).sort()).to.deep.equal(
      Object.keys(expectedReaders).sort(),
    );
    for (const [name, ids] of Object.entries(expectedReaders)) {
      expect(exported.functions[name]?.secrets, name).to.deep.equal([...new Set(ids)].sort());
    }
    expect(exported.secrets).to.deep.equal(
      [...new Set(Object.values(expectedReaders).flat())].sort(),
    );
    // The agreed names (team notes): chatbot and events secrets as other modules spell them.
    expect(CHATBOT_SECRET_IDS).to.include.members([
      'kakao-skill-secret',
      'messenger-app-secret',
      'messenger-page-token',
      'messenger-verify-token',
      ...SPOTIFY_SECRET_IDS,
    ]);
    for (const id of EVENTS_SECRET_IDS) expect(id).to.match(/^events-(token|hmac)-[a-z0-9-]+$/);
    for (const id of exported.secrets) expect(id).to.match(/^[A-Za-z0-9_-]{1,255}$/);
  });

  it('makes only the chatbot and events webhooks public', () => {
    const exported = functionsExport().functions;
    const publicOnes = Object.values(exported).filter((f) => f.public);
    expect(publicOnes.map((f) => f.entry_point).sort()).to.deep.equal(['chatbot', 'events']);
    for (const f of publicOnes) expect(f.kind).to.equal('http');
  });

  it('exports every scheduled job of the catalogue for a Cloud Scheduler job', () => {
    const exported = JSON.parse(JSON.stringify(schedulesExport())) as ReturnType<
      typeof schedulesExport
    >;
    expect(exported.schedules.map((s) => s.id).sort()).to.deep.equal(
      catalog.schedules()
        .map((s) => s.id)
        .sort(),
    );
    expect(FUNCTIONS_EXPORT_PATH).to.equal('terraform/generated/functions.json');
  });
});
