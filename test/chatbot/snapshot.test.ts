// The prebuilt index: spotify.chatbot_index writes it, a new instance loads it instead of
// querying the warehouse, names resolved live come back as aliases of the next one, and a
// reader never sees half of one.
import { expect } from 'chai';
import { ArtistIndex } from '../../functions/faces/chatbot/artist-index.js';
import { IndexProvider } from '../../functions/faces/chatbot/index-loader.js';
import { kakaoResponseSchema } from '../../functions/faces/chatbot/kakao-format.js';
import {
  readPointer,
  readSnapshot,
  snapshotPath,
  writeSnapshot,
} from '../../functions/sources/spotify/chatbot/snapshot.js';
import { packData, unpackData } from '../../functions/sources/spotify/chatbot/snapshot-format.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { createLogger } from '../../functions/platform/logger.js';
import type { RawStore } from '../../functions/platform/raw-store.js';
import type { Warehouse } from '../../functions/platform/warehouse.js';
import { KNOWN } from '../sandbox/spotify/catalogue.js';
import { indexArtist } from './fixtures.js';
import { invoke, kakaoBody, startChatHarness, type ChatHarness, KAKAO_AUTH } from './support.js';

async function title(h: ChatHarness, utterance: string): Promise<string | null> {
  const answer = await invoke(h.handler, {
    path: '/kakao',
    headers: KAKAO_AUTH,
    body: kakaoBody({ utterance }),
  });
  const first = kakaoResponseSchema.parse(answer.body).template.outputs[0];
  return first && 'basicCard' in first ? (first.basicCard.title ?? null) : null;
}

const content = (names: string[], builtAt = '2026-12-01T10:00:00.000Z') => ({
  builtAt,
  resolutionsThrough: builtAt.slice(0, 10),
  learned: [],
  data: {
    artists: names.map((n) => indexArtist(n.toLowerCase(), n)),
    aliases: [],
    collaborations: [],
    compilations: [],
  },
});

describe('chatbot: prebuilt index snapshot', function () {
  this.timeout(120_000);
  let h: ChatHarness;
  before(async () => {
    h = await startChatHarness();
  });
  after(async () => h?.close());

  it('is written by spotify.chatbot_index and loaded by a new instance instead of the warehouse', async () => {
    expect(await title(h, 'BTS')).to.equal('BTS');
    expect(h.rt.index.loaded?.from).to.equal('warehouse'); // no snapshot yet: the fallback
    const [run] = await h.cat.drain({ job: 'spotify.chatbot_index', params: {} });
    expect(run?.outcome).to.equal('succeeded');
    h.restart();
    expect(await title(h, '방탄소년단 노래 추천해줘')).to.equal('BTS');
    expect(h.rt.index.loaded?.from).to.equal('snapshot');
  });

  it('turns a live resolution into an alias of the next snapshot: no Spotify search on a new instance', async () => {
    h.restart();
    const searches = () => h.cat.apiLog().filter((r) => r.path === '/v1/search').length;
    const before = searches();
    expect(await title(h, '정국 노래 추천해줘')).to.equal('Jung Kook');
    expect(searches()).to.equal(before + 1);
    expect(await title(h, '정국')).to.equal('Jung Kook'); // learned in this instance
    expect(searches()).to.equal(before + 1);
    await h.cat.drain({ job: 'spotify.chatbot_index', params: {} });
    h.restart(); // another instance: nothing in memory
    expect(await title(h, '정국')).to.equal('Jung Kook');
    expect(searches()).to.equal(before + 1);
    const raw = await h.cat.services.rawStore();
    const state = await h.cat.services.state();
    const snap = await readSnapshot(raw, state);
    expect(snap?.learned.map((l) => [l.query, l.artistId])).to.deep.include([
      '정국',
      KNOWN.jungkook,
    ]);
  });

  it('switches the pointer only after the object is whole; a failed write leaves the last snapshot', async () => {
    const raw = await h.cat.services.rawStore();
    const state = await h.cat.services.state();
    const good = await writeSnapshot(raw, state, content(['Alpha']), 'run-a');
    const failing: RawStore = {
      ...raw,
      describe: (p) => raw.describe(p),
      read: (p) => raw.read(p),
      list: (p) => raw.list(p),
      openWriter: async (path) => {
        const w = await raw.openWriter(path);
        return { ...w, close: async () => Promise.reject(new Error('upload cut')) };
      },
    };
    let failed = false;
    await writeSnapshot(failing, state, content(['Beta']), 'run-b').catch(() => (failed = true));
    expect(failed).to.equal(true);
    expect((await readPointer(state))?.version).to.equal(good.pointer.version);
    const loaded = await readSnapshot(raw, state);
    expect(loaded?.data.artists.map((a) => a.name)).to.deep.equal(['Alpha']);
  });

  it('detects a slot rewritten under the pointer and never mixes versions', async () => {
    const raw = await h.cat.services.rawStore();
    const state = await h.cat.services.state();
    const { pointer } = await writeSnapshot(raw, state, content(['Gamma']), 'run-c');
    // Another build's document in the slot the pointer names (as if rewritten meanwhile).
    const w = await raw.openWriter(pointer.path);
    const other = content(['Delta']);
    await w.writeLine(
      JSON.stringify({ format: 3, version: 'other', ...other, data: packData(other.data) }),
    );
    await w.close();
    let error: unknown = null;
    await readSnapshot(raw, state).catch((e: unknown) => (error = e));
    expect(String(error)).to.include('changed while it was read');
    expect(pointer.path).to.match(/^chatbot\/index\/slot-[0-2]\.json\.gz$/);
    expect(snapshotPath(0)).to.equal('chatbot/index/slot-0.json.gz');
  });
});

describe('chatbot: index provider with snapshots', () => {
  const silent = createLogger({ sink: () => undefined });
  const emptyWarehouse = { kind: 'duckdb', query: async () => [] } as unknown as Warehouse;

  it('loads a newer snapshot after the TTL, keeps the loaded one when the version is the same, and falls back to the warehouse without one', async () => {
    const clock = new FakeClock();
    let version = 'v1';
    let loads = 0;
    const snapshotOf = (v: string) => ({
      pointer: {
        version: v,
        seq: 1,
        path: snapshotPath(1),
        builtAt: clock.now().toISOString(),
        artists: 1,
      },
      builtAt: clock.now().toISOString(),
      resolutionsThrough: '2026-11-20',
      learned: [],
      data: {
        artists: [indexArtist('a', `Artist ${v}`)],
        aliases: [],
        collaborations: [],
        compilations: [],
      },
      bytes: 1,
      skippedRows: 0,
    });
    const provider = new IndexProvider(async () => emptyWarehouse, clock, 60_000, silent, {
      pointer: async () => (version === '' ? null : snapshotOf(version).pointer),
      load: async (p) => {
        loads += 1;
        return snapshotOf(p.version);
      },
    });
    const first = await provider.get();
    expect(first.find('Artist v1')?.id).to.equal('a');
    clock.advance(60_000);
    await provider.refresh();
    expect(loads).to.equal(1); // same version: not read again
    expect(provider.learn('에이', 'a')).to.equal(true);
    version = 'v2';
    clock.advance(60_000);
    const second = await provider.refresh();
    expect(loads).to.equal(2);
    expect(second.find('Artist v2')?.id).to.equal('a');
    expect(second.find('에이')?.id).to.equal('a'); // learned names carry over
    version = '';
    clock.advance(60_000);
    const third = await provider.refresh();
    expect(provider.loaded?.from).to.equal('warehouse');
    expect(third).to.be.instanceOf(ArtistIndex);
    expect(third.size).to.equal(0);
  });
});

describe('chatbot: snapshot encoding', () => {
  it('round-trips artists, picks and links, and leaves malformed rows out', () => {
    const a = indexArtist('a1', 'Ａespa', {
      imageUrl: 'https://i.scdn.co/image/abc',
      spotifyUrl: 'https://example.com/not-standard',
      tracks: [
        {
          id: 't1',
          name: 'Supernova',
          albumName: 'Armageddon',
          imageUrl: 'https://cdn.example/x.jpg',
          spotifyUrl: 'https://open.spotify.com/track/t1',
          releaseDate: '2024-05-27',
        },
      ],
      tracksBasis: 'newest_albums',
    });
    const packed = packData({
      artists: [a],
      aliases: [{ name: '에스파', artistId: 'a1' }],
      collaborations: [],
      compilations: [],
    });
    const tampered = {
      ...packed,
      artists: [...packed.artists, ['broken', 1]],
      aliases: [...packed.aliases, [1, 2]],
    };
    const back = unpackData(JSON.parse(JSON.stringify(tampered)) as typeof tampered);
    expect(back.skippedRows).to.equal(2);
    const [artist] = back.artists;
    expect(artist?.keys).to.deep.equal({ name: 'aespa', compact: 'aespa' });
    expect(artist?.imageUrl).to.equal('https://i.scdn.co/image/abc');
    expect(artist?.spotifyUrl).to.equal('https://example.com/not-standard');
    expect(artist?.tracks).to.deep.equal(a.tracks);
    expect(back.aliases[0]).to.deep.include({ name: '에스파', artistId: 'a1' });
  });
});
