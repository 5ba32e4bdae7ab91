/**
 * The Space Used views in the main area ("Space Used: Scratch / alice"), one per root
 * and folder (opening it again shows the open one), and the command that opens them.
 * A row's Delete… is the panel's delete (plan → confirm → job, workflows/deletePlan.ts)
 * and its Move to Persistent… the panel's move (persistentMoves.ts); a view scans again
 * once a job that changed its root has ended.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  Notification
} from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { PALETTE_CATEGORY } from './commands';
import { bucketIcon } from './icons';
import { JobsModel } from './jobs';
import { BucketBrowserModel } from './model';
import { PersistentMoves } from './persistentMoves';
import { IJob } from './tokens';
import { fetchUsage, FetchUsage, UsageModel } from './usageModel';
import { measurableRoots, usageTitle, whereToMeasure } from './usageRules';
import { UsageView } from './widgets/usageView';
import { deleteItem } from './workflows/deleteItem';

export const SHOW_SPACE_USED = 'leap-buckets:show-space-used';

export interface IUsageViewsDeps {
  api: IBucketsApi;
  model: BucketBrowserModel;
  jobs: JobsModel;
  moves: PersistentMoves;
  /** Show the panel's jobs view (a delete or move started). */
  showJobs(): void;
  fetch?: FetchUsage;
}

export class UsageViews {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly deps: IUsageViewsDeps
  ) {
    this._fetch = deps.fetch ?? fetchUsage();
    deps.jobs.ended.connect((_, job) => this._jobEnded(job));
  }

  /** Open (or show) the view of `path` in root `rootId`; the home of a writable root by default. */
  open(asked?: { root?: string; path?: string }): void {
    const { model } = this.deps;
    const where = whereToMeasure(model.roots, model.root, asked);
    if (!where) {
      Notification.info(
        'You cannot write in any root, so no space is yours to measure.',
        {
          autoClose: 5000
        }
      );
      return;
    }
    const id = `leap-buckets-usage-${where.root.id}-${where.path}`.replace(
      /[^A-Za-z0-9_-]/g,
      '_'
    );
    const open = this._open.get(id);
    if (open) {
      this.app.shell.activateById(open.id);
      return;
    }
    const usage = new UsageModel(where.root, where.path, this._fetch);
    const content = new UsageView({
      model: usage,
      roots: () => model.roots,
      measurable: () => measurableRoots(model.roots),
      remove: path => void this._delete(usage, path),
      move: path => void this._move(usage, path),
      switchTo: rootId => this.open({ root: rootId }),
      openFolder: path => this.open({ root: where.root.id, path })
    });
    const widget = new MainAreaWidget({ content });
    widget.id = id;
    widget.title.icon = bucketIcon;
    widget.title.label = usageTitle(where.root.label, where.path);
    widget.title.caption = `What uses the space in ${where.root.url}${where.path}`;
    widget.title.closable = true;
    this._open.set(id, widget);
    widget.disposed.connect(() => this._open.delete(id));
    this.app.shell.add(widget, 'main');
    this.app.shell.activateById(widget.id);
    // The server keeps a finished scan for a while; one made before a job changed this
    // root since is not worth showing.
    const changed = this._changedAt.get(where.root.id) ?? 0;
    const fresh = changed > (this._loadedAt.get(id) ?? -1);
    this._loadedAt.set(id, Date.now());
    void usage.load(fresh && changed > 0);
  }

  private async _delete(usage: UsageModel, path: string): Promise<void> {
    const { api, jobs, model } = this.deps;
    await deleteItem(
      {
        api,
        jobs,
        handoffAt: model.handoffAt,
        started: () => this.deps.showJobs(), // the view scans again when it ends
        handedOff: () => {
          if (!usage.isDisposed) {
            void usage.load(true); // the manifest is new in the home
          }
        }
      },
      usage.root,
      path
    );
  }

  private async _move(usage: UsageModel, path: string): Promise<void> {
    const entry = usage.usage?.entries.find(e => e.path === path);
    await this.deps.moves.move(usage.root.id, [path], {
      [path]: entry?.expires?.earliest ?? null
    });
  }

  /**
   * A job that ended (done or not) changed its roots: a delete its source's, a move
   * both sides', a copy its target's. Their open views scan again.
   */
  private _jobEnded(job: IJob): void {
    const roots = [job.source, job.target].map(place =>
      place && 'root' in place ? place.root : null
    );
    for (const root of roots) {
      if (root) {
        this._changedAt.set(root, Date.now());
      }
    }
    for (const [id, widget] of this._open) {
      const usage = widget.content.model;
      if (roots.includes(usage.root.id)) {
        this._loadedAt.set(id, Date.now());
        void usage.load(true);
      }
    }
  }

  private _fetch: FetchUsage;
  private _open = new Map<string, MainAreaWidget<UsageView>>();
  /** When a job last ended that changed a root (by root id). */
  private _changedAt = new Map<string, number>();
  /** When each view (by id) last asked for figures, open or since closed. */
  private _loadedAt = new Map<string, number>();
}

/** "Show Space Used…": the palette, the panel's toolbar and the listing's background menu. */
export function addUsageCommand(
  app: JupyterFrontEnd,
  views: UsageViews,
  model: BucketBrowserModel,
  palette: ICommandPalette | null
): void {
  app.commands.addCommand(SHOW_SPACE_USED, {
    label: 'Show Space Used…',
    caption: () =>
      measurableRoots(model.roots).length
        ? 'What uses the space in your home: each item’s objects, size, share, dates and monthly cost'
        : 'You cannot write in any root, so no space is yours to measure.',
    icon: bucketIcon,
    isEnabled: () => measurableRoots(model.roots).length > 0,
    execute: args =>
      views.open({
        root: typeof args.root === 'string' ? args.root : undefined,
        path: typeof args.path === 'string' ? args.path : undefined
      })
  });
  palette?.addItem({ command: SHOW_SPACE_USED, category: PALETTE_CATEGORY });
}
