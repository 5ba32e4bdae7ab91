/**
 * When a finished move may be undone, and how. Undo is a move back through the same
 * guarded transfer job, with conflict "fail": nothing at the original place is ever
 * overwritten. It is offered only for a move that wrote a new place in full (nothing
 * skipped, failed or merged into what was there) and only while what it wrote is
 * unchanged: the objects, bytes, newest change and, for a file, its etag and generation
 * are read when the move ends and again before moving back. Pure: the workflow
 * (workflows/moveUndo.ts) reads and starts; jest tests these rules.
 */
import { canWrite } from './commandRules';
import { canDelete } from './deleteRules';
import { formatSize, parentPath } from './format';
import { IDetails, IJob, IRoot, ITransferRequest } from './tokens';

/**
 * The most objects a move may have for Undo: what the server counts for a folder's
 * details (DETAILS_SCAN_LIMIT in items.py); past it a change could go unseen.
 */
export const UNDO_MAX_OBJECTS = 20000;

/** What is at the moved place: enough to tell whether anything changed there. */
export interface IMovedState {
  objects: number;
  bytes: number;
  /** The newest change under a folder; a file's own. */
  modified: string | null;
  etag: string | null;
  generation: string | null;
  md5: string | null;
  /** More objects than the server counts for details: the rest unseen. */
  approximate: boolean;
}

/** The state `GET details` describes (a file, or a folder's totals). */
export function movedState(details: IDetails): IMovedState {
  const folder = details.objects !== undefined;
  return {
    objects: folder ? details.objects! : 1,
    bytes: (folder ? details.bytes : details.size) ?? 0,
    modified: details.modified ?? null,
    etag: details.etag ?? null,
    generation: details.generation ?? null,
    md5: details.md5 ?? null,
    approximate: folder && !!details.approximate
  };
}

/**
 * Why a finished job offers no Undo, in one sentence; '' when it does. `roots` are the
 * panel's, for the user's writable and deletable prefixes.
 */
export function whyNoUndo(job: IJob, roots: IRoot[]): string {
  if (job.kind !== 'transfer' || job.mode !== 'move') {
    return 'Only a move can be undone.';
  }
  if (job.state !== 'done') {
    return 'Only a move that finished can be undone.';
  }
  if (job.objectsFailed || job.objectsSkipped) {
    return 'Part of the move was skipped or failed, so moving it back would not restore what was there.';
  }
  if (job.objectsDone > UNDO_MAX_OBJECTS) {
    return `Undo checks at most ${UNDO_MAX_OBJECTS.toLocaleString('en-US')} objects for changes, and this move had more.`;
  }
  if (job.conflict !== 'fail' && job.conflict !== 'rename') {
    // skip or overwrite: the move went into something already there (or replaced it).
    return 'The move went into what was already there, so moving it back would take that too.';
  }
  const source = job.source;
  const target = job.target;
  if (!source || !target || !('root' in source) || !('root' in target)) {
    return 'Only moves between buckets can be undone here.';
  }
  const from = roots.find(r => r.id === source.root) ?? null;
  const to = roots.find(r => r.id === target.root) ?? null;
  if (!canDelete(to, target.path)) {
    return `You cannot delete in ${to?.label ?? target.root} where it went, which moving it back needs.`;
  }
  if (!canWrite(from, source.path)) {
    return `You cannot write in ${from?.label ?? source.root} where it came from.`;
  }
  return '';
}

/**
 * The move back: the job's target to exactly where its source was. The place is named
 * without its final "/" because a folder path ending in "/" receives the source under its
 * own (perhaps renamed) name; without it, the path is the name to write.
 */
export function undoRequest(job: IJob): ITransferRequest {
  const source = job.target as { root: string; path: string };
  const back = job.source as { root: string; path: string };
  return {
    source: { root: source.root, path: source.path },
    target: { root: back.root, path: back.path.replace(/\/$/, '') },
    mode: 'move',
    conflict: 'fail'
  };
}

/**
 * Why what was read when the move ended is not what the move wrote: more or fewer
 * objects or bytes than the job moved means someone wrote there while it ran. ''
 * when it matches. (Messages are short: a notification shows 140 characters.)
 */
export function whyNotAsMoved(job: IJob, state: IMovedState): string {
  if (state.approximate) {
    return 'holds more objects than Undo can check';
  }
  if (state.objects !== job.objectsDone || state.bytes !== job.bytesDone) {
    return 'was written to while it was moved';
  }
  return '';
}

/** Why the place changed between `before` (the move's end) and `now`; '' when it did not. */
export function whyChanged(
  before: IMovedState,
  now: IMovedState | null
): string {
  if (!now) {
    return 'is no longer there';
  }
  if (now.approximate) {
    return 'now holds more objects than Undo can check';
  }
  if (now.objects !== before.objects) {
    return `now holds ${Private.objects(now.objects)}, not ${before.objects}`;
  }
  if (now.bytes !== before.bytes) {
    return `is ${formatSize(now.bytes)} now, not ${formatSize(before.bytes)}`;
  }
  if (
    now.modified !== before.modified ||
    now.etag !== before.etag ||
    now.generation !== before.generation ||
    now.md5 !== before.md5
  ) {
    return 'was changed after the move';
  }
  return '';
}

/**
 * The notification when Undo is refused: what, why, and that nothing moved. `what` is
 * the moved item's key ("demo/notes/a.nc").
 */
export function refusalMessage(what: string, why: string): string {
  return `Undo not done: ${what} ${why}. Nothing was moved back or overwritten.`;
}

/** The notification when a move back ends: "Undone: a.nc is back in demo/." */
export function undoneMessage(job: IJob): string {
  const back = job.target && 'root' in job.target ? job.target.path : null;
  if (back === null) {
    return `${job.label}: done.`;
  }
  const name = back.replace(/\/$/, '').split('/').pop();
  const folder = back.endsWith('/') ? '/' : '';
  return `Undone: ${name}${folder} is back in ${parentPath(back) || 'the top of its bucket'}.`;
}

namespace Private {
  export function objects(n: number): string {
    return n === 1 ? '1 object' : `${n.toLocaleString()} objects`;
  }
}
