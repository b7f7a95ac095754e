// Code 100 is "invalid parameter" for the whole request: it skips an account or a hashtag
// only when Meta's message says the thing is unknown / not a business account; otherwise
// the run fails with Meta's message. A run in which every item failed with the same error
// has failed. appsecret_proof: with INSTAGRAM_APP_SECRET set, every call carries it.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { graphError, SANDBOX_IG_USER_ID, SANDBOX_TOKEN } from '../sandbox/instagram/server.js';
import { BRANDS, HASHTAGS, startInstagramHarness, type InstagramHarness } from './support.js';

const exec = promisify(execFile);
const NODE = join(process.cwd(), 'node_modules/.bin/node');
const CLI = join(process.cwd(), 'dist/functions/cli.js');
const BD_PATH = `/v24.0/${SANDBOX_IG_USER_ID}`;
const APP_SECRET = 'sandbox-app-secret-3b1f';

describe('instagram: code 100 policy and appsecret_proof', () => {
  let h: InstagramHarness;
  afterEach(async () => h?.close());

  it('code 100 saying the object does not exist skips that hashtag; the others are collected', async () => {
    h = await startInstagramHarness();
    await h.run({ job: 'instagram.hashtags', params: { hashtags: ['dior'] } });
    const diorPath = h.apiLog().find((r) => r.path.endsWith('/recent_media'))!.path;
    h.clock.advance(300_000);
    h.sandbox.inject({
      path: diorPath,
      answer: graphError(100, {
        subcode: 33,
        message: "Unsupported get request. Object with ID '1' does not exist",
      }),
    });
    const s = await h.run(HASHTAGS);
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    expect(s.quality['instagram_hashtag_media.skipped:100']).to.equal(1);
    expect(Object.keys(s.details.hashtags as object)).to.have.length(10);
  });

  it('code 100 saying the account is not a business account skips it', async () => {
    h = await startInstagramHarness();
    h.sandbox.inject({
      path: BD_PATH,
      answer: graphError(100, { message: 'The user is not an Instagram Business account' }),
    });
    const s = await h.run(BRANDS);
    expect(s.outcome, s.error ?? '').to.equal('succeeded');
    expect(s.details.skipped_accounts).to.deep.equal(['hermes']);
  });

  it('any other code 100 fails the run permanently with Meta’s message', async () => {
    h = await startInstagramHarness();
    h.sandbox.inject({
      path: BD_PATH,
      answer: graphError(100, { message: '(#100) Tried accessing nonexisting field (bogus)' }),
    });
    const s = await h.run(BRANDS);
    expect(s.outcome).to.equal('failed');
    expect(s.failureKind).to.equal('permanent');
    expect(s.error).to.match(/nonexisting field \(bogus\)/);
    expect(h.apiLog()).to.have.length(1); // no next account after a request-wide error
    // Permanent failures alert (log-based alert policies match severity ALERT).
    expect(
      h.logs
        .entries()
        .some((l) => l.severity === 'ALERT' && /failed permanently/.test(String(l.message))),
    ).to.equal(true);
  });

  it('the sandbox answers code 100 for fields that do not exist, also inside business_discovery and for the author of hashtag media', async () => {
    h = await startInstagramHarness();
    const base = `${h.sandbox.url}/v24.0`;
    const get = async (path: string) =>
      (await (await fetch(`${base}/${path}&access_token=${SANDBOX_TOKEN}`)).json()) as {
        error?: { code: number; message: string };
      };
    const tag = h.sandbox.feeds[0]!.id;
    for (const field of ['username', 'owner', 'bogus']) {
      const a = await get(`${tag}/recent_media?user_id=${SANDBOX_IG_USER_ID}&fields=id,${field}`);
      expect(a.error?.code).to.equal(100);
      expect(a.error?.message).to.match(new RegExp(`nonexisting field \\(${field}\\)`));
    }
    const bd = await get(
      `${SANDBOX_IG_USER_ID}?fields=business_discovery.username(dior){id,bogus_count}`,
    );
    expect(bd.error?.message).to.match(/nonexisting field \(bogus_count\)/);
    const media = await get(
      `${SANDBOX_IG_USER_ID}?fields=business_discovery.username(dior){id,media{id,owner_name}}`,
    );
    expect(media.error?.message).to.match(/nonexisting field \(owner_name\)/);
    const old = (await (
      await fetch(`${h.sandbox.url}/v17.0/${SANDBOX_IG_USER_ID}?access_token=${SANDBOX_TOKEN}`)
    ).json()) as { error?: { code: number } };
    expect(old.error?.code).to.equal(2635);
  });

  it('when every call fails with code 100 (the app requires appsecret_proof) both jobs fail, and the CLI exits non-zero', async () => {
    h = await startInstagramHarness({ sandbox: { appSecret: APP_SECRET } });
    const hashtags = await h.run(HASHTAGS);
    expect(hashtags.outcome).to.equal('failed');
    expect(hashtags.failureKind).to.equal('permanent');
    expect(hashtags.error).to.match(/require an appsecret_proof/);
    const brands = await h.run(BRANDS);
    expect(brands.outcome).to.equal('failed');
    expect(brands.error).to.match(/require an appsecret_proof/);
    const dataDir = await mkdtemp(join(tmpdir(), 'fanpulse-ig-cli-'));
    try {
      const failed = await exec(NODE, [CLI, 'job', 'instagram.brands'], {
        env: { ...process.env, ...h.sandbox.env(), FANPULSE_DATA_DIR: dataDir },
      }).then(
        () => null,
        (e: { code: number; stdout: string; stderr: string }) => e,
      );
      expect(failed, 'the CLI reported success').to.not.equal(null);
      expect(failed?.code).to.not.equal(0);
      expect(`${failed?.stdout ?? ''}${failed?.stderr ?? ''}`).to.match(/appsecret_proof/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a run in which every hashtag is skipped with the same error has failed', async () => {
    h = await startInstagramHarness();
    h.sandbox.inject({
      path: /\/recent_media$/,
      times: 100,
      answer: graphError(100, { subcode: 33, message: "Object with ID '1' does not exist" }),
    });
    const s = await h.run({ job: 'instagram.hashtags', params: { hashtags: ['dior', 'gucci'] } });
    expect(s.outcome).to.equal('failed');
    expect(s.error).to.match(/every hashtag \(2\) failed with the same Instagram error/);
  });

  it('with INSTAGRAM_APP_SECRET set every Graph call carries a valid appsecret_proof', async () => {
    h = await startInstagramHarness({
      sandbox: { appSecret: APP_SECRET },
      env: { INSTAGRAM_APP_SECRET: APP_SECRET },
    });
    expect((await h.run(HASHTAGS)).outcome).to.equal('succeeded');
    const brands = await h.run(BRANDS);
    expect(brands.outcome, brands.error ?? '').to.equal('succeeded');
    const proof = createHmac('sha256', APP_SECRET).update(SANDBOX_TOKEN).digest('hex');
    const calls = h.apiLog();
    expect(calls.length).to.be.greaterThan(20);
    expect(calls.every((c) => c.query.appsecret_proof === proof)).to.equal(true);
    expect(calls.every((c) => c.status === 200)).to.equal(true);
    // The app secret never reaches the logs.
    expect(JSON.stringify(h.logs.entries())).to.not.include(APP_SECRET);
  });
});
