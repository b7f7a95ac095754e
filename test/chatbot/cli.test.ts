// `fanpulse chat` in its own process, against a local warehouse filled by the catalogue jobs.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kakaoResponseSchema } from '../../functions/faces/chatbot/kakao-format.js';
import { messengerMessageSchema } from '../../functions/faces/chatbot/messenger-format.js';
import { KNOWN, knownCatalogue } from '../sandbox/spotify/catalogue.js';
import { WATCH_LIST } from './support.js';
import { fillWarehouse, type FilledWarehouse } from './warehouse-file.js';
import { assertNoViolations } from '../support/harness.js';

const exec = promisify(execFile);

describe('chatbot: fanpulse chat (CLI)', function () {
  this.timeout(120_000);
  let w: FilledWarehouse;
  before(async () => {
    w = await fillWarehouse(knownCatalogue(), WATCH_LIST);
  });
  after(async () => {
    await w?.sandbox.stop();
    if (w) assertNoViolations(w.sandbox);
    if (w) await rm(w.dataDir, { recursive: true, force: true });
  });

  async function chat(...args: string[]): Promise<unknown> {
    const { stdout } = await exec(
      join(process.cwd(), 'node_modules/.bin/node'),
      [join(process.cwd(), 'dist/functions/cli.js'), 'chat', ...args],
      { env: { ...process.env, ...w.env }, maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout);
  }

  it('prints the Kakao skill response for a known artist (default platform)', async () => {
    const r = kakaoResponseSchema.parse(await chat('방탄소년단'));
    const [card, list] = r.template.outputs;
    expect(card && 'basicCard' in card && card.basicCard.title).to.equal('BTS');
    expect(list && 'listCard' in list && list.listCard.items[0]?.title).to.equal('Dynamite');
    expect(r.template.quickReplies?.map((q) => q.label)).to.deep.equal([
      'Coldplay',
      'Halsey',
      'aespa',
    ]);
  });

  it('prints the Send API bodies for Messenger, searching live for an unknown artist', async () => {
    const bodies = (await chat('--platform', 'messenger', '--recipient', 'U1', '잔나비')) as Array<{
      recipient: { id: string };
      messaging_type: string;
      message: unknown;
    }>;
    expect(bodies).to.have.length(2);
    expect(bodies[0]!.recipient).to.deep.equal({ id: 'U1' });
    for (const b of bodies) messengerMessageSchema.parse(b.message);
    expect(JSON.stringify(bodies[0]!.message)).to.include('"title":"잔나비"');
    expect(JSON.stringify(bodies[0]!.message)).to.include(KNOWN.jannabi);
  });

  it('answers offline with a friendly text for an unknown artist', async () => {
    const r = kakaoResponseSchema.parse(await chat('--offline', 'Zzyzx'));
    const first = r.template.outputs[0];
    expect(first && 'simpleText' in first && first.simpleText.text).to.include('찾지 못했어요');
  });
});
