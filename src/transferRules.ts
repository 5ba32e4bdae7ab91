/**
 * Pure rules for transfers: copy or move, where a drop lands, and how progress reads.
 */
import { formatSize } from './format';
import { IJob, Place, TransferMode } from './tokens';

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

/**
 * A place in users' words: a bucket item by its URL, a workspace path as "the
 * workspace", "the workspace folder data/" or "data/a.nc in the workspace" (the
 * server's labels say `local:`, which users do not know).
 */
export function placeWords(
  place: Place | { upload: string },
  urlOf: (root: string) => string | undefined
): string {
  if ('upload' in place) {
    return place.upload;
  }
  if ('root' in place) {
    return `${urlOf(place.root) ?? `${place.root}:`}${place.path}`;
  }
  const path = place.local.replace(/^\/+/, '');
  if (path === '') {
    return 'the workspace';
  }
  return path.endsWith('/')
    ? `the workspace folder ${path}`
    : `${path} in the workspace`;
}

/** The server's label with `local:<path>` worded as placeWords does. */
function labelWords(label: string): string {
  return label.replace(/local:(\S*)/g, (_, path: string) =>
    placeWords({ local: path === '/' ? '' : path }, () => undefined)
  );
}

/**
 * How a job ended, in one sentence for its notification: "Copied 3 items from
 * gs://leap-scratch/alice/run/ to the workspace folder data/." or "Could not move …:
 * <why>". Deletes and jobs without places keep the server's label (worded).
 */
export function jobSentence(
  job: IJob,
  urlOf: (root: string) => string | undefined
): string {
  const why = job.error?.message ?? 'failed';
  if (job.kind !== 'transfer' || !job.source || !job.target) {
    const label = labelWords(job.label);
    return job.state === 'failed' ? `${label}: ${why}` : `${label}: done.`;
  }
  const upload = 'upload' in job.source;
  const from = placeWords(job.source, urlOf);
  const to = placeWords(job.target, urlOf);
  if (job.state === 'failed') {
    const verb = upload ? 'upload' : job.mode === 'move' ? 'move' : 'copy';
    return `Could not ${verb} ${from} to ${to}: ${why}`;
  }
  const verb = upload ? 'Uploaded' : job.mode === 'move' ? 'Moved' : 'Copied';
  const n = job.objectsDone;
  const items = `${n.toLocaleString('en-US')} ${n === 1 ? 'item' : 'items'}`;
  const skipped = job.objectsSkipped
    ? `; ${job.objectsSkipped.toLocaleString('en-US')} already there, skipped`
    : '';
  if (job.conflict === 'update' && !upload) {
    // An update counts what it skipped among the objects done: say what it copied, and
    // both counts first, before the places, which a notification may cut off.
    const s = job.objectsSkipped ?? 0;
    const copied = n - s;
    const what = `${copied.toLocaleString('en-US')} ${copied === 1 ? 'item' : 'items'}`;
    return s
      ? `${verb} ${what}, skipped ${s.toLocaleString('en-US')} already there, from ${from} to ${to}.`
      : `${verb} ${what} from ${from} to ${to}.`;
  }
  return upload
    ? `${verb} ${from} to ${to}${skipped}.`
    : `${verb} ${items} from ${from} to ${to}${skipped}.`;
}
