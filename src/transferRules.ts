/**
 * Pure rules for transfers: copy or move, where a drop lands, and how progress reads.
 */
import { formatSize } from './format';
import { IJob, TransferMode } from './tokens';

/**
 * Within one root a drop moves, across roots it copies; holding the modifier (Ctrl, or
 * Alt on a Mac) switches, as in desktop file managers.
 */
export function transferMode(
  sourceRoot: string,
  targetRoot: string,
  modifier: boolean
): TransferMode {
  const sameRoot = sourceRoot === targetRoot;
  return sameRoot !== modifier ? 'move' : 'copy';
}

/** Whether a job is still going. */
export function isActive(job: IJob): boolean {
  return job.state === 'queued' || job.state === 'running';
}

/** "12.3 MB/s" */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond ? `${formatSize(Math.round(bytesPerSecond))}/s` : '';
}

/** "45 s", "3 min", "2 h" left at the current rate; "" when unknown. */
export function timeLeft(job: IJob): string {
  if (!job.rate || job.bytesTotal === null || !isActive(job) || job.listing) {
    return '';
  }
  const seconds = Math.max(0, (job.bytesTotal - job.bytesDone) / job.rate);
  if (seconds < 60) {
    return `${Math.ceil(seconds)} s left`;
  }
  if (seconds < 3600) {
    return `${Math.ceil(seconds / 60)} min left`;
  }
  return `${Math.ceil(seconds / 3600)} h left`;
}

/** The fraction done, 0..1, by bytes (objects when there are no bytes). */
export function fractionDone(job: IJob): number {
  if (job.state === 'done') {
    return 1;
  }
  if (job.bytesTotal) {
    return Math.min(1, job.bytesDone / job.bytesTotal);
  }
  return job.objectsTotal ? Math.min(1, job.objectsDone / job.objectsTotal) : 0;
}

/**
 * "3 of 10 objects, 1.2 MB of 5.0 MB, 2.0 MB/s, 2 s left"; while the job's objects are
 * still being listed, "3 of 1000+ objects, 1.2 MB of 5.0 MB+, 2.0 MB/s, still listing".
 */
export function progressText(job: IJob): string {
  const more = job.listing && isActive(job) ? '+' : '';
  const objects =
    job.objectsTotal === null
      ? `${job.objectsDone} objects`
      : `${job.objectsDone} of ${job.objectsTotal}${more} objects`;
  const bytes =
    job.bytesTotal === null
      ? formatSize(job.bytesDone)
      : `${formatSize(job.bytesDone)} of ${formatSize(job.bytesTotal)}${more}`;
  return [
    objects,
    bytes,
    isActive(job) ? formatRate(job.rate) : '',
    more ? 'still listing' : timeLeft(job)
  ]
    .filter(Boolean)
    .join(', ');
}
