/**
 * "Delete…" wherever it is offered (the panel's rows, the Space Used view's): the server
 * plans it, the delete dialog shows the plan, and once confirmed the job starts, or, for
 * a GCS delete past the threshold, the user may hand it to Google instead. One flow, so
 * both places offer the same choices and report the same way.
 */
import { Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from '../api';
import { JobsModel } from '../jobs';
import { SlowNotice } from '../slowNotice';
import { IHandoffThreshold, IRoot } from '../tokens';
import { confirmDelete } from '../widgets/deleteDialog';
import { planAndDelete } from './deletePlan';
import { showHandoff } from './handoff';

/** How long a delete's plan may take before a notification says it is being counted (ms). */
const PLAN_NOTICE_AFTER = 700;

export interface IDeleteItemDeps {
  api: IBucketsApi;
  jobs: JobsModel;
  /** From how many objects or bytes a GCS delete is offered to Google (GET roots). */
  handoffAt: IHandoffThreshold | null;
  /** The job started: show the jobs view. */
  started(): void;
  /** The delete was handed off (a manifest is new in the home): refresh what shows it. */
  handedOff(): void;
}

/** Plan, confirm and start (or hand off) the delete of `path` in `root`. */
export async function deleteItem(
  deps: IDeleteItemDeps,
  root: IRoot,
  path: string
): Promise<void> {
  const { api, jobs, handoffAt } = deps;
  const outcome = await planAndDelete(
    {
      api,
      startDelete: (plan, confirm) => jobs.startDelete(plan, confirm),
      confirm: confirmDelete,
      planning: planningNotice,
      // Only GCS deletes can go to Google's batch operations.
      handoff:
        handoffAt && root.provider === 'gcs'
          ? {
              at: handoffAt,
              prepare: (plan, confirm) => api.handoffDelete(plan, confirm)
            }
          : undefined
    },
    root.id,
    path
  );
  if (outcome.state === 'started') {
    deps.started();
  } else if (outcome.state === 'handed-off') {
    await showHandoff(outcome.handoff); // the gcloud command; nothing deleted here
    deps.handedOff();
  } else if (outcome.state === 'expired' || outcome.state === 'failed') {
    Notification.error(outcome.message, { autoClose: false });
  }
}

/**
 * The plan's first answer usually comes within a fraction of a second, and the dialog
 * then shows the counting; only a slower one gets a notification meanwhile.
 */
export function planningNotice(name: string): (error: string | null) => void {
  const notice = new SlowNotice(PLAN_NOTICE_AFTER, () =>
    Notification.emit(
      `Counting what deleting ${name} would remove…`,
      'in-progress',
      { autoClose: false }
    )
  );
  return error => {
    const shown = notice.stop();
    if (error !== null && shown) {
      Notification.update({
        id: shown,
        message: error,
        type: 'error',
        autoClose: false
      });
    } else if (error !== null) {
      Notification.error(error, { autoClose: false });
    } else if (shown) {
      Notification.dismiss(shown);
    }
  };
}
