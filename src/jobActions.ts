/**
 * What the jobs pane asks for, done: reveal a job's target in the panel (its folder
 * open, the item selected), delete what an unfinished copy wrote (plan → confirm →
 * delete, the dialog every delete uses), and report a Resume the server refused. The
 * pane (widgets/transfers.ts) only renders and forwards.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { JobsModel } from './jobs';
import { confirmDelete } from './widgets/deleteDialog';
import { BucketPanel } from './widgets/panel';
import { IRevealPlace } from './widgets/transfers';
import { planAndDelete } from './workflows/deletePlan';

export function connectJobActions(
  app: JupyterFrontEnd,
  panel: BucketPanel,
  api: IBucketsApi,
  jobs: JobsModel
): void {
  const view = panel.transfers;
  view.roots = () => panel.model.roots;
  view.render();
  view.revealRequested.connect((_, place) => void reveal(app, panel, place));
  view.deleteRequested.connect(async (_, place) => {
    const outcome = await planAndDelete(
      {
        api,
        startDelete: (plan, confirm) => jobs.startDelete(plan, confirm),
        confirm: confirmDelete
      },
      place.root,
      place.path
    );
    if ('message' in outcome) {
      Notification.error(outcome.message, { autoClose: false });
    }
  });
  view.failed.connect((_, message) => {
    Notification.error(message, { autoClose: false });
  });
}

/** Open the place's folder in the panel and select its item (when the folder has it). */
async function reveal(
  app: JupyterFrontEnd,
  panel: BucketPanel,
  place: IRevealPlace
): Promise<void> {
  app.shell.activateById(panel.id);
  const model = panel.model;
  if (model.root?.id !== place.root || model.path !== place.folder) {
    await model.open(place.root, place.folder);
  }
  const entry = await model.findEntry(place.select);
  if (entry) {
    panel.listing.select([entry.path]);
  } else if (!model.error) {
    Notification.info(
      `${place.select} is not in ${place.root}: ${place.folder || '/'} (any more); the folder is open.`,
      { autoClose: 6000 }
    );
  }
}
