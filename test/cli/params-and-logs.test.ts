// Job parameters as the CLI shows and reads them (from each job's zod schema), the terminal
// log format, and the check that refuses to run a build older than its sources.
import { expect } from 'chai';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureFreshBuild, staleSource } from '../../functions/cli/freshness.js';
import {
  formatParams,
  jobParams,
  jobParamsFromCli,
  requireJob,
} from '../../functions/cli/job-params.js';
import { cliLogSink, readableLine } from '../../functions/cli/log-sink.js';
import { catalog } from '../../functions/sources/all.js';
import { createLogger } from '../../functions/platform/logger.js';
import { cli, lines } from './support.js';

function fakeStream(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (s: string) => (written.push(s), true) };
}

describe('CLI: job parameters, logs, build freshness', function () {
  this.timeout(60_000);

  it('describes every job parameter with its type, default and description', () => {
    const episodes = jobParams(requireJob('spotify.podcast_episodes'));
    const terms = episodes.find((p) => p.name === 'terms')!;
    expect(terms).to.include({ flag: '--terms', list: true, required: false });
    expect(terms.type).to.equal('list of string, at most 20');
    expect(terms.default).to.deep.equal(['Grupo Boticário']);
    const limit = jobParams(requireJob('spotify.podcast_shows')).find((p) => p.name === 'limit')!;
    expect(limit.type).to.equal('integer 1..1000');
    const fanOut = jobParams(requireJob('spotify.artist_albums')).find((p) => p.name === 'fanOut')!;
    expect(fanOut.type).to.equal('boolean');
    expect(fanOut.description).to.match(/album_tracks/);
    expect(formatParams(requireJob('spotify.artist_search'))).to.match(
      /--names <list of string, at most 50>\s+required/,
    );
    // Every job of the catalogue can be described (z.toJSONSchema accepts each schema).
    for (const job of catalog.jobs) expect(() => formatParams(job)).not.to.throw();
  });

  it('accepts a list as comma-separated text or JSON, and one item as plain text', () => {
    const job = requireJob('spotify.podcast_episodes');
    expect(jobParamsFromCli(job, { terms: 'Grupo Boticário' }).terms).to.deep.equal([
      'Grupo Boticário',
    ]);
    expect(jobParamsFromCli(job, { terms: 'a, b ,c' }).terms).to.deep.equal(['a', 'b', 'c']);
    expect(jobParamsFromCli(job, { terms: ['x,y'] }).terms).to.deep.equal(['x,y']);
    expect(() => jobParamsFromCli(job, { showNmae: 'x' })).to.throw(
      /no parameter --show-nmae \(did you mean --show-name\?\)/,
    );
  });

  it('`jobs` and `job <name> --help` print the parameters', async () => {
    const [list, help] = await Promise.all([
      cli(['jobs']),
      cli(['job', 'spotify.podcast_episodes', '--help']),
    ]);
    expect(list.code).to.equal(0);
    expect(list.stdout).to.match(
      /spotify\.podcast_shows[\s\S]*--limit <integer 1\.\.1000>\s+default 50/,
    );
    expect(list.stdout).to.match(/lists as a,b or as JSON/);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.match(/spotify\.podcast_episodes: Every episode/);
    expect(help.stdout).to.match(
      /--terms <list of string, at most 20>\s+default \["Grupo Boticário"\]/,
    );
  });

  it('--version prints the package version', async () => {
    const { code, stdout } = await cli(['--version']);
    expect(code).to.equal(0);
    expect(stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
  });

  it('on a terminal prints WARNING and above readably; everything at DEBUG; JSON otherwise', () => {
    const tty = fakeStream(true);
    const log = createLogger({ sink: cliLogSink({}, tty) });
    log.info('quiet');
    log.warn('Instagram knows no such hashtag; skipped', {
      hashtag: 'nope',
      error: new Error('x'),
    });
    expect(tty.written.join('')).not.to.include('quiet');
    expect(tty.written.join('')).to.include(
      'WARNING Instagram knows no such hashtag; skipped hashtag=nope error=x',
    );
    expect(tty.written.join('')).not.to.include('stack');

    const debug = fakeStream(true);
    createLogger({ sink: cliLogSink({ FANPULSE_LOG_LEVEL: 'DEBUG' }, debug) }).debug('detail');
    expect(debug.written.join('')).to.include('DEBUG detail');

    for (const [env, isTTY] of [
      [{}, false],
      [{ FANPULSE_LOG_FORMAT: 'json' }, true],
    ] as const) {
      const stream = fakeStream(isTTY);
      createLogger({ sink: cliLogSink(env, stream) }).info('as json', { n: 1 });
      expect(JSON.parse(stream.written.join(''))).to.include({ severity: 'INFO', n: 1 });
    }
    expect(readableLine('{"severity":"ERROR","message":"m","rows":{"a":1}}')).to.equal(
      'ERROR m rows={"a":1}',
    );
    expect(() => cliLogSink({ FANPULSE_LOG_FORMAT: 'xml' }, fakeStream(true))).to.throw(
      /FANPULSE_LOG_FORMAT must be text or json/,
    );
  });

  it('notices a source newer than its build, and refuses when it cannot rebuild', async () => {
    const root = await mkdtemp(join(tmpdir(), 'fanpulse-fresh-'));
    try {
      await mkdir(join(root, 'functions', 'cli'), { recursive: true });
      await mkdir(join(root, 'dist', 'functions', 'cli'), { recursive: true });
      await writeFile(join(root, 'functions', 'cli.ts'), '');
      await writeFile(join(root, 'functions', 'cli', 'a.ts'), '');
      await writeFile(join(root, 'dist', 'functions', 'cli.js'), '');
      expect(staleSource(root)).to.equal(join('functions', 'cli', 'a.ts'));
      await writeFile(join(root, 'dist', 'functions', 'cli', 'a.js'), '');
      const past = new Date(Date.now() - 60_000);
      await utimes(join(root, 'functions', 'cli.ts'), past, past);
      await utimes(join(root, 'functions', 'cli', 'a.ts'), past, past);
      expect(staleSource(root)).to.equal(null);
      expect(ensureFreshBuild(root, () => undefined)).to.equal(null);
      await utimes(join(root, 'dist', 'functions', 'cli', 'a.js'), new Date(0), new Date(0));
      const said: string[] = [];
      expect(ensureFreshBuild(root, (l) => said.push(l))).to.match(
        /functions\/cli\/a\.ts changed since the last build and TypeScript is not installed/,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('prints nothing but the result on stdout (logs go to stderr)', async () => {
    const { stdout, stderr } = await cli(['jobs'], { FANPULSE_LOG_LEVEL: 'DEBUG' });
    expect(lines(stdout)[0]).to.match(/^spotify\.podcast_shows/);
    expect(stderr).to.equal('');
  });
});
