// The helpers mappers read raw lines with: context values, required context and lists,
// each counting what it cannot use as a malformed answer.
import { expect } from 'chai';
import {
  contextNumber,
  contextString,
  listIn,
  requiredContext,
  standardFields,
} from '../../functions/core/ingest.js';
import { QualityCounters } from '../../functions/platform/quality.js';
import type { RawLine } from '../../functions/platform/raw-landing.js';

const line = (context: Record<string, unknown>): RawLine => ({
  source: 's',
  entity: 'e',
  run_id: 'r',
  fetched_at: '2026-11-20T10:00:00.000Z',
  request: { method: 'GET', url: 'https://api.example/v1/things' },
  status: 200,
  context,
  body: {},
});

describe('ingest helpers', () => {
  it('reads context strings and numbers, with null and 0 for anything else', () => {
    const l = line({ a: 'x', n: 7, s: '7', empty: '' });
    expect([
      contextString(l, 'a'),
      contextString(l, 'n'),
      contextString(l, 'missing'),
    ]).to.deep.equal(['x', null, null]);
    expect([
      contextNumber(l, 'n'),
      contextNumber(l, 's'),
      contextNumber(l, 'missing'),
    ]).to.deep.equal([7, 0, 0]);
  });

  it('requires context values, counting a line without one (or with an empty one) as malformed', () => {
    const quality = new QualityCounters();
    expect(requiredContext(line({ a: 'x', b: 'y' }), ['a', 'b'], 't', quality)).to.deep.equal({
      a: 'x',
      b: 'y',
    });
    expect(requiredContext(line({ a: 'x' }), ['a', 'b'], 't', quality)).to.equal(null);
    expect(requiredContext(line({ a: '', b: 'y' }), ['a', 'b'], 't', quality, 'the show')).to.equal(
      null,
    );
    expect(quality.list()).to.deep.equal([
      { table: 't', check: 'malformed_answer', count: 2, sample: 'raw line without context.a/b' },
    ]);
    const other = new QualityCounters();
    requiredContext(line({}), ['a'], 't', other, 'the show');
    expect(other.list()[0]?.sample).to.equal('raw line without the show');
  });

  it('takes the list under a key, counting an answer without it as malformed', () => {
    const quality = new QualityCounters();
    expect(listIn({ items: [1, 2] }, 'items', line({}), 't', quality)).to.deep.equal([1, 2]);
    expect(listIn({ items: 'none' }, 'items', line({}), 't', quality)).to.deep.equal([]);
    expect(listIn(null, 'items', line({}), 't', quality)).to.deep.equal([]);
    expect(quality.list()).to.deep.equal([
      {
        table: 't',
        check: 'malformed_answer',
        count: 2,
        sample: 'https://api.example/v1/things: no items array',
      },
    ]);
  });

  it('stamps rows with the run time and id', () => {
    expect(
      standardFields({ runId: 'r-1', runTime: new Date('2026-11-20T10:00:00Z') }),
    ).to.deep.equal({
      collected_at: '2026-11-20T10:00:00.000Z',
      run_id: 'r-1',
    });
  });
});
