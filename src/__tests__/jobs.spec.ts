import { IBucketsApi } from '../api';
import { JobsModel } from '../jobs';
import { IJob } from '../tokens';

function job(id: string, state: IJob['state']): IJob {
  return {
    id,
    kind: 'transfer',
    label: id,
    state,
    objectsDone: 0,
    objectsTotal: 1,
    bytesDone: 0,
    bytesTotal: 1,
    error: null
  };
}

/** listJobs answers, in order, with what `answers` holds; each answer waits for release(). */
class SlowListing {
  answers: IJob[][] = [];
  waiting: (() => void)[] = [];
  api = {
    listJobs: () =>
      new Promise<IJob[]>(resolve => {
        const answer = this.answers.shift() ?? [];
        this.waiting.push(() => resolve(answer));
      }),
    startTransfer: async () => job('new', 'running')
  } as unknown as IBucketsApi;
  release(): void {
    this.waiting.shift()!();
  }
}

describe('JobsModel', () => {
  it('sees a job end even when a listing that began before the job started answers after it', async () => {
    const server = new SlowListing();
    const model = new JobsModel(server.api);
    const ended: string[] = [];
    model.ended.connect((_, j) => ended.push(j.id));
    server.answers = [[], [job('new', 'done')]];
    const early = model.refresh(); // on its way before the job exists
    await model.startTransfer({} as any);
    server.release(); // answers without the new job
    await early;
    expect(model.jobs.map(j => j.id)).toContain('new');
    const next = model.refresh();
    server.release(); // the job, done
    await next;
    expect(ended).toEqual(['new']);
    model.dispose();
  });

  it('resolves whenEnded once the job it waits for ends, not another', async () => {
    const server = new SlowListing();
    const model = new JobsModel(server.api);
    await model.startTransfer({} as any);
    let ended: IJob | null = null;
    void model.whenEnded('new').then(j => (ended = j));
    server.answers = [[job('new', 'running'), job('other', 'done')]];
    const first = model.refresh();
    server.release();
    await first;
    expect(ended).toBeNull();
    server.answers = [[job('new', 'done')]];
    const second = model.refresh();
    server.release();
    await second;
    await Promise.resolve();
    expect(ended).toMatchObject({ id: 'new', state: 'done' });
    expect(await model.whenEnded('new')).toMatchObject({ state: 'done' });
    model.dispose();
  });
});
