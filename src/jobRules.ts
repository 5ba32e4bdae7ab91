/**
 * Pure rules for the jobs pane: what a job is called (never the same as another's), how
 * its progress reads while its objects are still listed, what an unfinished transfer
 * left at its target and what may be done about it (delete it, reveal it, resume), and
 * where clicking a job leads. No DOM.
 */
import { parentPath } from './format';
import { isActive } from './transferRules';
import { IJob, IRoot, Place } from './tokens';

/** Fields of a job the server adds for resume (docs/api.md, "Resume and update"). */
export interface IResumable {
  /** The job this one resumes. */
  resumedFrom?: string | null;
  /** Nothing was at the target when the job (or the one it resumes) began. */
  targetCreated?: boolean;
}

export type JobInfo = IJob & IResumable;

/** Segments of a destination shown before it is cut to "…/". */
const SHOWN_SEGMENTS = 3;

/** "…/demo/results/run1/": a path's last segments, enough to tell destinations apart. */
export function shortPath(path: string): string {
  const segments = path.split('/').filter(Boolean);
  if (segments.length <= SHOWN_SEGMENTS) {
    return path;
  }
  const tail = segments.slice(-SHOWN_SEGMENTS).join('/');
  return `…/${tail}${path.endsWith('/') ? '/' : ''}`;
}

function placeName(place: Place | { upload: string }): string {
  const path =
    'root' in place
      ? place.path
      : 'local' in place
        ? place.local
        : place.upload;
  return path.replace(/\/$/, '').split('/').pop() || path;
}

function where(place: Place, path: string): string {
  return 'root' in place
    ? `${place.root}: ${shortPath(path)}`
    : `workspace: ${shortPath(path) || '/'}`;
}

/**
 * "Copy run1 → persistent: …/demo/results/run1/": what the job does, to what, and the
 * last segments of where it lands; a delete's own label, which names its whole URL.
 */
export function jobTitle(job: JobInfo): string {
  if (job.kind === 'delete' || !job.source || !job.target) {
    return job.label; // "Delete gs://leap-scratch/demo/old/": the whole URL
  }
  const verb =
    'upload' in job.source ? 'Upload' : job.mode === 'move' ? 'Move' : 'Copy';
  const targetPath = 'root' in job.target ? job.target.path : job.target.local;
  const title = `${verb} ${placeName(job.source)} → ${where(job.target, targetPath)}`;
  return job.resumedFrom ? `Resume: ${title}` : title;
}

/**
 * Every job's title, those that would read the same told apart by their start time
 * (and, started in the same second, by their id).
 */
export function distinctTitles(jobs: JobInfo[]): Map<string, string> {
  const titles = new Map(jobs.map(job => [job.id, jobTitle(job)]));
  const seen = new Map<string, JobInfo[]>();
  for (const job of jobs) {
    const title = titles.get(job.id)!;
    seen.set(title, [...(seen.get(title) ?? []), job]);
  }
  for (const [title, same] of seen) {
    if (same.length < 2) {
      continue;
    }
    const stamped = same.map(job => `${title} · ${startTime(job)}`);
    const twice = stamped.filter((s, i) => stamped.indexOf(s) !== i);
    same.forEach((job, i) =>
      titles.set(
        job.id,
        twice.includes(stamped[i])
          ? `${stamped[i]} (${job.id.slice(0, 6)})`
          : stamped[i]
      )
    );
  }
  return titles;
}

function startTime(job: JobInfo): string {
  return job.startedAt ? job.startedAt.slice(11, 19) : 'not started';
}

/**
 * While the job's objects are still being listed their total is unknown: the bar is
 * indeterminate, not nearly full because the listing has found little so far.
 */
export function isIndeterminate(job: JobInfo): boolean {
  return Boolean(job.listing) && isActive(job);
}

/** "Listing… 708 copied so far" */
export function listingText(job: JobInfo): string {
  const verb =
    job.kind === 'delete'
      ? 'deleted'
      : job.mode === 'move'
        ? 'moved'
        : 'copied';
  return `Listing… ${job.objectsDone} ${verb} so far`;
}

/** Whether `POST jobs/<id>/resume` can finish the job: an unfinished transfer. */
export function canResume(job: JobInfo): boolean {
  return (
    job.kind === 'transfer' &&
    (job.state === 'failed' || job.state === 'cancelled') &&
    !!job.source &&
    !('upload' in job.source)
  );
}

/** What an unfinished transfer left at its target, and what may be done about it. */
export interface ILeftover {
  /** Objects at the target that this job (and the job it resumes) wrote. */
  objects: number;
  /** "12 objects this job wrote are at persistent: demo/results/run1/". */
  text: string;
  /** The place a delete would remove: exactly what the job wrote; null when none is. */
  deletable: { root: string; path: string } | null;
  /** Why no delete is offered (when `deletable` is null). */
  why: string;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/**
 * What a cancelled or failed transfer left at its target. A delete is offered only when
 * deleting the target removes exactly what the job wrote: a copy into a target that did
 * not exist before it (`targetCreated`: a new folder, or a single new object). A move's
 * copies are the only copies of what was moved, and a target that held other objects
 * would lose them: those are revealed instead, with the reason.
 */
export function leftover(job: JobInfo, roots?: IRoot[]): ILeftover | null {
  if (
    job.kind !== 'transfer' ||
    (job.state !== 'failed' && job.state !== 'cancelled') ||
    !job.target
  ) {
    return null;
  }
  // Under update, skipped objects are at the target too: written by the job resumed.
  const objects = job.targetCreated
    ? job.objectsDone
    : job.objectsDone - (job.objectsSkipped ?? 0);
  if (objects <= 0) {
    return null;
  }
  const target = job.target;
  const path = 'root' in target ? target.path : target.local;
  const at =
    'root' in target ? `${target.root}: ${path}` : `workspace: ${path}`;
  const text = `${plural(objects, 'object')} this job wrote ${objects === 1 ? 'is' : 'are'} at ${at}`;
  let why = '';
  if (!('root' in target)) {
    why =
      'They are in the workspace: delete them in the file browser if you do not need them.';
  } else if (job.mode === 'move') {
    why =
      'A move’s copies are the only copies of what it moved: resume the move to finish it.';
  } else if (!job.targetCreated) {
    why = `${path} held other objects before this job, so deleting it would delete them too.`;
  } else if (roots && !mayDelete(roots, target.root, path)) {
    why = `Deleting is off here for you (${target.root}: ${path}).`;
  }
  const deletable = why
    ? null
    : { root: (target as { root: string }).root, path };
  return { objects, text, deletable, why };
}

/** Whether the root lets this user delete `path` (the server's guard decides again). */
function mayDelete(roots: IRoot[], rootId: string, path: string): boolean {
  const root = roots.find(r => r.id === rootId);
  const prefix = root?.deletable;
  return (
    prefix !== null &&
    prefix !== undefined &&
    path.startsWith(prefix) &&
    path !== prefix
  );
}

/**
 * Where clicking a job leads in the panel: its target's folder, with the target
 * selected; a delete's folder. Null for the workspace (the panel shows buckets).
 */
export function revealPlace(
  job: JobInfo
): { root: string; folder: string; select: string } | null {
  const place = job.kind === 'delete' ? (job.target ?? job.source) : job.target;
  if (!place || !('root' in place)) {
    return null;
  }
  return {
    root: place.root,
    folder: parentPath(place.path),
    select: place.path
  };
}
