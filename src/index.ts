import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import {
  IDefaultFileBrowser,
  IFileBrowserFactory
} from '@jupyterlab/filebrowser';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IStatusBar } from '@jupyterlab/statusbar';

import { BucketsApi, IBucketsApi } from './api';
import { BucketActions, ZarrOpenWith } from './actions';
import { addCommands, CommandIDs } from './commands';
import { addOsnCommands, OsnCommands } from './osnCommands';
import { ExpiringSoon } from './expiringSoon';
import { connectJobActions } from './jobActions';
import { JobsModel } from './jobs';
import { BucketBrowserModel } from './model';
import { formatSize } from './format';
import { setUpHandoffs } from './handoffCommands';
import { PersistentMoves } from './persistentMoves';
import { ToBucketCommands } from './toBucketCommands';
import { IJob, PLUGIN_ID } from './tokens';
import { jobSentence } from './transferRules';
import { undoneMessage } from './undoRules';
import { addUsageCommand, UsageViews } from './usageViews';
import {
  FileBrowserDrops,
  springLoadSidebarTabs
} from './widgets/fileBrowserDrops';
import { askConflict } from './widgets/conflictDialog';
import { BucketPanel } from './widgets/panel';
import { TransfersStatus } from './widgets/statusItem';
import { DescribePlace } from './workflows/conflict';
import { MoveUndo } from './workflows/moveUndo';
import { ConflictSetting, TransferFlow } from './workflows/transfer';
import { UploadQueue } from './workflows/uploadQueue';

/**
 * The Buckets sidebar: browse LEAP's GCS and OSN buckets through the Jupyter server.
 */
const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'A sidebar that browses cloud buckets through the Jupyter server.',
  autoStart: true,
  optional: [
    ISettingRegistry,
    ICommandPalette,
    ILayoutRestorer,
    IDefaultFileBrowser,
    IStatusBar,
    IFileBrowserFactory
  ],
  activate: async (
    app: JupyterFrontEnd,
    settingRegistry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    restorer: ILayoutRestorer | null,
    fileBrowser: IDefaultFileBrowser | null,
    statusBar: IStatusBar | null,
    browsers: IFileBrowserFactory | null
  ) => {
    const api = new BucketsApi();
    const model = new BucketBrowserModel(api);
    const urlOf = (id: string) => model.roots.find(r => r.id === id)?.url;
    const jobs = new JobsModel(api);
    const report = {
      info: (message: string) =>
        void Notification.info(message, { autoClose: 8000 }),
      error: (message: string) =>
        void Notification.error(message, { autoClose: false })
    };
    const describe = describePlace(api, app);
    const transfers = new TransferFlow({
      start: request => jobs.startTransfer(request),
      ask: askConflict,
      report,
      describe,
      rootOf: id => model.roots.find(root => root.id === id)
    });
    const uploads = new UploadQueue({
      upload: (file, target, conflict, onStart, onSent) =>
        jobs.upload(file, target, conflict, onStart, onSent),
      cancelJob: id => jobs.cancel(id),
      ask: askConflict,
      report,
      describe
    });
    const panel = new BucketPanel({ model, jobs, transfers, uploads });
    const undo = new MoveUndo({
      roots: () => model.roots,
      details: (root, path) => api.details(root, path),
      start: request => jobs.startTransfer(request),
      report: {
        ...report,
        warning: (message: string) =>
          void Notification.warning(message, { autoClose: false })
      }
    });
    let toBucket: ToBucketCommands | null = null;
    jobs.ended.connect((_, job) => {
      if (job.state === 'done') {
        const undoable = undoActions(undo, job);
        const actions = [...(toBucket?.resultActions(job) ?? []), ...undoable];
        const message = undo.isUndo(job.id)
          ? undoneMessage(job)
          : endMessage(job, urlOf);
        Notification.success(message, {
          // Time to read the result and decide on Undo (also in the notification list).
          autoClose: undoable.length ? 15000 : actions.length ? 10000 : 5000,
          actions
        });
        void model.refresh();
        const moved =
          job.mode === 'move' && job.source && 'local' in job.source;
        if ((job.target && 'local' in job.target) || moved) {
          void fileBrowser?.model.refresh();
        }
      } else if (job.state === 'failed') {
        Notification.error(jobSentence(job, urlOf), { autoClose: false });
      }
    });
    app.shell.add(panel, 'left', { rank: 110 });
    restorer?.add(panel, 'leap-buckets');
    const actions = new BucketActions(app, panel, {
      api,
      jobs,
      transfers,
      uploads,
      fileBrowser
    });
    let expiring: ExpiringSoon | null = null;
    const moves = new PersistentMoves(panel, api, transfers, () => expiring);
    addCommands(app, panel, actions, moves, palette);
    const usage = new UsageViews(app, {
      api,
      model,
      jobs,
      moves,
      showJobs: () => panel.transfers.toggle(true)
    });
    addUsageCommand(app, usage, model, palette);
    const osn = new OsnCommands(panel, actions, api);
    addOsnCommands(app, osn, actions, palette);
    connectJobActions(app, panel, api, jobs);
    setUpHandoffs(app, panel, api, palette, report);
    toBucket = new ToBucketCommands(app, {
      api,
      panel,
      transfers,
      browsers,
      fileBrowser,
      palette
    });
    springLoadSidebarTabs(app);
    if (fileBrowser) {
      new FileBrowserDrops(fileBrowser, transfers, () => model.roots);
    }
    if (statusBar) {
      const item = new TransfersStatus(
        jobs,
        () => void app.commands.execute(CommandIDs.showTransfers)
      );
      statusBar.registerStatusItem('leap-buckets:transfers', {
        item,
        align: 'left',
        rank: 50,
        isActive: () => jobs.running > 0,
        activeStateChanged: jobs.changed
      });
    }

    let defaultRoot = '';
    let expiringSoonHours = 24;
    let checkMinutes = 60;
    expiring = new ExpiringSoon({
      api,
      roots: () => model.roots,
      hours: () => expiringSoonHours,
      show: (root, days) => {
        app.shell.activateById(panel.id);
        void model
          .open(root.id, root.home)
          .then(() => (model.expiringWithin = days));
      },
      move: root => void moves.moveExpiring(root.id)
    });
    expiring.changed.connect(() => app.commands.notifyCommandChanged());
    if (settingRegistry) {
      try {
        const settings = await settingRegistry.load(plugin.id);
        const apply = () => {
          model.pageSize = settings.get('pageSize').composite as number;
          model.showHidden = settings.get('showHidden').composite as boolean;
          defaultRoot = settings.get('defaultRoot').composite as string;
          expiringSoonHours = settings.get('expiringSoonHours')
            .composite as number;
          const onConflict = settings.get('onConflict')
            .composite as ConflictSetting;
          transfers.onConflict = onConflict;
          uploads.onConflict = onConflict;
          osn.issueTemplate = settings.get('deletionRequestUrl')
            .composite as string;
          actions.zarrOpenWith = settings.get('zarrOpenWith')
            .composite as ZarrOpenWith;
          const minutes = settings.get('expiringCheckMinutes')
            .composite as number;
          if (minutes !== checkMinutes) {
            checkMinutes = minutes;
            expiring?.every(minutes);
          }
        };
        apply();
        settings.changed.connect(apply);
      } catch (reason) {
        console.warn('leap-buckets: settings could not be loaded', reason);
      }
    }
    await model.initialize(defaultRoot);
    expiring.start(checkMinutes);
  }
};

/**
 * One side of a conflict for the question: a bucket item's details (a folder's total),
 * a workspace item's size and time from Jupyter's contents API.
 */
function describePlace(api: IBucketsApi, app: JupyterFrontEnd): DescribePlace {
  return async place => {
    if ('root' in place) {
      const details = await api.details(place.root, place.path);
      const folder = details.objects !== undefined;
      return {
        size: (folder ? details.bytes : details.size) ?? null,
        modified: details.modified,
        approximate: folder && !!details.approximate
      };
    }
    const model = await app.serviceManager.contents.get(place.local, {
      content: false
    });
    return { size: model.size ?? null, modified: model.last_modified ?? null };
  };
}

/** Undo on a finished move's notification, where it can be undone (undoRules.ts). */
function undoActions(undo: MoveUndo, job: IJob): Notification.IAction[] {
  if (!undo.offer(job)) {
    return [];
  }
  return [
    {
      label: 'Undo',
      caption:
        'Move it back, if nothing changed there since; nothing is overwritten',
      callback: () => void undo.undo(job.id)
    }
  ];
}

/** One line on how a job ended. */
function endMessage(
  job: IJob,
  urlOf: (root: string) => string | undefined
): string {
  if (job.kind !== 'delete') {
    return jobSentence(job, urlOf);
  }
  const kept = job.objectsSkipped
    ? `; ${job.objectsSkipped} kept because they changed after the plan`
    : '';
  return `${job.label}: ${job.objectsDone} object(s), ${formatSize(job.bytesDone)} deleted${kept}.`;
}

export default plugin;
