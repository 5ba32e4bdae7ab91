/**
 * Copy or move to a bucket, from JupyterLab's file browser: which roots are offered,
 * which folder of each is the target, why an entry cannot act, the local paths of the
 * file browser's selection, and where a finished job's result shows. Without DOM; the
 * transfers are TransferFlow's (one job per item, the conflict question included).
 */
import { canWrite } from '../commandRules';
import { parentPath } from '../format';
import { IEntry, IJob, IRoot, TransferMode } from '../tokens';
import { ITransferOutcome, TransferFlow } from './transfer';

/** What the Buckets panel shows: its root and folder (the model's `root` and `path`). */
export interface IPanelView {
  root: IRoot | null;
  path: string;
}

/** One entry of the Copy to Bucket / Move to Bucket submenu. */
export interface IToBucketEntry {
  root: string;
  /** The folder the items go into (ends in "/", or "" for the bucket's top). */
  path: string;
  label: string;
  /** What the entry does, or why it cannot ('' in `why` when it can). */
  caption: string;
  why: string;
}

/** The roots a user may write in; read-only roots are never offered. */
export function writableRoots(roots: IRoot[]): IRoot[] {
  return roots.filter(root => root.writable !== null);
}

/**
 * Paths of the file browser's items as the server's API names local places: relative to
 * the server's root folder, without a drive ("RTC:notebooks/a.nc" → "notebooks/a.nc")
 * and without a trailing "/".
 */
export function localPaths(paths: string[]): string[] {
  return paths.map(path => {
    const colon = path.indexOf(':');
    const slash = path.indexOf('/');
    const bare =
      colon > 0 && (slash === -1 || colon < slash)
        ? path.slice(colon + 1)
        : path;
    return bare.replace(/^\/+/, '').replace(/\/+$/, '');
  });
}

/**
 * The folder of `root` that items go into: the folder the panel shows when it shows one
 * of this root where the user may write, else the user's home there.
 */
export function targetFolder(root: IRoot, panel: IPanelView): string {
  if (panel.root?.id === root.id && canWrite(root, panel.path)) {
    return panel.path;
  }
  return root.home;
}

/** Why `paths` cannot go to `folder` of `root`; '' when they can. */
export function whyNotToBucket(
  root: IRoot | undefined,
  folder: string,
  paths: string[],
  mode: TransferMode
): string {
  if (!root) {
    return 'That root is not configured, or the roots are still loading.';
  }
  if (root.writable === null) {
    return `${root.label} is read-only for you.`;
  }
  if (!paths.length) {
    return `Select files or folders in the file browser to ${mode} them.`;
  }
  if (paths.some(path => path === '')) {
    return "The workspace's top folder cannot go as a whole; select what is in it.";
  }
  if (!canWrite(root, folder)) {
    return `You can write only inside ${root.url}${root.writable}.`;
  }
  return '';
}

/** "2 items", "a.nc" */
function what(paths: string[]): string {
  return paths.length === 1
    ? paths[0].split('/').pop() || paths[0]
    : `${paths.length} items`;
}

/**
 * The submenu's entries, one per writable root: its label (the root, and the folder when
 * it is not the home; why not, when it cannot act), the target folder, and a caption
 * saying what it does or why not.
 */
export function toBucketEntries(
  roots: IRoot[],
  panel: IPanelView,
  paths: string[],
  mode: TransferMode
): IToBucketEntry[] {
  return writableRoots(roots).map(root => {
    const path = targetFolder(root, panel);
    return entryFor(root, path, paths, mode);
  });
}

/** The entry for one root and folder (a palette command's, or the picker's choice). */
export function entryFor(
  root: IRoot,
  path: string,
  paths: string[],
  mode: TransferMode
): IToBucketEntry {
  const why = whyNotToBucket(root, path, paths, mode);
  const verb = mode === 'move' ? 'Move' : 'Copy';
  const label = path === root.home ? root.label : `${root.label}: ${path}`;
  return {
    root: root.id,
    path,
    // Menus show no captions: a disabled entry says why in its label.
    label: why ? `${label} (${why.replace(/\.$/, '')})` : label,
    caption:
      why ||
      `${verb} ${what(paths)} to ${root.url}${path}` +
        (mode === 'move'
          ? '; the local copy is removed once the job verified the objects'
          : ''),
    why
  };
}

/** The folders a picker offers in a listing: folders proper, not stores or files. */
export function pickableFolders(entries: IEntry[]): IEntry[] {
  return entries.filter(entry => entry.type === 'directory');
}

/**
 * Start one job per local path into `path` of root `rootId` (its target folder when no
 * path is given). Resolves with each item's outcome, or with why nothing started.
 */
export async function sendToBucket(
  transfers: TransferFlow,
  roots: IRoot[],
  panel: IPanelView,
  paths: string[],
  mode: TransferMode,
  rootId: string,
  path?: string
): Promise<{ why: string; outcomes: ITransferOutcome[] }> {
  const root = roots.find(r => r.id === rootId);
  const folder = path ?? (root ? targetFolder(root, panel) : '');
  const why = whyNotToBucket(root, folder, paths, mode);
  if (why) {
    return { why, outcomes: [] };
  }
  const outcomes = await transfers.transfer(
    paths.map(local => ({ local })),
    { root: rootId, path: folder },
    false,
    mode
  );
  return { why: '', outcomes };
}

/**
 * Where a finished job from the workspace into a bucket shows in the panel: the folder
 * it landed in and the item to select. Null for other jobs and jobs that did not finish.
 */
export function resultPlace(
  job: IJob
): { root: string; folder: string; select: string } | null {
  if (
    job.kind !== 'transfer' ||
    job.state !== 'done' ||
    !job.source ||
    !('local' in job.source) ||
    !job.target ||
    !('root' in job.target)
  ) {
    return null;
  }
  const { root, path } = job.target;
  return { root, folder: parentPath(path), select: path };
}
