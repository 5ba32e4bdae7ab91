import {
  formatRate,
  fractionDone,
  isActive,
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
