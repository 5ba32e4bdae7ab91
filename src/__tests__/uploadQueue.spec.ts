import { ApiError } from '../request';
import { ConflictPolicy, IJob } from '../tokens';
import { IConflictQuestion } from '../workflows/transfer';
import { UploadQueue } from '../workflows/uploadQueue';
import { deferred, job, settle } from './fakes';

function file(name: string, size = 10): File {
  return new File([new Uint8Array(size)], name);
}

interface ICall {
  name: string;
  path: string;
  conflict: ConflictPolicy;
  /** Lets the upload finish (with the job's state) or fail. */
  finish: (state?: IJob['state']) => void;
  fail: (error: unknown) => void;
  sent: (bytes: number) => void;
}

/** An uploader whose uploads wait until the test finishes them. */
function setup(options: { parallel?: number; taken?: string[] } = {}) {
  const calls: ICall[] = [];
  const cancelled: string[] = [];
  const questions: IConflictQuestion[] = [];
  const answers: ReturnType<typeof deferred<any>>[] = [];
  const errors: string[] = [];
  const queue = new UploadQueue({
    parallel: options.parallel ?? 2,
    upload: async (f, target, conflict, onStart, onSent) => {
      if (options.taken?.includes(f.name) && conflict === 'fail') {
        throw new ApiError('conflict', `${f.name} is already there.`, 409);
      }
      const id = `u-${f.name}-${conflict}`;
      onStart(job(id));
      const done = deferred<IJob>();
      calls.push({
        name: f.name,
        path: target.path,
        conflict,
        finish: (state = 'running') => done.resolve(job(id, { state })),
        fail: error => done.reject(error),
        sent: onSent
      });
      return done.promise;
    },
    cancelJob: async id => {
      cancelled.push(id);
      calls.find(c => id === `u-${c.name}-${c.conflict}`)?.finish('cancelled');
    },
    ask: question => {
      questions.push(question);
      const answer = deferred<any>();
      answers.push(answer);
      return answer.promise;
    },
    report: { info: () => undefined, error: m => errors.push(m) }
  });
  const states = () => queue.items.map(i => `${i.name}:${i.state}`);
  return { queue, calls, cancelled, questions, answers, errors, states };
}

const target = { root: 'scratch', path: 'alice/in/' };

describe('UploadQueue', () => {
  it('uploads a few at a time, the rest queued, each into its folder', async () => {
    const { queue, calls, states } = setup({ parallel: 2 });
    const all = queue.add(
      [
        { file: file('a'), folder: '' },
        { file: file('b'), folder: 'sub/' },
        { file: file('c'), folder: 'sub/deeper/' }
      ],
      target
    );
    await settle();
    expect(states()).toEqual(['a:uploading', 'b:uploading', 'c:queued']);
    expect(queue.pending).toBe(3);
    calls[0].finish();
    await settle();
    expect(states()).toEqual(['a:done', 'b:uploading', 'c:uploading']);
    calls[1].finish();
    calls[2].finish();
    const items = await all;
    expect(items.map(i => i.state)).toEqual(['done', 'done', 'done']);
    expect(calls.map(c => c.path)).toEqual([
      'alice/in/',
      'alice/in/sub/',
      'alice/in/sub/deeper/'
    ]);
    expect(queue.pending).toBe(0);
  });

  it('keeps a failure to its item and goes on with the others', async () => {
    const { queue, calls, errors, states } = setup({ parallel: 1 });
    const all = queue.add(
      [
        { file: file('bad'), folder: '' },
        { file: file('good'), folder: '' }
      ],
      target
    );
    await settle();
    calls[0].fail(new ApiError('storage-error', 'The bucket refused.', 502));
    await settle();
    expect(states()).toEqual(['bad:failed', 'good:uploading']);
    calls[1].finish();
    await all;
    expect(states()).toEqual(['bad:failed', 'good:done']);
    expect(queue.items[0].error).toBe('The bucket refused.');
    expect(errors).toEqual(['bad: The bucket refused.']);
  });

  it('follows the bytes the server has', async () => {
    const { queue, calls } = setup();
    void queue.add([{ file: file('a', 100), folder: '' }], target);
    await settle();
    calls[0].sent(40);
    expect(queue.items[0].sent).toBe(40);
    expect(queue.items[0].job?.id).toBe('u-a-fail');
  });

  it('asks one conflict question at a time and uploads with each answer', async () => {
    const { queue, calls, questions, answers, states } = setup({
      taken: ['a', 'b']
    });
    const all = queue.add(
      [
        { file: file('a'), folder: '' },
        { file: file('b'), folder: '' }
      ],
      target
    );
    await settle();
    expect(questions.map(q => q.message)).toEqual(['a is already there.']);
    answers[0].resolve('overwrite');
    await settle();
    expect(questions.map(q => q.message)).toEqual([
      'a is already there.',
      'b is already there.'
    ]);
    answers[1].resolve('skip');
    await settle();
    expect(calls.map(c => `${c.name}:${c.conflict}`)).toEqual(['a:overwrite']);
    calls[0].finish();
    await all;
    expect(states()).toEqual(['a:done', 'b:skipped']);
  });

  it('leaves a file out when the question is cancelled', async () => {
    const { queue, calls, answers, states } = setup({ taken: ['a'] });
    const all = queue.add([{ file: file('a'), folder: '' }], target);
    await settle();
    answers[0].resolve(null);
    await all;
    expect(calls).toHaveLength(0);
    expect(states()).toEqual(['a:skipped']);
  });

  it('cancels a queued file before it starts and a running one through its job', async () => {
    const { queue, calls, cancelled, states } = setup({ parallel: 1 });
    const all = queue.add(
      [
        { file: file('a'), folder: '' },
        { file: file('b'), folder: '' }
      ],
      target
    );
    await settle();
    await queue.cancel(queue.items[1].id);
    expect(states()).toEqual(['a:uploading', 'b:cancelled']);
    await queue.cancel(queue.items[0].id);
    await all;
    expect(cancelled).toEqual(['u-a-fail']);
    expect(states()).toEqual(['a:cancelled', 'b:cancelled']);
    expect(calls.map(c => c.name)).toEqual(['a']);
  });
});
