// The guard bites: Spotify's published OpenAPI spec rejects answers and requests outside
// it, through the validator the sandbox uses, and a sandbox answer outside the spec fails
// the test that received it.
import { expect } from 'chai';
import { spotifyContract } from '../sandbox/spotify/contract.js';
import { DATA_HACKERS_ID } from '../sandbox/spotify/podcasts.js';
import { assertNoViolations, startHarness, type Harness } from '../support/harness.js';

const episode = (id: string) => ({
  id,
  name: 'Episode',
  description: 'text',
  html_description: '<p>text</p>',
  duration_ms: 1000,
  explicit: false,
  external_urls: { spotify: `https://open.spotify.com/episode/${id}` },
  href: `https://api.spotify.com/v1/episodes/${id}`,
  images: [],
  is_externally_hosted: false,
  is_playable: true,
  languages: ['pt'],
  release_date: '2026-01-01',
  release_date_precision: 'day',
  type: 'episode',
  uri: `spotify:episode:${id}`,
});

const page = (items: unknown[]) => ({
  href: 'https://api.spotify.com/v1/shows/x/episodes?offset=0&limit=50',
  items,
  limit: 50,
  offset: 0,
  total: items.length,
  next: null,
  previous: null,
});

describe('Spotify contract (shared/contracts/spotify-openapi.yml)', () => {
  const dev = spotifyContract('development');
  const ext = spotifyContract('extended');
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('accepts a page of episodes, null items included (unavailable in the market)', () => {
    const body = page([episode('a1'), null, episode('a2')]);
    expect(dev.checkResponse('GET', '/shows/x/episodes', 200, body)).to.deep.equal([]);
  });

  it('rejects an episode without a required field, a wrong type and a bad enum', () => {
    const broken = { ...episode('a1'), release_date_precision: 'week' } as Record<string, unknown>;
    delete broken.name;
    broken.duration_ms = '1000';
    const problems = dev.checkResponse('GET', '/shows/x/episodes', 200, page([broken]));
    expect(problems.join('\n')).to.match(/required property 'name'/);
    expect(problems.join('\n')).to.match(/duration_ms must be integer/);
    expect(problems.join('\n')).to.match(/release_date_precision must be equal to one of/);
  });

  it('requires what development mode dropped only in the extended tier', () => {
    const show = {
      id: 's',
      name: 'S',
      description: 'd',
      html_description: 'd',
      explicit: false,
      external_urls: { spotify: 'x' },
      href: 'h',
      images: [],
      is_externally_hosted: false,
      languages: ['pt'],
      media_type: 'audio',
      total_episodes: 0,
      type: 'show',
      uri: 'spotify:show:s',
      copyrights: [],
      episodes: page([]),
    };
    expect(dev.checkResponse('GET', '/shows/s', 200, show)).to.deep.equal([]);
    expect(ext.checkResponse('GET', '/shows/s', 200, show).join('\n')).to.match(/publisher/);
  });

  it('checks requests: unknown parameters, missing required ones, development caps', () => {
    const q = (s: string) => new URLSearchParams(s);
    expect(dev.checkRequest('GET', '/search', q('q=x&type=show&limit=10&market=BR'))).to.deep.equal(
      [],
    );
    expect(dev.checkRequest('GET', '/search', q('q=x&type=show&limit=11')).join()).to.match(
      /limit/,
    );
    expect(ext.checkRequest('GET', '/search', q('q=x&type=show&limit=50'))).to.deep.equal([]);
    expect(dev.checkRequest('GET', '/search', q('q=x&type=podcast')).join()).to.match(
      /allowed values/,
    );
    expect(dev.checkRequest('GET', '/search', q('type=show')).join()).to.match(/'q'/);
    expect(dev.checkRequest('GET', '/shows/x/episodes', q('limit=50&page=2')).join()).to.match(
      /additional properties/,
    );
  });

  it('a deliberately wrong sandbox answer fails the test that received it', async () => {
    h = await startHarness();
    // Break the sandbox itself (not an injected fault): episodes without `name`.
    h.sandbox.override('GET', `/v1/shows/${DATA_HACKERS_ID}/episodes`, () => ({
      status: 200,
      body: {
        ...page([{ ...episode('b1'), name: undefined, duration_ms: 'long' }]),
        offset: 50,
      },
    }));
    await h.run({ job: 'spotify.podcast_episodes', params: { showId: DATA_HACKERS_ID } });
    expect(h.sandbox.violations.join('\n')).to.match(/duration_ms must be integer/);
    expect(() => assertNoViolations(h!.sandbox)).to.throw(/breach\(es\) of the published contract/);
    h.sandbox.violations.length = 0;
  });
});
