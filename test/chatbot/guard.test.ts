// The guarded live search: a similarity threshold with "did you mean" choices (and no
// collect job below it), cached hits and misses with expiry, names learned as aliases,
// per-user and global budgets, one collect per artist and day, Spotify's 429 penalty.
import { expect } from 'chai';
import { ArtistIndex } from '../../functions/faces/chatbot/artist-index.js';
import { loadChatbotConfig } from '../../functions/faces/chatbot/config.js';
import { ChatEngine } from '../../functions/faces/chatbot/engine.js';
import { decide, similarity } from '../../functions/faces/chatbot/live-choice.js';
import { LocalSpotifyPenalty } from '../../functions/faces/chatbot/live-guard.js';
import {
  queueCollect,
  SpotifyRateLimited,
  type CollectOutcome,
  type LiveArtist,
} from '../../functions/faces/chatbot/live.js';
import type { Reply } from '../../functions/faces/chatbot/reply.js';
import type { LearnedAlias } from '../../functions/sources/spotify/chatbot/snapshot.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { createLogger } from '../../functions/platform/logger.js';
import { MemoryQueue } from '../../functions/platform/queue.js';
import { FileStateStore } from '../../functions/platform/state.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexArtist } from './fixtures.js';
import { TestTimer } from './support.js';

const live = (id: string, name: string): LiveArtist => ({
  id,
  name,
  imageUrl: `https://i.scdn.co/image/${id}`,
  spotifyUrl: `https://open.spotify.com/artist/${id}`,
  genres: [],
  popularity: null,
  followers: null,
});

const SPOTIFY: Record<string, LiveArtist[]> = {
  bey: [live('tribute', 'Bey Tribute Band'), live('beyonce', 'Beyoncé'), live('bey2', 'Beyza')],
  karaoke: [live('karaoke', 'Aespa Karaoke Hits'), live('kk', 'Karaoke Kings')],
  방탄소년단: [live('bts', 'BTS'), live('other', 'Bangtan Covers')],
  newjeans: [live('nj', 'NewJeans'), live('nj2', 'NewJeans Tribute')],
  'various artists': [live('0LyfQWJT6nXafLPZqxe9Of', 'Various Artists')],
  ive: [live('ive', 'IVE')],
  nobody: [],
};

interface Rig {
  engine: ChatEngine;
  clock: FakeClock;
  searches: string[];
  collects: string[];
  learned: Array<[string, string]>;
  remembered: LearnedAlias[];
  logs: Array<Record<string, unknown>>;
  penalty: LocalSpotifyPenalty;
  fail: { next: Error | null };
  ask(text: string, user?: string): Promise<Reply>;
}

function rig(env: Record<string, string> = {}, collectOutcome: CollectOutcome = 'published'): Rig {
  const clock = new FakeClock('2026-12-01T10:00:00Z');
  const index = new ArtistIndex(
    { artists: [indexArtist('bts', 'BTS')], aliases: [], collaborations: [], compilations: [] },
    clock.now(),
  );
  const r = {
    clock,
    searches: [] as string[],
    collects: [] as string[],
    learned: [] as Array<[string, string]>,
    remembered: [] as LearnedAlias[],
    logs: [] as Array<Record<string, unknown>>,
    penalty: new LocalSpotifyPenalty(clock),
    fail: { next: null as Error | null },
  };
  const engine = new ChatEngine({
    config: loadChatbotConfig({ FANPULSE_LOG_LEVEL: 'DEBUG', ...env }),
    index: async () => index,
    liveSearch: async (q) => {
      r.searches.push(q);
      const error = r.fail.next;
      r.fail.next = null;
      if (error) throw error;
      return SPOTIFY[q.toLowerCase()] ?? [];
    },
    collect: async (a) => {
      r.collects.push(a.id);
      return collectOutcome;
    },
    timer: new TestTimer().timer,
    log: createLogger({
      sink: (line) => r.logs.push(JSON.parse(line) as Record<string, unknown>),
      minSeverity: 'DEBUG',
    }),
    clock,
    penalty: r.penalty,
    learn: (name, id) => {
      r.learned.push([name, id]);
      index.learn(name, id);
    },
    remember: async (alias) => {
      r.remembered.push(alias);
    },
  });
  return { ...r, engine, ask: (text, user = 'u1') => engine.answer({ text, userId: user }) };
}

const suggestionIds = (reply: Reply) =>
  reply.kind === 'text' ? reply.suggestions.map((s) => s.id) : [];

describe('chatbot: guarded live search', () => {
  it('scores names: equal after folding is 1, prefixes and decorations fall below the threshold', () => {
    expect(similarity('beyonce', 'Beyoncé')).to.equal(1);
    expect(similarity('JUNGKOOK', 'Jung Kook')).to.equal(1);
    expect(similarity('bey', 'Beyoncé')).to.be.below(0.8);
    expect(similarity('karaoke', 'Aespa Karaoke Hits')).to.be.below(0.8);
    expect(similarity('Coldpaly', 'Coldplay')).to.be.below(0.8);
    const d = decide('Bey', SPOTIFY.bey!, 0.8, () => false);
    expect(d.kind).to.equal('choices');
    // Another script: taken only when the index knows the artist.
    expect(decide('방탄소년단', SPOTIFY['방탄소년단']!, 0.8, (id) => id === 'bts').kind).to.equal(
      'accept',
    );
    expect(decide('방탄소년단', SPOTIFY['방탄소년단']!, 0.8, () => false).kind).to.equal('choices');
    expect(decide('Various Artists', SPOTIFY['various artists']!, 0.8, () => false).kind).to.equal(
      'none',
    );
  });

  it('offers up to three "did you mean" choices below the threshold and publishes no collect job', async () => {
    const r = rig();
    for (const q of ['Bey', 'karaoke']) {
      const reply = await r.ask(q);
      expect(reply.kind === 'text' && reply.reason, q).to.equal('did_you_mean');
      expect(suggestionIds(reply).length).to.be.within(1, 3);
    }
    // Closest names first: "Beyza" shares more of "Bey" than "Beyoncé" does.
    expect(suggestionIds(await r.ask('Bey'))).to.deep.equal(['bey2', 'beyonce', 'tribute']);
    expect(r.collects).to.deep.equal([]);
    // Tapping a choice is the user's decision: that artist, collected.
    const tapped = await r.engine.answer({ artistId: 'beyonce', userId: 'u1' });
    expect(tapped.kind === 'artist' && tapped.artist.name).to.equal('Beyoncé');
    expect(r.collects).to.deep.equal(['beyonce']);
    expect((await r.ask('Various Artists')).kind).to.equal('text');
  });

  it('takes a close hit, collects it once, and caches hits and misses until they expire', async () => {
    const r = rig();
    const first = await r.ask('newjeans 노래 추천해줘');
    expect(first.kind === 'artist' && first.artist.id).to.equal('nj');
    expect(first.kind === 'artist' && first.collecting).to.equal(true);
    expect(r.searches).to.deep.equal(['newjeans']);
    await r.ask('NewJeans');
    await r.ask('nobody');
    await r.ask('nobody');
    expect(r.searches).to.deep.equal(['newjeans', 'nobody']);
    r.clock.advance(3_600_000); // misses expire after an hour, hits after a day
    await r.ask('nobody');
    await r.ask('newjeans');
    expect(r.searches).to.deep.equal(['newjeans', 'nobody', 'nobody']);
    r.clock.advance(86_400_000);
    await r.ask('newjeans');
    expect(r.searches).to.have.length(4);
  });

  it('searches a name once while several users ask it at the same moment', async () => {
    const r = rig({ CHATBOT_SEARCHES_PER_USER_PER_HOUR: '1' });
    const replies = await Promise.all(['a', 'b', 'c', 'd'].map((u) => r.ask('IVE', u)));
    expect(r.searches).to.deep.equal(['IVE']);
    expect(replies.every((x) => x.kind === 'artist' && x.artist.id === 'ive')).to.equal(true);
  });

  it('learns a resolved name: the second 방탄소년단 is answered by the index, without Spotify', async () => {
    const r = rig();
    const first = await r.ask('방탄소년단 노래 추천해줘');
    expect(first.kind === 'artist' && first.source).to.equal('index');
    expect(r.searches).to.deep.equal(['방탄소년단']);
    expect(r.learned).to.deep.equal([['방탄소년단', 'bts']]);
    expect(r.remembered.map((a) => [a.query, a.artistId])).to.deep.equal([['방탄소년단', 'bts']]);
    const second = await r.ask('방탄소년단');
    expect(second.kind === 'artist' && second.artist.id).to.equal('bts');
    expect(r.searches).to.have.length(1);
    expect(r.collects).to.deep.equal([]);
  });

  it('limits live searches per user and per instance, and collect jobs per user', async () => {
    const r = rig({
      CHATBOT_SEARCHES_PER_USER_PER_HOUR: '2',
      CHATBOT_SEARCHES_PER_MINUTE: '3',
      CHATBOT_COLLECTS_PER_USER_PER_DAY: '1',
    });
    await r.ask('name one', 'alice');
    await r.ask('name two', 'alice');
    const refused = await r.ask('name three', 'alice');
    expect(refused.kind === 'text' && refused.reason).to.equal('search_busy');
    await r.ask('name four', 'bob');
    const global = await r.ask('name five', 'carol');
    expect(global.kind === 'text' && global.reason).to.equal('search_busy');
    expect(r.searches).to.deep.equal(['name one', 'name two', 'name four']);
    r.clock.advance(60_000);
    await r.ask('IVE', 'dave');
    await r.ask('NewJeans', 'dave');
    expect(r.collects).to.deep.equal(['ive']); // dave's one collect a day
  });

  it('does not spend a collect on an artist collected today already', async () => {
    const r = rig({ CHATBOT_COLLECTS_PER_USER_PER_DAY: '1' }, 'already');
    await r.ask('IVE');
    await r.ask('NewJeans');
    expect(r.collects).to.deep.equal(['ive', 'nj']);
  });

  it('publishes one collect job per artist and day, across instances (StateStore marker)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fanpulse-collect-'));
    try {
      const clock = new FakeClock('2026-12-01T10:00:00Z');
      const queue = new MemoryQueue();
      const state = new FileStateStore(dir);
      const log = createLogger({ sink: () => undefined });
      const a = queueCollect(
        async () => queue,
        clock,
        log,
        async () => state,
      );
      const b = queueCollect(
        async () => queue,
        clock,
        log,
        async () => state,
      );
      expect(await a({ id: 'ive', name: 'IVE' })).to.equal('published');
      expect(await a({ id: 'ive', name: 'IVE' })).to.equal('already');
      expect(await b({ id: 'ive', name: 'IVE' })).to.equal('already');
      clock.advance(86_400_000);
      expect(await b({ id: 'ive', name: 'IVE' })).to.equal('published');
      expect(queue.published.map((p) => p.message.job)).to.deep.equal([
        'spotify.artist_catalog',
        'spotify.artist_catalog',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes no Spotify call while a 429 penalty lasts (Retry-After honoured)', async () => {
    const r = rig();
    r.fail.next = new SpotifyRateLimited(120);
    const limited = await r.ask('name one');
    expect(limited.kind === 'text' && limited.reason).to.equal('search_busy');
    r.clock.advance(119_000);
    await r.ask('name two');
    expect(r.searches).to.deep.equal(['name one']);
    r.clock.advance(1_000);
    await r.ask('name two');
    expect(r.searches).to.deep.equal(['name one', 'name two']);
  });

  it("logs users' text only at DEBUG", async () => {
    const r = rig();
    await r.ask('secret words newjeans');
    const withText = r.logs.filter((l) => JSON.stringify(l).includes('secret words'));
    expect(withText.length).to.be.greaterThan(0);
    expect(withText.every((l) => l.severity === 'DEBUG')).to.equal(true);
  });
});
