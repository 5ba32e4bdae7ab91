import { IBucketsApi } from '../api';
import { JobsModel } from '../jobs';
import { TransfersView } from '../widgets/transfers';
import { UploadQueue } from '../workflows/uploadQueue';
import { deferred, job, settle } from './fakes';

describe('TransfersView', () => {
  it('shows the files waiting in the upload queue, and its Cancel leaves them out', async () => {
    const jobs = new JobsModel({
      listJobs: async () => []
    } as unknown as IBucketsApi);
    const running = deferred<any>();
    const queue = new UploadQueue({
      parallel: 1,
      upload: async (file, target, conflict, onStart) => {
        onStart(job(`u-${file.name}`));
        return running.promise;
      },
      cancelJob: async () => undefined,
      ask: async () => null,
      report: { info: () => undefined, error: () => undefined }
    });
    const view = new TransfersView(jobs, queue);
    const all = queue.add(
      ['a', 'b', 'c'].map(name => ({
        file: new File(['x'], name),
        folder: ''
      })),
      { root: 'scratch', path: 'alice/' }
    );
    await settle();
    const waiting = view.node.querySelector('.jp-LeapBuckets-uploadsWaiting')!;
    expect(waiting.textContent).toContain('2 files waiting to upload');
    expect(waiting.textContent).toContain('b, c');
    waiting.querySelector<HTMLButtonElement>('button')!.click();
    await settle();
    expect(
      view.node.querySelector('.jp-LeapBuckets-uploadsWaiting')
    ).toBeNull();
    expect(queue.items.map(i => i.state)).toEqual([
      'uploading',
      'cancelled',
      'cancelled'
    ]);
    running.resolve(job('u-a', { state: 'running' }));
    await all;
    expect(queue.items[0].state).toBe('done');
    jobs.dispose();
  });
});
