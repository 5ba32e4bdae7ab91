import { ApiError } from '../request';
import { IRoot, ITransferRequest } from '../tokens';
import {
  moveDestination,
  moveToPersistent,
  persistentRoot,
  whyNotMove
} from '../workflows/moveToPersistent';
import { TransferFlow } from '../workflows/transfer';
import { job, manual, persistent, scratch } from './fakes';

const roots = [scratch, persistent, manual];

function flow(taken: string[] = []) {
  const requests: ITransferRequest[] = [];
  const transfers = new TransferFlow({
    start: async request => {
      requests.push(request);
      const path = 'root' in request.source ? request.source.path : '';
      if (taken.includes(path) && request.conflict === 'fail') {
        throw new ApiError('conflict', `${path} is in persistent.`, 409);
      }
      return job(`j${requests.length}`);
    },
    ask: async () => 'rename',
    report: { info: () => undefined, error: () => undefined }
  });
  return { transfers, requests };
}

describe('move to persistent', () => {
  it('moves to the root named persistent, else a writable root that keeps things', () => {
    expect(persistentRoot(roots, scratch)?.id).toBe('persistent');
    const keep: IRoot = { ...persistent, id: 'keep' };
    expect(persistentRoot([scratch, keep, manual], scratch)?.id).toBe('keep');
    expect(persistentRoot([scratch, manual], scratch)).toBeNull();
  });

  it('keeps the place relative to the home', () => {
    expect(moveDestination(scratch, persistent, 'alice/run1/a.nc')).toEqual({
      root: 'persistent',
      path: 'alice/run1/'
    });
    expect(moveDestination(scratch, persistent, 'alice/run1/')).toEqual({
      root: 'persistent',
      path: 'alice/'
    });
    expect(
      moveDestination(
        scratch,
        { ...persistent, home: 'keep/alice/' },
        'alice/x.zarr/'
      )
    ).toEqual({ root: 'persistent', path: 'keep/alice/' });
  });

  it('says why it cannot move', () => {
    expect(whyNotMove(roots, persistent, ['alice/a'])).toMatch(
      /Only what expires/
    );
    expect(whyNotMove(roots, scratch, [])).toBe('Select what to move.');
    expect(whyNotMove(roots, scratch, ['bob/a'])).toBe(
      'You can move only what lies inside gs://leap-scratch/alice/.'
    );
    expect(whyNotMove([scratch], scratch, ['alice/a'])).toBe(
      'No persistent root is configured.'
    );
    expect(whyNotMove(roots, scratch, ['alice/a', 'alice/b/'])).toBe('');
  });

  it('starts one move job per item, into its place in persistent', async () => {
    const { transfers, requests } = flow();
    const { why, outcomes } = await moveToPersistent(
      transfers,
      roots,
      'scratch',
      ['alice/run1/a.nc', 'alice/ocean.zarr/']
    );
    expect(why).toBe('');
    expect(outcomes.map(o => o.job?.id)).toEqual(['j1', 'j2']);
    expect(requests).toEqual([
      {
        source: { root: 'scratch', path: 'alice/run1/a.nc' },
        target: { root: 'persistent', path: 'alice/run1/' },
        mode: 'move',
        conflict: 'fail'
      },
      {
        source: { root: 'scratch', path: 'alice/ocean.zarr/' },
        target: { root: 'persistent', path: 'alice/' },
        mode: 'move',
        conflict: 'fail'
      }
    ]);
  });

  it('asks when the item is already in persistent and moves with the answer', async () => {
    const { transfers, requests } = flow(['alice/a.nc']);
    await moveToPersistent(transfers, roots, 'scratch', ['alice/a.nc']);
    expect(requests.map(r => r.conflict)).toEqual(['fail', 'rename']);
  });

  it('starts nothing when it cannot move', async () => {
    const { transfers, requests } = flow();
    const { why, outcomes } = await moveToPersistent(
      transfers,
      roots,
      'scratch',
      ['bob/a.nc']
    );
    expect(why).toMatch(/only what lies inside/);
    expect(outcomes).toEqual([]);
    expect(requests).toEqual([]);
  });
});
