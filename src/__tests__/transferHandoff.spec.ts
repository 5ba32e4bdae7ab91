import {
  checkedText,
  handoffJobTitle,
  handoffJobWhat,
  handoffStatusText
} from '../handoffFollowRules';
import { IHandoffApi } from '../handoffApi';
import { HandoffsModel } from '../handoffs';
import { IHandoff, IHandoffRecord, IRoot } from '../tokens';
import {
  conflictNote,
  handoffConflict,
  handoffTargetRoots,
  jobHandoff,
  runningJobNote,
  whyNotHandoffSource,
  whyNotHandoffTarget
} from '../transferHandoffRules';
import { HandoffBody } from '../widgets/handoffDialog';
import {
  handOff,
  IHandoffDependencies,
  prepareAndHandOff
} from '../workflows/handoff';
import { ApiError } from '../request';
import { entry, job, manual, persistent, scratch } from './fakes';

const AT = { objects: 1000, bytes: 10_000 };
const ROOTS = [scratch, persistent, manual];
const readOnlyGcs: IRoot = {
  ...persistent,
  id: 'public',
  bucket: 'leap-public',
  url: 'gs://leap-public/',
  writable: null,
  deletable: null
};

const prepared: IHandoff = {
  service: 'Storage Transfer Service',
  name: 'transferJobs/leap-buckets-alice-20261130-210500-abcdef',
  request: { method: 'POST', url: 'https://x/v1/transferJobs', body: {} },
  gcloud:
    'gcloud transfer jobs create gs://leap-scratch/alice/run/ gs://leap-persistent/alice/run/',
  cost: { lines: [], totalUsd: null, note: '' },
  objects: null,
  bytes: null,
  manifest: null,
  follow:
    'gcloud transfer operations list --job-names=transferJobs/leap-buckets-alice-20261130-210500-abcdef',
  source: 'gs://leap-scratch/alice/run/',
  target: 'gs://leap-persistent/alice/run/'
};

const record: IHandoffRecord = {
  id: 'leap-buckets-alice-20261130-210500-abcdef',
  name: prepared.name,
  kind: 'transfer',
  service: prepared.service,
  project: 'leap-pangeo',
  source: prepared.source!,
  target: prepared.target!,
  manifest: null,
  objects: 2_000_000,
  bytes: null,
  gcloud: prepared.gcloud,
  follow: prepared.follow,
  createdAt: '2026-11-30T21:05:00Z',
  followedAt: '2026-11-30T21:06:00Z'
};

describe('transferHandoffRules: where the panel offers the transfer hand-off', () => {
  it('offers GCS roots the user may write in as targets, never OSN or read-only ones', () => {
    expect(handoffTargetRoots([...ROOTS, readOnlyGcs]).map(r => r.id)).toEqual([
      'scratch',
      'persistent'
    ]);
  });

  it('offers it on one GCS folder or store; a move only where the user may delete', () => {
    const folder = [entry('alice/run/', 'directory')];
    expect(whyNotHandoffSource(scratch, folder, 'copy', ROOTS)).toBe('');
    expect(
      whyNotHandoffSource(
        scratch,
        [entry('alice/s.zarr/', 'zarr')],
        'move',
        ROOTS
      )
    ).toBe('');
    expect(whyNotHandoffSource(null, folder, 'copy', ROOTS)).toMatch(/root/);
    expect(whyNotHandoffSource(manual, folder, 'copy', ROOTS)).toMatch(
      /between GCS buckets/
    );
    expect(
      whyNotHandoffSource(scratch, [entry('alice/a.nc')], 'copy', ROOTS)
    ).toMatch(/one folder/);
    expect(whyNotHandoffSource(scratch, [], 'copy', ROOTS)).toMatch(
      /one folder/
    );
    expect(
      whyNotHandoffSource(
        scratch,
        [entry('bob/run/', 'directory')],
        'copy',
        ROOTS
      )
    ).toBe(''); // reading is allowed
    expect(
      whyNotHandoffSource(
        scratch,
        [entry('bob/run/', 'directory')],
        'move',
        ROOTS
      )
    ).toMatch(/yours to delete, inside gs:\/\/leap-scratch\/alice\//);
    expect(whyNotHandoffSource(readOnlyGcs, folder, 'move', ROOTS)).toMatch(
      /can only be copied/
    );
    expect(whyNotHandoffSource(scratch, folder, 'copy', [manual])).toMatch(
      /No GCS bucket/
    );
  });

  it('lets the picker choose only folders the guard would allow', () => {
    const source = { root: scratch, path: 'alice/run/' };
    expect(whyNotHandoffTarget(source, persistent, 'alice/')).toBe('');
    expect(whyNotHandoffTarget(source, persistent, 'alice/deep/er/')).toBe('');
    expect(whyNotHandoffTarget(source, persistent, 'bob/')).toMatch(
      /write only inside gs:\/\/leap-persistent\/alice\//
    );
    expect(whyNotHandoffTarget(source, persistent, '')).toMatch(/write only/);
    expect(whyNotHandoffTarget(source, manual, '')).toMatch(/only into GCS/);
    expect(whyNotHandoffTarget(source, readOnlyGcs, '')).toMatch(/read-only/);
    expect(whyNotHandoffTarget(source, undefined, '')).toMatch(/loading/);
    // Into itself, or onto itself, in the same bucket.
    expect(whyNotHandoffTarget(source, scratch, 'alice/run/')).toMatch(
      /onto or into itself/
    );
    expect(whyNotHandoffTarget(source, scratch, 'alice/')).toMatch(
      /onto or into itself/
    );
    expect(whyNotHandoffTarget(source, scratch, 'alice/other/')).toBe('');
  });
});

describe('transferHandoffRules: a running job past the threshold', () => {
  const running = job('j1', {
    source: { root: 'scratch', path: 'alice/run/' },
    target: { root: 'persistent', path: 'alice/results/run/' },
    mode: 'copy',
    conflict: 'fail',
    objectsDone: 400,
    objectsTotal: 1500,
    bytesDone: 10,
    bytesTotal: 20
  });

  it('offers the same source and target folder, the job’s own objects skipped', () => {
    const offer = jobHandoff(running, ROOTS, AT);
    expect(offer).toEqual({
      request: {
        source: { root: 'scratch', path: 'alice/run/' },
        target: { root: 'persistent', path: 'alice/results/' },
        mode: 'copy',
        conflict: 'skip',
        objects: 1500,
        bytes: 20
      }
    });
  });

  it('counts bytes too, and leaves counts out of the estimate while the job lists', () => {
    const listing = {
      ...running,
      objectsTotal: 3,
      bytesTotal: 50_000,
      listing: true
    };
    const offer = jobHandoff(listing, ROOTS, AT);
    expect(offer && 'request' in offer && offer.request.objects).toBe(
      undefined
    );
  });

  it('offers nothing below the threshold, when not running, outside GCS, or for a file', () => {
    expect(
      jobHandoff({ ...running, objectsTotal: 999, objectsDone: 5 }, ROOTS, AT)
    ).toBeNull();
    expect(jobHandoff(running, ROOTS, null)).toBeNull();
    expect(jobHandoff({ ...running, state: 'done' }, ROOTS, AT)).toBeNull();
    expect(jobHandoff({ ...running, kind: 'delete' }, ROOTS, AT)).toBeNull();
    expect(
      jobHandoff(
        { ...running, target: { root: 'osn-manual', path: 'x/run/' } },
        ROOTS,
        AT
      )
    ).toBeNull();
    expect(
      jobHandoff({ ...running, target: { local: 'run' } }, ROOTS, AT)
    ).toBeNull();
    expect(
      jobHandoff(
        { ...running, source: { root: 'scratch', path: 'alice/a.nc' } },
        ROOTS,
        AT
      )
    ).toBeNull();
  });

  it('shows the button off, with the reason, where the service cannot do the same', () => {
    expect(jobHandoff({ ...running, conflict: 'rename' }, ROOTS, AT)).toEqual({
      why: expect.stringMatching(/never renames/)
    });
    expect(
      jobHandoff(
        {
          ...running,
          target: { root: 'persistent', path: 'alice/other-name/' }
        },
        ROOTS,
        AT
      )
    ).toEqual({ why: expect.stringMatching(/keeps the name/) });
  });

  it('maps what the job does with existing objects; says what happens to the job here', () => {
    expect(handoffConflict('fail')).toBe('skip');
    expect(handoffConflict(undefined)).toBe('skip');
    expect(handoffConflict('update')).toBe('update');
    expect(handoffConflict('overwrite')).toBe('overwrite');
    expect(handoffConflict('rename')).toBeNull();
    expect(conflictNote('skip')).toMatch(/skipped, never replaced/);
    expect(conflictNote('update')).toMatch(/where they differ/);
    const note = runningJobNote(running);
    expect(note).toMatch(/keeps running until you cancel it/);
    expect(note).toMatch(/400 objects so far/);
  });
});

describe('the hand-off dialog and its follow', () => {
  it('says what is copied where, and what happens to the running job', () => {
    const body = new HandoffBody(prepared, {
      conflict: conflictNote('skip'),
      runningJob: 'It keeps running here.'
    });
    const text = body.node.textContent!;
    expect(text).toMatch(/Nothing has been copied/);
    expect(text).toContain(
      'gs://leap-scratch/alice/run/ into gs://leap-persistent/alice/run/'
    );
    expect(text).toMatch(/skipped, never replaced/);
    expect(
      body.node.querySelector('.jp-LeapBuckets-handoffRunning')!.textContent
    ).toBe('It keeps running here.');
  });

  function deps(
    choice: 'follow' | 'close',
    follow: IHandoffDependencies['follow']
  ): IHandoffDependencies & { said: string[]; offered: boolean[] } {
    const said: string[] = [];
    const offered: boolean[] = [];
    return {
      said,
      offered,
      ask: async (_h, _n, canFollow) => {
        offered.push(canFollow);
        return choice;
      },
      follow,
      report: {
        info: m => said.push(`info: ${m}`),
        error: m => said.push(`error: ${m}`)
      }
    };
  }

  it('follows the job only when the user asks, and says where', async () => {
    const followed: string[] = [];
    const follow = async (h: IHandoff) => followed.push(h.name);
    const closed = deps('close', follow);
    expect(await handOff(closed, prepared)).toBe(false);
    expect(followed).toEqual([]);
    const asked = deps('follow', follow);
    expect(await handOff(asked, prepared)).toBe(true);
    expect(followed).toEqual([prepared.name]);
    expect(asked.said[0]).toMatch(
      /^info: The jobs pane follows transferJobs\//
    );
    // No follow available: the button is not offered.
    const none = deps('follow', null);
    expect(await handOff(none, prepared)).toBe(false);
    expect(none.offered).toEqual([false]);
  });

  it('a hand-off the server refuses shows nothing and reports its message', async () => {
    const followed: string[] = [];
    const refused = deps('follow', async h => followed.push(h.name));
    const guard = new ApiError(
      'outside-home',
      'You can write only inside gs://leap-persistent/alice/; choose a folder there.',
      403
    );
    expect(await prepareAndHandOff(refused, () => Promise.reject(guard))).toBe(
      false
    );
    expect(refused.offered).toEqual([]); // no dialog
    expect(refused.said).toEqual([
      'error: Not handed off: You can write only inside gs://leap-persistent/alice/; choose a folder there.'
    ]);
    const prepared2 = deps('close', null);
    expect(await prepareAndHandOff(prepared2, async () => prepared)).toBe(
      false
    );
    expect(prepared2.offered).toEqual([false]); // shown
  });

  it('a refused follow says so, with the command to follow it by hand', async () => {
    const refused = deps('follow', async () => {
      throw new Error('This server prepared no hand-off x.');
    });
    expect(await handOff(refused, prepared)).toBe(false);
    expect(refused.said[0]).toContain('prepared no hand-off');
    expect(refused.said[0]).toContain(prepared.follow);
  });
});

describe('followed hand-offs in the jobs pane', () => {
  it('names the job and what it does', () => {
    expect(handoffJobTitle(record)).toBe(
      'Handed off: Storage Transfer job transferJobs/leap-buckets-alice-20261130-210500-abcdef'
    );
    expect(handoffJobWhat(record)).toBe(
      'gs://leap-scratch/alice/run/ → gs://leap-persistent/alice/run/ (2,000,000 objects)'
    );
    const deleting = {
      ...record,
      kind: 'delete' as const,
      target: null,
      manifest: 'gs://leap-scratch/alice/m.csv'
    };
    expect(handoffJobTitle(deleting)).toMatch(
      /^Handed off: batch operations delete job leap-buckets-alice-/
    );
    expect(handoffJobWhat(deleting)).toContain(
      'from the manifest gs://leap-scratch/alice/m.csv'
    );
  });

  it('reads Google’s answer as the pane does jobs', () => {
    const checkedAt = '2026-11-30T21:07:00Z';
    expect(
      handoffStatusText({
        state: 'running',
        objectsDone: 1500,
        objectsTotal: 2_000_000,
        bytesDone: 0,
        bytesTotal: null,
        checkedAt
      })
    ).toBe('Running at Google · 1,500 of 2,000,000 objects, 0 B');
    expect(
      handoffStatusText({
        state: 'failed',
        objectsDone: 7,
        objectsFailed: 3,
        checkedAt
      })
    ).toBe('Failed at Google · 7 objects, 3 failed');
    expect(
      handoffStatusText({
        state: 'not-started',
        message: 'Google has no such job.',
        checkedAt
      })
    ).toBe('Not at Google · Google has no such job.');
    expect(checkedText({ state: 'done', checkedAt })).toMatch(/^checked /);
  });

  it('keeps the server’s message when Google could not be asked, and forgets on request', async () => {
    const calls: string[] = [];
    const api: IHandoffApi = {
      handoffTransfer: async () => prepared,
      follow: async () => record,
      list: async () => [record],
      status: async id => {
        calls.push(`status ${id}`);
        if (calls.length === 1) {
          throw new Error(
            'This server has no Google credentials; run `gcloud …` instead.'
          );
        }
        return { ...record, status: { state: 'done', checkedAt: 'x' } };
      },
      forget: async id => {
        calls.push(`forget ${id}`);
      }
    };
    const model = new HandoffsModel(api);
    await model.refresh();
    expect(model.items).toEqual([record]);
    const checking = model.checkStatus(record.id);
    expect(model.check(record.id).checking).toBe(true);
    await checking;
    expect(model.check(record.id)).toEqual({
      checking: false,
      status: null,
      error: 'This server has no Google credentials; run `gcloud …` instead.'
    });
    await model.checkStatus(record.id);
    expect(model.check(record.id).status?.state).toBe('done');
    expect(model.check(record.id).error).toBe('');
    await model.forget(record.id);
    expect(model.items).toEqual([]);
    expect(calls).toEqual([
      `status ${record.id}`,
      `status ${record.id}`,
      `forget ${record.id}`
    ]);
  });
});
