// Fan-out names child jobs by typed reference: the child's parameter schema checks the
// params at the parent (and the compiler checks their shape), for the catalogue planner's
// children, the album fan-out and the chatbot's collect job.
import { expect } from 'chai';
import { childJob } from '../../functions/core/fan-out.js';
import { parseJobMessage } from '../../functions/core/runner.js';
import { queueCollect } from '../../functions/faces/chatbot/live.js';
import { FakeClock } from '../../functions/platform/clock.js';
import { PermanentError } from '../../functions/platform/errors.js';
import { createLogger, memorySink } from '../../functions/platform/logger.js';
import { MemoryQueue } from '../../functions/platform/queue.js';
import { catalog } from '../../functions/sources/all.js';
import { albumTracksJob } from '../../functions/sources/spotify/album-tracks-job.js';
import { artistAlbumsJob } from '../../functions/sources/spotify/artist-albums-job.js';
import { artistJob } from '../../functions/sources/spotify/artist-jobs.js';

const ARTIST = '3Nrfpe0tUJi4K4DXYWgMUX';
const ALBUM = '6al2VdKbb6FIz9d7lU7WRB';

describe('layout: typed fan-out', () => {
  it('passes valid params through unchanged (no defaults filled in: child run ids stay)', () => {
    const params = { artistId: ARTIST, market: 'US', fanOut: true, planId: 'plan-1' };
    const child = childJob(artistAlbumsJob, params);
    expect(child).to.deep.equal({ job: 'spotify.artist_albums', params });
    expect(parseJobMessage(catalog, child).job).to.equal(artistAlbumsJob);
  });

  it('refuses invalid params at the parent, naming the child and the field', () => {
    expect(() => childJob(albumTracksJob, { market: 'US' })).to.throw(
      PermanentError,
      'invalid params for child job spotify.album_tracks: (params): albumId or albumIds is required',
    );
    expect(() => childJob(artistJob, { artistIds: ['not an id'] })).to.throw(
      PermanentError,
      /spotify\.artist: artistIds\.0: /,
    );
    expect(() => childJob(artistAlbumsJob, { artistId: ARTIST, maxAlbums: 0 })).to.throw(
      PermanentError,
      /maxAlbums/,
    );
  });

  it('is checked by the compiler too', () => {
    // @ts-expect-error: spotify.artist takes artistIds, not artistId
    expect(() => childJob(artistJob, { artistId: ARTIST })).to.throw(PermanentError);
    expect(() =>
      // @ts-expect-error: the param is trackDetails
      childJob(albumTracksJob, { albumIds: [ALBUM], trackDetail: true }),
    ).to.throw(PermanentError, /Unrecognized key/);
  });

  it("the chatbot's collect job is a checked spotify.artist_catalog; an unusable one is not published", async () => {
    const queue = new MemoryQueue();
    const logs = memorySink();
    const collect = queueCollect(
      async () => queue,
      new FakeClock('2026-11-20T10:00:00Z'),
      createLogger({ sink: logs.sink }),
    );
    expect(await collect({ id: ARTIST, name: 'BTS' })).to.equal('published');
    const [published] = queue.take();
    expect(parseJobMessage(catalog, published!.message).params).to.deep.include({
      artists: [{ name: 'BTS', id: ARTIST }],
      maxArtists: 1,
    });
    expect(await collect({ id: ARTIST, name: '   ' })).to.equal('failed');
    expect(queue.take()).to.deep.equal([]);
    expect(logs.entries().map((e) => e.message)).to.include(
      'collect job not published: invalid params',
    );
  });
});
