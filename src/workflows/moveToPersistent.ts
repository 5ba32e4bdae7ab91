/**
 * Move to persistent: items of a root whose objects expire (scratch) go to the same
 * place relative to the home of a root whose objects stay, as move jobs (service-side
 * copies, verified, then the sources deleted). Without DOM; the transfers ask their own
 * conflict questions.
 */
import { canDelete } from '../deleteRules';
import { IRoot, Place } from '../tokens';
import { ITransferOutcome, TransferFlow } from './transfer';

/**
 * Where things move: the writable root named `persistent`, else another writable root
 * of the same service whose objects do not expire.
 */
export function persistentRoot(
  roots: IRoot[],
  current: IRoot | null
): IRoot | null {
  return (
    roots.find(r => r.id === 'persistent' && r.writable !== null) ??
    roots.find(
      r =>
        r !== current &&
        r.writable !== null &&
        r.expiryDays === null &&
        r.provider === current?.provider
    ) ??
    null
  );
}

/** Why `paths` of `root` cannot be moved to persistent; '' when they can. */
export function whyNotMove(
  roots: IRoot[],
  root: IRoot | null,
  paths: string[]
): string {
  if (!root || root.expiryDays === null) {
    return 'Only what expires (in scratch) moves to persistent.';
  }
  if (!paths.length) {
    return 'Select what to move.';
  }
  if (!persistentRoot(roots, root)) {
    return 'No persistent root is configured.';
  }
  if (!paths.every(path => canDelete(root, path))) {
    return `You can move only what lies inside ${root.url}${root.deletable ?? ''}.`;
  }
  return '';
}

/**
 * The folder of `target` each path moves into: the path relative to the source root's
 * home, under the target's home ("alice/run1/a.nc" → "alice/run1/" in persistent).
 */
export function moveDestination(
  root: IRoot,
  target: IRoot,
  path: string
): Place {
  const relative = path.startsWith(root.home)
    ? path.slice(root.home.length)
    : path;
  const parent = relative.replace(/\/$/, '').split('/').slice(0, -1).join('/');
  return {
    root: target.id,
    path: `${target.home}${parent ? `${parent}/` : ''}`
  };
}

/**
 * Start one move job per path. Resolves with each path's outcome; an empty list with the
 * reason when nothing can move.
 */
export async function moveToPersistent(
  transfers: TransferFlow,
  roots: IRoot[],
  rootId: string,
  paths: string[]
): Promise<{ why: string; outcomes: ITransferOutcome[] }> {
  const root = roots.find(r => r.id === rootId) ?? null;
  const why = whyNotMove(roots, root, paths);
  if (why) {
    return { why, outcomes: [] };
  }
  const target = persistentRoot(roots, root)!;
  const outcomes: ITransferOutcome[] = [];
  for (const path of paths) {
    outcomes.push(
      ...(await transfers.transfer(
        [{ root: root!.id, path }],
        moveDestination(root!, target, path),
        false,
        'move'
      ))
    );
  }
  return { why: '', outcomes };
}
