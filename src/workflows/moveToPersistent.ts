/**
 * Move to persistent: items of a root whose objects expire (scratch) go to the same
 * place relative to the home of a root whose objects stay, as move jobs (service-side
 * copies, verified, then the sources deleted). Nothing starts before the user has read
 * a summary (the items, their total size, when each expires, where they go) and
 * confirmed it. Without DOM; the transfers ask their own conflict questions.
 */
import { canDelete } from '../deleteRules';
import { expiryWords } from '../expiryRules';
import { formatSize } from '../format';
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

/** What is known of an item before it moves: its size and when it expires. */
export interface IMoveItem {
  path: string;
  /** Bytes (a folder's or store's total); null when unknown. */
  bytes: number | null;
  /** A folder's total counted up to a bound: "at least". */
  approximate?: boolean;
  expires: string | null;
}

/** The confirmation's content: what moves, how much, and where. */
export interface IMoveSummary {
  title: string;
  /** One line per item: its name, size and when it expires ("due now" when past). */
  items: {
    path: string;
    name: string;
    size: string;
    when: string;
    due: boolean;
  }[];
  /** "1.2 MB in 3 items" ("at least" when a count was bounded or a size unknown). */
  total: string;
  /** The persistent home the items go under, as a URL. */
  destination: string;
  /** The sentence under the list. */
  note: string;
  /** The confirming button's label. */
  confirmLabel: string;
}

/** The summary the user confirms before anything moves. */
export function moveSummary(
  root: IRoot,
  target: IRoot,
  items: IMoveItem[],
  now: number
): IMoveSummary {
  const bytes = items.reduce((sum, item) => sum + (item.bytes ?? 0), 0);
  const atLeast = items.some(i => i.bytes === null || i.approximate)
    ? 'at least '
    : '';
  const count = `${items.length} item${items.length === 1 ? '' : 's'}`;
  const destination = `${target.url}${target.home}`;
  return {
    title: `Move ${count} to ${target.label}?`,
    items: items.map(item => ({
      path: item.path,
      name: Private.relative(root, item.path),
      size:
        item.bytes === null
          ? 'size unknown'
          : `${item.approximate ? 'at least ' : ''}${formatSize(item.bytes)}`,
      when: expiryWords(item.expires, now),
      due: !!item.expires && Date.parse(item.expires) <= now
    })),
    total: `${atLeast}${formatSize(bytes)} in ${count}`,
    destination,
    note:
      `Each item goes to the same place under ${destination} as under ` +
      `${root.url}${root.home}, one move job per item: copied, verified, then removed ` +
      `from ${root.label}.`,
    confirmLabel: 'Move'
  };
}

export interface IMoveDeps {
  transfers: TransferFlow;
  /** Read an item's size and expiry (the server's details); may fail. */
  measure(root: string, path: string): Promise<Omit<IMoveItem, 'path'>>;
  /** Show the summary; resolves true only when the user confirmed it. */
  confirm(summary: IMoveSummary): Promise<boolean>;
  now?: () => number;
}

/** How a move to persistent went. */
export interface IMoveOutcome {
  /** Why nothing could move ('' when it could). */
  why: string;
  /** The user did not confirm the summary: nothing started. */
  declined: boolean;
  outcomes: ITransferOutcome[];
}

/**
 * Summarise, ask, then start one move job per path. `known` gives expiries already
 * known (the expiring-soon check's, the listing's) where the details carry none.
 */
export async function moveToPersistent(
  deps: IMoveDeps,
  roots: IRoot[],
  rootId: string,
  paths: string[],
  known: Record<string, string | null> = {}
): Promise<IMoveOutcome> {
  const root = roots.find(r => r.id === rootId) ?? null;
  const why = whyNotMove(roots, root, paths);
  if (why) {
    return { why, declined: false, outcomes: [] };
  }
  const target = persistentRoot(roots, root)!;
  const items = await Promise.all(
    paths.map(async (path): Promise<IMoveItem> => {
      const measured = await deps
        .measure(root!.id, path)
        .catch(() => ({ bytes: null, expires: null }));
      return {
        ...measured,
        path,
        expires: measured.expires ?? known[path] ?? null
      };
    })
  );
  const now = (deps.now ?? Date.now)();
  if (!(await deps.confirm(moveSummary(root!, target, items, now)))) {
    return { why: '', declined: true, outcomes: [] };
  }
  const outcomes: ITransferOutcome[] = [];
  for (const path of paths) {
    outcomes.push(
      ...(await deps.transfers.transfer(
        [{ root: root!.id, path }],
        moveDestination(root!, target, path),
        false,
        'move'
      ))
    );
  }
  return { why: '', declined: false, outcomes };
}

namespace Private {
  /** The path as seen from the root's home ("alice/run1/a.nc" → "run1/a.nc"). */
  export function relative(root: IRoot, path: string): string {
    const inside = path.startsWith(root.home)
      ? path.slice(root.home.length)
      : path;
    return inside.replace(/\/$/, '') || path;
  }
}
