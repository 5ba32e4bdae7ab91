import { ApiError } from '../request';
import { IRoot, ITransferRequest } from '../tokens';
import {
  localPaths,
  pickableFolders,
  resultPlace,
  sendToBucket,
  targetFolder,
  toBucketEntries,
  whyNotToBucket,
  writableRoots
} from '../workflows/toBucket';
import { TransferFlow } from '../workflows/transfer';
import { entry, job, manual, persistent, scratch } from './fakes';

/** The OSN inbox for a user without OSN keys: listed, but read-only. */
const inboxWithoutKeys: IRoot = {
  ...manual,
  id: 'osn-inbox',
  label: 'OSN inbox',
  anonymous: false
};
const inbox: IRoot = {
  ...inboxWithoutKeys,
  writable: 'alice/',
  home: 'alice/'
};
const roots = [scratch, persistent, manual, inboxWithoutKeys];
const atHome = { root: scratch, path: 'alice/' };

function flow(taken: string[] = [], answer: 'rename' | null = 'rename') {
  const requests: ITransferRequest[] = [];
  const asked: string[] = [];
  const transfers = new TransferFlow({
    start: async request => {
      requests.push(request);
      const path = 'local' in request.source ? request.source.local : '';
      if (taken.includes(path) && request.conflict === 'fail') {
        throw new ApiError('conflict', `${path} is there already.`, 409);
      }
      return job(`j${requests.length}`);
    },
    ask: async question => {
      asked.push(question.message);
      return answer;
    },
    report: { info: () => undefined, error: () => undefined }
  });
  return { transfers, requests, asked };
}

describe('copy or move to a bucket', () => {
  it('offers the writable roots only, the OSN inbox once it has keys', () => {
    expect(writableRoots(roots).map(r => r.id)).toEqual([
      'scratch',
      'persistent'
    ]);
    expect(writableRoots([...roots.slice(0, 3), inbox]).map(r => r.id)).toEqual(
      ['scratch', 'persistent', 'osn-inbox']
    );
    const entries = toBucketEntries(roots, atHome, ['notebooks/a.nc'], 'copy');
    expect(entries.map(e => e.label)).toEqual(['Scratch', 'Persistent']);
  });

  it('names the local paths without drive or slashes', () => {
    expect(
      localPaths(['notebooks/a.nc', 'RTC:notebooks/run/', '/data', 'b:c/d'])
    ).toEqual(['notebooks/a.nc', 'notebooks/run', 'data', 'c/d']);
    expect(localPaths(['a/b:c'])).toEqual(['a/b:c']); // a colon in a name
  });

  it('targets the folder the panel shows in that root, if writable, else the home', () => {
    expect(targetFolder(scratch, { root: scratch, path: 'alice/run1/' })).toBe(
      'alice/run1/'
    );
    // The panel shows another root: this root's home.
    expect(
      targetFolder(persistent, { root: scratch, path: 'alice/run1/' })
    ).toBe('alice/');
    // The panel shows a folder outside the writable prefix: the home.
    expect(targetFolder(scratch, { root: scratch, path: 'bob/' })).toBe(
      'alice/'
    );
    expect(targetFolder(scratch, { root: null, path: '' })).toBe('alice/');
  });

  it('labels an entry by its root, and by its folder when not the home', () => {
    const [first, second] = toBucketEntries(
      roots,
      { root: scratch, path: 'alice/run1/' },
      ['notebooks/a.nc', 'notebooks/run'],
      'move'
    );
    expect(first).toEqual({
      root: 'scratch',
      path: 'alice/run1/',
      label: 'Scratch: alice/run1/',
      caption:
        'Move 2 items to gs://leap-scratch/alice/run1/; the local copy is removed once the job verified the objects',
      why: ''
    });
    expect(second.label).toBe('Persistent');
    expect(second.caption).toMatch(
      /^Move 2 items to gs:\/\/leap-persistent\/alice\/;/
    );
    const [copy] = toBucketEntries(roots, atHome, ['notebooks/a.nc'], 'copy');
    expect(copy.caption).toBe('Copy a.nc to gs://leap-scratch/alice/');
  });

  it('says why an entry cannot act', () => {
    expect(whyNotToBucket(scratch, 'alice/', [], 'copy')).toBe(
      'Select files or folders in the file browser to copy them.'
    );
    expect(whyNotToBucket(scratch, 'alice/', ['', 'a'], 'move')).toMatch(
      /top folder cannot go as a whole/
    );
    expect(whyNotToBucket(scratch, 'bob/', ['a'], 'copy')).toBe(
      'You can write only inside gs://leap-scratch/alice/.'
    );
    expect(whyNotToBucket(manual, '', ['a'], 'copy')).toBe(
      'OSN manual is read-only for you.'
    );
    expect(whyNotToBucket(undefined, '', ['a'], 'copy')).toMatch(
      /not configured/
    );
    expect(whyNotToBucket(scratch, 'alice/x/', ['a'], 'copy')).toBe('');
    const [disabled] = toBucketEntries(roots, atHome, [], 'copy');
    expect(disabled.caption).toBe(disabled.why);
    // Menus show no captions: the label says why too.
    expect(disabled.label).toBe(
      'Scratch (Select files or folders in the file browser to copy them)'
    );
  });

  it('starts one job per item into the target folder, in the mode asked', async () => {
    const { transfers, requests } = flow();
    const { why, outcomes } = await sendToBucket(
      transfers,
      roots,
      { root: scratch, path: 'alice/run1/' },
      ['notebooks/a.nc', 'notebooks/run'],
      'move',
      'scratch'
    );
    expect(why).toBe('');
    expect(outcomes.map(o => o.job?.id)).toEqual(['j1', 'j2']);
    expect(requests).toEqual([
      {
        source: { local: 'notebooks/a.nc' },
        target: { root: 'scratch', path: 'alice/run1/' },
        mode: 'move',
        conflict: 'fail'
      },
      {
        source: { local: 'notebooks/run' },
        target: { root: 'scratch', path: 'alice/run1/' },
        mode: 'move',
        conflict: 'fail'
      }
    ]);
  });

  it('goes to a chosen folder, and asks the conflict question', async () => {
    const { transfers, requests, asked } = flow(['notebooks/run']);
    const { outcomes } = await sendToBucket(
      transfers,
      roots,
      atHome,
      ['notebooks/run'],
      'copy',
      'persistent',
      'alice/keep/'
    );
    expect(asked).toEqual(['notebooks/run is there already.']);
    expect(requests.map(r => [r.target, r.conflict])).toEqual([
      [{ root: 'persistent', path: 'alice/keep/' }, 'fail'],
      [{ root: 'persistent', path: 'alice/keep/' }, 'rename']
    ]);
    expect(outcomes[0].job?.id).toBe('j2');
  });

  it('starts nothing where it may not write', async () => {
    const { transfers, requests } = flow();
    const chosen = await sendToBucket(
      transfers,
      roots,
      atHome,
      ['notebooks/a.nc'],
      'copy',
      'scratch',
      'bob/'
    );
    expect(chosen.why).toBe(
      'You can write only inside gs://leap-scratch/alice/.'
    );
    const readOnly = await sendToBucket(
      transfers,
      roots,
      atHome,
      ['notebooks/a.nc'],
      'copy',
      'osn-manual'
    );
    expect(readOnly.why).toMatch(/read-only/);
    expect(requests).toEqual([]);
  });

  it('offers folders, not stores or files, in the picker', () => {
    expect(
      pickableFolders([
        entry('alice/run/', 'directory'),
        entry('alice/o.zarr/', 'zarr'),
        entry('alice/a.nc')
      ]).map(e => e.path)
    ).toEqual(['alice/run/']);
  });

  it('shows the result of a finished job from the workspace', () => {
    const done = job('j', {
      state: 'done',
      source: { local: 'notebooks/run/' },
      target: { root: 'scratch', path: 'alice/run/' }
    });
    expect(resultPlace(done)).toEqual({
      root: 'scratch',
      folder: 'alice/',
      select: 'alice/run/'
    });
    expect(resultPlace({ ...done, state: 'failed' })).toBeNull();
    expect(
      resultPlace({ ...done, source: { root: 'scratch', path: 'alice/a' } })
    ).toBeNull();
    expect(resultPlace({ ...done, target: { local: 'x/' } })).toBeNull();
  });
});
