import { ApiError } from '../request';
import { IDetails, IJob, ITransferRequest } from '../tokens';
import { MoveUndo } from '../workflows/moveUndo';
import { deferred, job, persistent, scratch, settle } from './fakes';

/** A finished move of alice/a.nc (5 bytes) into alice/out/. */
function moved(extra: Partial<IJob> = {}): IJob {
  return job('m1', {
    state: 'done',
    mode: 'move',
    conflict: 'fail',
    source: { root: 'scratch', path: 'alice/a.nc' },
    target: { root: 'scratch', path: 'alice/out/a.nc' },
    objectsDone: 1,
    bytesDone: 5,
    ...extra
  });
}

function file(extra: Partial<IDetails> = {}): IDetails {
  return {
    name: 'a.nc',
    path: 'alice/out/a.nc',
    url: 'gs://leap-scratch/alice/out/a.nc',
    size: 5,
    modified: '2026-11-30T10:00:00Z',
    etag: 'e1',
    generation: '1',
    md5: 'm1',
    ...extra
  };
}

/** `answers` are what details says, one per read, in turn (an Error is thrown). */
function setup(answers: (IDetails | Error)[], start?: () => Promise<IJob>) {
  const requests: ITransferRequest[] = [];
  const said: string[] = [];
  const reads: string[] = [];
  const undo = new MoveUndo({
    roots: () => [scratch, persistent],
    details: async (root, path) => {
      reads.push(`${root}:${path}`);
      const answer = answers.shift();
      if (!answer) {
        throw new Error('no more answers');
      }
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    },
    start: async request => {
      requests.push(request);
      return start ? start() : job('back1', { state: 'queued' });
    },
    report: {
      info: m => said.push(`info: ${m}`),
      warning: m => said.push(`warning: ${m}`),
      error: m => said.push(`error: ${m}`)
    }
  });
  return { undo, requests, said, reads };
}

const gone = () => new ApiError('not-found', 'There is no object.', 404);

describe('MoveUndo', () => {
  it('reads what the move wrote as it ends, and moves it back when nothing changed', async () => {
    const { undo, requests, said, reads } = setup([file(), file()]);
    expect(undo.offer(moved())).toBe(true);
    expect(reads).toEqual(['scratch:alice/out/a.nc']); // at once, not on Undo
    const back = await undo.undo('m1');
    expect(back?.id).toBe('back1');
    expect(requests).toEqual([
      {
        source: { root: 'scratch', path: 'alice/out/a.nc' },
        target: { root: 'scratch', path: 'alice/a.nc' },
        mode: 'move',
        conflict: 'fail'
      }
    ]);
    expect(said).toEqual([]);
    expect(undo.isUndo('back1')).toBe(true);
    expect(undo.isUndo('m1')).toBe(false);
    // The move back offers no Undo of its own, and the move is undone once only.
    expect(undo.offer(moved({ id: 'back1' }))).toBe(false);
    expect(await undo.undo('m1')).toBeNull();
    expect(requests).toHaveLength(1);
  });

  it('offers no Undo where the rules say no, and reads nothing then', () => {
    const { undo, reads } = setup([]);
    expect(undo.offer(moved({ mode: 'copy' }))).toBe(false);
    expect(undo.offer(moved({ conflict: 'overwrite' }))).toBe(false);
    expect(reads).toEqual([]);
  });

  it('refuses once the object was written again, and moves nothing', async () => {
    const { undo, requests, said } = setup([
      file(),
      file({ modified: '2026-11-30T10:05:00Z', etag: 'e2', generation: '2' })
    ]);
    undo.offer(moved());
    expect(await undo.undo('m1')).toBeNull();
    expect(requests).toEqual([]);
    expect(said).toEqual([
      'warning: Undo not done: alice/out/a.nc was changed after the move. Nothing was moved back or overwritten.'
    ]);
  });

  it('refuses when the object is gone, or grew', async () => {
    const a = setup([file(), gone()]);
    a.undo.offer(moved());
    await a.undo.undo('m1');
    expect(a.said[0]).toContain('alice/out/a.nc is no longer there.');
    const b = setup([file(), file({ size: 9 })]);
    b.undo.offer(moved());
    await b.undo.undo('m1');
    expect(b.said[0]).toContain('is 9 B now, not 5 B');
    expect([...a.requests, ...b.requests]).toEqual([]);
  });

  it('refuses when what it found as the move ended is not what the move wrote', async () => {
    const { undo, requests, said } = setup([
      file({ size: 6 }),
      file({ size: 6 })
    ]);
    undo.offer(moved());
    await undo.undo('m1');
    expect(requests).toEqual([]);
    expect(said[0]).toContain('was written to while it was moved');
  });

  it('refuses, saying so, when something is at the original place again', async () => {
    const { undo, said } = setup([file(), file()], async () => {
      throw new ApiError(
        'conflict',
        'gs://leap-scratch/alice/a.nc exists already.',
        409
      );
    });
    undo.offer(moved());
    expect(await undo.undo('m1')).toBeNull();
    expect(said).toEqual([
      'warning: Undo not done: alice/out/a.nc stays: something is at alice/a.nc again. Nothing was moved back or overwritten.'
    ]);
    // Not undone: a later try (after the user cleared the way) checks again.
    expect(undo.isUndo('back1')).toBe(false);
  });

  it('reports other failures as errors, and failed reads as refusals', async () => {
    const a = setup([file(), file()], async () => {
      throw new ApiError(
        'outside-home',
        'You can write only inside alice/.',
        403
      );
    });
    a.undo.offer(moved());
    await a.undo.undo('m1');
    expect(a.said).toEqual([
      'error: Undo not done: You can write only inside alice/. Nothing was moved back.'
    ]);
    const b = setup([
      file(),
      new ApiError('network', 'The server did not answer.', 0)
    ]);
    b.undo.offer(moved());
    await b.undo.undo('m1');
    expect(b.said[0]).toContain(
      'could not be read to check it: The server did not answer.'
    );
    expect(b.requests).toEqual([]);
  });

  it('starts one move back however often Undo is clicked while it checks', async () => {
    const held = deferred<IJob>();
    const { undo, requests } = setup([file(), file()], () => held.promise);
    undo.offer(moved());
    const first = undo.undo('m1');
    const second = undo.undo('m1');
    await settle();
    held.resolve(job('back1'));
    expect((await first)?.id).toBe('back1');
    expect(await second).toBeNull();
    expect(requests).toHaveLength(1);
  });

  it('says Undo cannot be done for a move it does not know', async () => {
    const { undo, said } = setup([]);
    expect(await undo.undo('unknown')).toBeNull();
    expect(said[0]).toMatch(
      /^warning: Undo not done: .*Nothing was moved back\./
    );
  });
});
