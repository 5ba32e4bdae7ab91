import { IBucketsApi } from '../api';
import { JobsModel, SessionStore } from '../jobs';
import { IJob } from '../tokens';
import { TransfersView } from '../widgets/transfers';
import { UploadQueue } from '../workflows/uploadQueue';
import { job, settle } from './fakes';

class MemorySession implements SessionStore {
  items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

function setup(listed: IJob[], session = new MemorySession()) {
  const resumed: string[] = [];
  const api = {
    listJobs: async () => listed,
    resumeJob: async (id: string) => {
      resumed.push(id);
      return job(`r-${id}`, { state: 'running', resumedFrom: id } as any);
    }
  } as unknown as IBucketsApi;
  const jobs = new JobsModel(api, session);
  const queue = new UploadQueue({
    upload: async () => job('u'),
    cancelJob: async () => undefined,
    ask: async () => null,
    report: { info: () => undefined, error: () => undefined }
  });
  const view = new TransfersView(jobs, queue);
  return { jobs, view, resumed, session };
}

const copied = (id: string, extra: Partial<IJob> = {}) =>
  job(id, {
    state: 'done',
    source: { root: 'scratch', path: `demo/${id}/` },
    target: { root: 'persistent', path: `demo/out/${id}/` },
    mode: 'copy',
    ...extra
  });

describe('the jobs pane', () => {
  it('starts collapsed when nothing runs and opens when a job starts', async () => {
    const { jobs, view } = setup([copied('a')]);
    await jobs.refresh();
    expect(view.collapsed).toBe(true);
    expect(view.node.textContent).toContain('Jobs · 1 finished');
    await jobs.resume('a');
    expect(view.collapsed).toBe(false);
    jobs.dispose();
  });

  it('clears finished jobs for the session, keeping running ones', async () => {
    const listed = [copied('a'), copied('b', { state: 'running' })];
    const { jobs, view, session } = setup(listed);
    await jobs.refresh();
    view.node
      .querySelector<HTMLButtonElement>('.jp-LeapBuckets-clearFinished')!
      .click();
    const rows = () =>
      [...view.node.querySelectorAll<HTMLElement>('[data-job]')].map(
        r => r.dataset.job
      );
    expect(rows()).toEqual(['b']);
    // A reload of the page in the same session keeps them cleared.
    const again = setup(listed, session);
    await again.jobs.refresh();
    expect(again.jobs.visible.map(j => j.id)).toEqual(['b']);
    expect(
      again.view.node.querySelector<HTMLElement>(
        '.jp-LeapBuckets-clearFinished'
      )!.hidden
    ).toBe(true);
    jobs.dispose();
    again.jobs.dispose();
  });

  it('shows a listing job as indeterminate, and a cancelled one what it left, with Delete… and Resume', async () => {
    const listing = copied('l', {
      state: 'running',
      listing: true,
      objectsDone: 708,
      objectsTotal: 725
    });
    const cancelled = copied('c', {
      state: 'cancelled',
      objectsDone: 12,
      objectsTotal: 40,
      targetCreated: true
    } as Partial<IJob>);
    const { jobs, view, resumed } = setup([listing, cancelled]);
    await jobs.refresh();
    const row = (id: string) =>
      view.node.querySelector<HTMLElement>(`[data-job="${id}"]`)!;
    expect(
      row('l').querySelector('.jp-LeapBuckets-progress')!.classList
    ).toContain('jp-mod-indeterminate');
    expect(row('l').textContent).toContain('Listing… 708 copied so far');
    expect(row('l').textContent).not.toContain('725');
    expect(row('c').textContent).toContain(
      '12 objects this job wrote are at persistent: demo/out/c/'
    );
    const deletes: unknown[] = [];
    view.deleteRequested.connect((_, place) => deletes.push(place));
    row('c').querySelector<HTMLButtonElement>('[data-delete-left]')!.click();
    expect(deletes).toEqual([{ root: 'persistent', path: 'demo/out/c/' }]);
    row('c').querySelector<HTMLButtonElement>('[data-resume]')!.click();
    await settle();
    expect(resumed).toEqual(['c']);
    jobs.dispose();
  });

  it('offers Reveal, not Delete, where deleting would take more than the job wrote', async () => {
    const into = copied('x', {
      state: 'failed',
      objectsDone: 3,
      targetCreated: false
    } as Partial<IJob>);
    const { jobs, view } = setup([into]);
    await jobs.refresh();
    const row = view.node.querySelector<HTMLElement>('[data-job="x"]')!;
    expect(row.querySelector('[data-delete-left]')).toBeNull();
    expect(row.textContent).toContain('held other objects');
    const revealed: unknown[] = [];
    view.revealRequested.connect((_, place) => revealed.push(place));
    row.querySelector<HTMLButtonElement>('[data-reveal]')!.click();
    row.querySelector<HTMLElement>('.jp-LeapBuckets-jobLabel')!.click();
    const place = {
      root: 'persistent',
      folder: 'demo/out/',
      select: 'demo/out/x/'
    };
    expect(revealed).toEqual([place, place]);
    jobs.dispose();
  });
});
