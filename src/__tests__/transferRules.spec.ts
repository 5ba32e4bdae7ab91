import {
  formatRate,
  fractionDone,
  isActive,
  jobSentence,
  placeWords,
  progressText,
  timeLeft,
  transferMode
} from '../transferRules';
import { IJob } from '../tokens';

function job(fields: Partial<IJob>): IJob {
  return {
    id: 'j',
    kind: 'transfer',
    label: 'Copy',
    state: 'running',
    objectsDone: 0,
    objectsTotal: null,
    bytesDone: 0,
    bytesTotal: null,
    error: null,
    rate: null,
    ...fields
  };
}

describe('transferMode', () => {
  it('moves within a root and copies across, the modifier switching', () => {
    expect(transferMode('scratch', 'scratch', false)).toBe('move');
    expect(transferMode('scratch', 'persistent', false)).toBe('copy');
    expect(transferMode('scratch', 'scratch', true)).toBe('copy');
    expect(transferMode('scratch', 'persistent', true)).toBe('move');
    expect(transferMode('', 'scratch', false)).toBe('copy'); // from the workspace disk
  });
});

describe('job progress', () => {
  it('is active only while queued or running', () => {
    expect(isActive(job({ state: 'queued' }))).toBe(true);
    expect(isActive(job({ state: 'running' }))).toBe(true);
    for (const state of ['done', 'failed', 'cancelled'] as const) {
      expect(isActive(job({ state }))).toBe(false);
    }
  });

  it('measures by bytes, else by objects, and a done job is whole', () => {
    expect(fractionDone(job({ bytesDone: 25, bytesTotal: 100 }))).toBe(0.25);
    expect(
      fractionDone(job({ objectsDone: 1, objectsTotal: 4, bytesTotal: 0 }))
    ).toBe(0.25);
    expect(fractionDone(job({}))).toBe(0);
    expect(
      fractionDone(job({ state: 'done', bytesTotal: 0, objectsTotal: 0 }))
    ).toBe(1);
  });

  it('says rate and time left', () => {
    expect(formatRate(12_300_000)).toBe('12.3 MB/s');
    expect(formatRate(null)).toBe('');
    expect(timeLeft(job({ bytesDone: 0, bytesTotal: 100e6, rate: 10e6 }))).toBe(
      '10 s left'
    );
    expect(timeLeft(job({ bytesDone: 0, bytesTotal: 6e9, rate: 10e6 }))).toBe(
      '10 min left'
    );
    expect(timeLeft(job({ bytesDone: 0, bytesTotal: 100e9, rate: 10e6 }))).toBe(
      '3 h left'
    );
    expect(timeLeft(job({ state: 'done', bytesTotal: 10, rate: 1 }))).toBe('');
  });

  it('reads as one line', () => {
    expect(
      progressText(
        job({
          objectsDone: 3,
          objectsTotal: 10,
          bytesDone: 1_200_000,
          bytesTotal: 5_000_000,
          rate: 2_000_000
        })
      )
    ).toBe('3 of 10 objects, 1.2 MB of 5.0 MB, 2.0 MB/s, 2 s left');
    expect(
      progressText(
        job({
          state: 'done',
          objectsDone: 2,
          objectsTotal: 2,
          bytesDone: 10,
          bytesTotal: 10,
          rate: 5
        })
      )
    ).toBe('2 of 2 objects, 10 B of 10 B');
  });

  it('says so while the objects are still being listed, with no time left that would be wrong', () => {
    const listing = {
      objectsDone: 3,
      objectsTotal: 1000,
      bytesDone: 1_200_000,
      bytesTotal: 5_000_000,
      rate: 2_000_000,
      listing: true
    };
    expect(progressText(job(listing))).toBe(
      '3 of 1000+ objects, 1.2 MB of 5.0 MB+, 2.0 MB/s, still listing'
    );
    expect(timeLeft(job(listing))).toBe('');
    expect(progressText(job({ ...listing, state: 'cancelled' }))).toBe(
      '3 of 1000 objects, 1.2 MB of 5.0 MB'
    );
  });
});

describe('job sentences say "the workspace", not local:', () => {
  const urlOf = (root: string) =>
    root === 'scratch' ? 'gs://leap-scratch/' : undefined;
  it.each([
    [{ local: '' }, 'the workspace'],
    [{ local: 'data/' }, 'the workspace folder data/'],
    [{ local: 'data/a.nc' }, 'data/a.nc in the workspace'],
    [{ root: 'scratch', path: 'alice/run/' }, 'gs://leap-scratch/alice/run/'],
    [{ upload: 'a.nc' }, 'a.nc']
  ])('%p -> %p', (place, words) => {
    expect(placeWords(place, urlOf)).toBe(words);
  });

  it('words a finished copy, move, failure and upload', () => {
    const copy = job({
      state: 'done',
      objectsDone: 3,
      source: { root: 'scratch', path: 'alice/run/' },
      target: { local: 'data/' },
      mode: 'copy'
    });
    expect(jobSentence(copy, urlOf)).toBe(
      'Copied 3 items from gs://leap-scratch/alice/run/ to the workspace folder data/.'
    );
    expect(
      jobSentence(
        {
          ...copy,
          mode: 'move',
          objectsDone: 1,
          objectsSkipped: 2,
          source: { local: 'data/a.nc' },
          target: { root: 'scratch', path: 'alice/' }
        },
        urlOf
      )
    ).toBe(
      'Moved 1 item from data/a.nc in the workspace to gs://leap-scratch/alice/; 2 already there, skipped.'
    );
    expect(
      jobSentence(
        {
          ...copy,
          state: 'failed',
          error: { code: 'conflict', message: 'It is there already.' }
        },
        urlOf
      )
    ).toBe(
      'Could not copy gs://leap-scratch/alice/run/ to the workspace folder data/: It is there already.'
    );
  });

  it('rewords local: in the labels of jobs without places', () => {
    const old = job({
      state: 'done',
      label: 'Copy gs://leap-scratch/a to local:notes/'
    });
    expect(jobSentence(old, urlOf)).toBe(
      'Copy gs://leap-scratch/a to the workspace folder notes/: done.'
    );
  });
});
