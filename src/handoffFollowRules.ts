/**
 * How the jobs pane shows a handed-off job it follows by name: its title, and its status
 * as Google last reported it (or why it could not be asked). DOM-free (jest tests it).
 */
import { formatSize } from './format';
import { IHandoffRecord, IHandoffStatus } from './tokens';

/** "Handed off: Storage Transfer job transferJobs/leap-buckets-alice-…" */
export function handoffJobTitle(record: IHandoffRecord): string {
  return record.kind === 'transfer'
    ? `Handed off: Storage Transfer job ${record.name}`
    : `Handed off: batch operations delete job ${record.id}`;
}

/** What the job does, in one line: "gs://a/x/ → gs://b/y/x/", "delete gs://a/x/ (12 objects)". */
export function handoffJobWhat(record: IHandoffRecord): string {
  const count =
    record.objects !== null
      ? ` (${record.objects.toLocaleString()} objects)`
      : '';
  return record.kind === 'transfer'
    ? `${record.source ?? ''} → ${record.target ?? ''}${count}`
    : `Delete ${record.source ?? ''}${count}, from the manifest ${record.manifest ?? ''}`;
}

const STATE_LABEL: Record<IHandoffStatus['state'], string> = {
  'not-started': 'Not at Google',
  queued: 'Waiting at Google',
  running: 'Running at Google',
  paused: 'Paused at Google',
  done: 'Done at Google',
  failed: 'Failed at Google',
  cancelled: 'Cancelled at Google'
};

/** "Running at Google · 1,500 of 2,000,000 objects, 40 B of 5 KB" */
export function handoffStatusText(status: IHandoffStatus): string {
  const label = STATE_LABEL[status.state] ?? status.state;
  if (status.message) {
    return `${label} · ${status.message}`;
  }
  const parts: string[] = [];
  if (status.objectsDone !== undefined) {
    const total =
      status.objectsTotal !== null && status.objectsTotal !== undefined
        ? ` of ${status.objectsTotal.toLocaleString()}`
        : '';
    parts.push(`${status.objectsDone.toLocaleString()}${total} objects`);
  }
  if (status.bytesDone !== undefined) {
    const total =
      status.bytesTotal !== null && status.bytesTotal !== undefined
        ? ` of ${formatSize(status.bytesTotal)}`
        : '';
    parts.push(`${formatSize(status.bytesDone)}${total}`);
  }
  if (status.objectsFailed) {
    parts.push(`${status.objectsFailed.toLocaleString()} failed`);
  }
  return parts.length ? `${label} · ${parts.join(', ')}` : label;
}

/** "Checked 21:06:00" (local time of the last answer). */
export function checkedText(status: IHandoffStatus): string {
  return `checked ${new Date(status.checkedAt).toLocaleTimeString()}`;
}
