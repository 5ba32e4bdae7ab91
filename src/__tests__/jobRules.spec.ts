import {
  canResume,
  distinctTitles,
  isIndeterminate,
  JobInfo,
  jobTitle,
  leftover,
  listingText,
  revealPlace,
  shortPath
} from '../jobRules';
import { progressText } from '../transferRules';
import { job, persistent } from './fakes';

function transfer(extra: Partial<JobInfo> = {}): JobInfo {
  return job('t1', {
    source: { root: 'scratch', path: 'demo/run1/' },
    target: { root: 'persistent', path: 'demo/big/results/run1/' },
    mode: 'copy',
    ...extra
  }) as JobInfo;
}

describe('jobTitle and distinctTitles', () => {
  it('names the verb, the item and the last segments of where it lands', () => {
    expect(shortPath('demo/big/results/run1/')).toBe('…/big/results/run1/');
    expect(shortPath('demo/big/a.nc')).toBe('demo/big/a.nc');
    expect(jobTitle(transfer())).toBe(
      'Copy run1 → persistent: …/big/results/run1/'
    );
    expect(
      jobTitle(
        transfer({
          mode: 'move',
          source: { local: 'data/a.nc' },
          target: { root: 'scratch', path: 'demo/a.nc' }
        })
      )
    ).toBe('Move a.nc → scratch: demo/a.nc');
    expect(
      jobTitle(
        transfer({
          source: { root: 'scratch', path: 'demo/tiny.txt' },
          target: { local: 'out/tiny.txt' }
        })
      )
    ).toBe('Copy tiny.txt → workspace: out/tiny.txt');
    expect(
      jobTitle(
        job('d', {
          kind: 'delete',
          label: 'Delete gs://leap-scratch/demo/old/',
          source: { root: 'scratch', path: 'demo/old/' }
        })
      )
    ).toBe('Delete gs://leap-scratch/demo/old/');
    expect(jobTitle(transfer({ resumedFrom: 'x' }))).toMatch(/^Resume: Copy/);
  });

  it('never gives two jobs the same title', () => {
    const a = transfer({ startedAt: '2026-11-30T10:00:01Z' });
    const b = { ...a, id: 't2', startedAt: '2026-11-30T10:05:09Z' };
    const c = { ...a, id: 't3' }; // the same second as a
    const other = transfer({
      id: 't4',
      target: { root: 'persistent', path: 'demo/elsewhere/run1/' }
    } as Partial<JobInfo>);
    const titles = distinctTitles([a, b, c, other]);
    expect(new Set(titles.values()).size).toBe(4);
    expect(titles.get('t2')).toBe(
      'Copy run1 → persistent: …/big/results/run1/ · 10:05:09'
    );
    expect(titles.get('t4')).toBe(
      'Copy run1 → persistent: demo/elsewhere/run1/'
    );
  });
});

describe('progress while listing', () => {
  it('is indeterminate and says how many are copied so far, not "708 of 725+"', () => {
    const listing = transfer({
      listing: true,
      objectsDone: 708,
      objectsTotal: 725,
      bytesDone: 708,
      bytesTotal: 725
    });
    expect(isIndeterminate(listing)).toBe(true);
    expect(listingText(listing)).toBe('Listing… 708 copied so far');
    expect(listingText({ ...listing, mode: 'move' })).toBe(
      'Listing… 708 moved so far'
    );
    const listed = { ...listing, listing: false };
    expect(isIndeterminate(listed)).toBe(false);
    expect(progressText(listed)).toContain('708 of 725 objects');
    expect(isIndeterminate({ ...listing, state: 'cancelled' })).toBe(false);
  });
});

describe('leftover and canResume', () => {
  const cancelled = transfer({
    state: 'cancelled',
    objectsDone: 12,
    objectsTotal: 40,
    targetCreated: true
  });

  it('offers to delete a target folder the copy created, counting what it wrote', () => {
    const left = leftover(cancelled)!;
    expect(left.objects).toBe(12);
    expect(left.deletable).toEqual({
      root: 'persistent',
      path: 'demo/big/results/run1/'
    });
    expect(left.text).toBe(
      '12 objects this job wrote are at persistent: demo/big/results/run1/'
    );
    expect(canResume(cancelled)).toBe(true);
  });

  it('never offers a delete that would take more than the job wrote, and says why', () => {
    const existing = leftover({
      ...cancelled,
      targetCreated: false,
      objectsSkipped: 2
    })!;
    expect(existing.objects).toBe(10);
    expect(existing.deletable).toBeNull();
    expect(existing.why).toMatch(/held other objects/);
    const move = leftover({ ...cancelled, mode: 'move' })!;
    expect(move.deletable).toBeNull();
    expect(move.why).toMatch(/only copies/);
    const roots = [
      { ...persistent, deletable: 'demo/' },
      { ...persistent, id: 'ro', deletable: null }
    ];
    expect(leftover(cancelled, roots)!.deletable).not.toBeNull();
    const elsewhere = { ...cancelled, target: { root: 'ro', path: 'demo/x/' } };
    expect(leftover(elsewhere, roots)!.deletable).toBeNull();
    expect(leftover(elsewhere, roots)!.why).toMatch(/Deleting is off/);
    const outside = {
      ...cancelled,
      target: { root: 'persistent', path: 'bob/x/' }
    };
    expect(leftover(outside, roots)!.deletable).toBeNull();
    const disk = leftover({ ...cancelled, target: { local: 'out/run1/' } })!;
    expect(disk.deletable).toBeNull();
    expect(revealPlace({ ...cancelled, target: { local: 'out/run1/' } })).toBe(
      null
    );
  });

  it('has nothing to say of a job that wrote nothing, finished, or is no transfer', () => {
    expect(leftover({ ...cancelled, objectsDone: 0 })).toBeNull();
    expect(leftover({ ...cancelled, state: 'done' })).toBeNull();
    expect(leftover({ ...cancelled, state: 'running' })).toBeNull();
    expect(canResume({ ...cancelled, state: 'done' })).toBe(false);
    expect(canResume({ ...cancelled, kind: 'delete' })).toBe(false);
    expect(canResume({ ...cancelled, source: { upload: 'a.bin' } })).toBe(
      false
    );
  });

  it('reveals a target in its folder', () => {
    expect(revealPlace(cancelled)).toEqual({
      root: 'persistent',
      folder: 'demo/big/results/',
      select: 'demo/big/results/run1/'
    });
  });
});
