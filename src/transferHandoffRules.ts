/**
 * When the panel offers to hand a GCS-to-GCS transfer to Google's Storage Transfer
 * Service, where it may go, and what happens to a transfer already running here. DOM-free
 * (jest tests it). These rules only decide what is offered, as the server's guard would
 * decide it (POST handoff/transfer asks the guard again, and its refusal is shown): the
 * target folder must be the user's to write, a move's source theirs to delete, both in GCS.
 */
import { canWrite } from './commandRules';
import { canDelete } from './deleteRules';
import { parentPath } from './format';
import { isActive } from './transferRules';
import {
  ConflictPolicy,
  IEntry,
  IHandoffThreshold,
  IHandoffTransferRequest,
  IJob,
  IRoot,
  TransferMode
} from './tokens';

/** The roots Storage Transfer Service may write into for this user: GCS, writable. */
export function handoffTargetRoots(roots: IRoot[]): IRoot[] {
  return roots.filter(
    root => root.provider === 'gcs' && root.writable !== null
  );
}

function baseName(path: string): string {
  return path.replace(/\/$/, '').split('/').pop() ?? '';
}

/** Why the selection cannot be handed off (the command's caption); '' when it can. */
export function whyNotHandoffSource(
  root: IRoot | null,
  selection: IEntry[],
  mode: TransferMode,
  roots: IRoot[]
): string {
  if (!root) {
    return 'Choose a root first.';
  }
  if (root.provider !== 'gcs') {
    return 'Storage Transfer Service copies between GCS buckets; this is not one.';
  }
  if (selection.length !== 1 || selection[0].type === 'file') {
    return 'Select one folder or Zarr store: a single file is copied here in one request.';
  }
  if (handoffTargetRoots(roots).length === 0) {
    return 'No GCS bucket is yours to write in.';
  }
  if (mode === 'move' && !canDelete(root, selection[0].path)) {
    return root.deletable === null
      ? `Nothing in ${root.label} is yours to delete, so it can only be copied.`
      : `You can move only what is yours to delete, inside ${root.url}${root.deletable}.`;
  }
  return '';
}

/**
 * Why `source` (a folder of a GCS root) cannot go into `folder` of `target`; '' when it
 * can. The service writes `folder/<source's name>/`, as our own transfers do.
 */
export function whyNotHandoffTarget(
  source: { root: IRoot; path: string },
  target: IRoot | undefined,
  folder: string
): string {
  if (!target) {
    return 'That root is not configured, or the roots are still loading.';
  }
  if (target.provider !== 'gcs') {
    return 'Storage Transfer Service writes only into GCS buckets from here.';
  }
  if (!canWrite(target, folder)) {
    return target.writable === null
      ? `${target.label} is read-only for you.`
      : `You can write only inside ${target.url}${target.writable}.`;
  }
  const dest = `${folder}${baseName(source.path)}/`;
  if (
    target.bucket === source.root.bucket &&
    (dest.startsWith(source.path) || source.path.startsWith(dest))
  ) {
    return 'A folder cannot go onto or into itself.';
  }
  return '';
}

/**
 * What a running job's hand-off does with what is already at the target: the job's own
 * objects are complete (never half-written), so skipping them is right; `fail` and `skip`
 * become skip, `update` and `overwrite` stay. Keep both has no counterpart: null.
 */
export function handoffConflict(
  conflict: ConflictPolicy | undefined
): ConflictPolicy | null {
  if (conflict === 'rename') {
    return null;
  }
  return conflict === 'update' || conflict === 'overwrite' ? conflict : 'skip';
}

/** Whether a job's counts (totals so far while it lists) pass the hand-off threshold. */
export function isLargeJob(job: IJob, at: IHandoffThreshold | null): boolean {
  if (!at) {
    return false;
  }
  const objects = Math.max(job.objectsTotal ?? 0, job.objectsDone);
  const bytes = Math.max(job.bytesTotal ?? 0, job.bytesDone);
  return objects >= at.objects || bytes >= at.bytes;
}

/**
 * The jobs pane's offer for a running job: null when none is made (not a running
 * GCS-to-GCS folder transfer, or below the threshold); else the hand-off request, or why
 * it cannot be handed off (the button is shown off, with the reason).
 */
export function jobHandoff(
  job: IJob,
  roots: IRoot[],
  at: IHandoffThreshold | null
): { request: IHandoffTransferRequest } | { why: string } | null {
  const { source, target } = job;
  if (
    job.kind !== 'transfer' ||
    !isActive(job) ||
    !source ||
    !target ||
    !('root' in source) ||
    !('root' in target) ||
    !source.path.endsWith('/') ||
    !isLargeJob(job, at)
  ) {
    return null;
  }
  const gcs = (id: string) =>
    roots.find(root => root.id === id)?.provider === 'gcs';
  if (!gcs(source.root) || !gcs(target.root)) {
    return null;
  }
  const conflict = handoffConflict(job.conflict);
  if (conflict === null) {
    return {
      why: 'This job keeps both copies under new names; Storage Transfer Service never renames.'
    };
  }
  if (baseName(target.path) !== baseName(source.path)) {
    return {
      why: 'This job writes under another name than its source’s; Storage Transfer Service keeps the name.'
    };
  }
  return {
    request: {
      source,
      target: { root: target.root, path: parentPath(target.path) },
      mode: job.mode ?? 'copy',
      conflict,
      ...(job.listing || job.objectsTotal === null
        ? {}
        : { objects: job.objectsTotal }),
      ...(job.listing || job.bytesTotal === null
        ? {}
        : { bytes: job.bytesTotal })
    }
  };
}

/** What the hand-off dialog says about the job running here: the user decides. */
export function runningJobNote(job: IJob): string {
  const verb = job.mode === 'move' ? 'move' : 'copy';
  return `The ${verb} running here (${job.objectsDone.toLocaleString()} objects so far) keeps running until you cancel it: nothing stops it by itself. Both would write the same objects. Once Google’s job runs, cancel this one in the jobs pane: what it copied stays, and Google’s job skips objects already at the target.`;
}

/** What the dialog says of objects already at the target, for the conflict sent. */
export function conflictNote(conflict: ConflictPolicy): string {
  switch (conflict) {
    case 'overwrite':
      return 'Objects already at the target are replaced.';
    case 'update':
      return 'Objects already at the target are replaced where they differ from the source.';
    default:
      return 'Objects already at the target are skipped, never replaced.';
  }
}
