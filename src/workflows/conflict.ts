/**
 * The conflict question, without DOM: what is asked when a transfer or an upload would
 * land on something already there. It names both sides, the existing item and the
 * incoming one, by size and modified time, and says which answer Enter gives. The
 * dialog (widgets/conflictDialog.ts) only renders it.
 */
import { formatDate, formatSize } from '../format';
import { ConflictPolicy, IRoot, Place } from '../tokens';

/** An answer of the conflict question (every policy but the first request's 'fail'). */
export type ConflictAnswer = Exclude<ConflictPolicy, 'fail'>;

/** One answer of the conflict question: its button's label and the policy it sends. */
export interface IConflictChoice {
  label: string;
  policy: ConflictAnswer;
  /** Overwriting destroys: its button is a warning and is never the default. */
  destructive: boolean;
  /** What the choice does, said under the sides (Update's; others have none). */
  description?: string;
}

/** A choice that this conflict does not offer, and why (the dialog says so). */
export interface IUnavailableChoice {
  label: string;
  reason: string;
}

/**
 * What the question offers beyond Skip / Keep both / Overwrite: Update, when a folder
 * (or Zarr store) meets a folder, unless `updateBlocked` says why it cannot be.
 */
export interface IConflictShape {
  folders: boolean;
  updateBlocked: string | null;
}

export const NO_SHAPE: IConflictShape = { folders: false, updateBlocked: null };

export const UPDATE_LABEL = 'Update (copy only what differs)';

/** Update's description in the dialog. */
export const UPDATE_DESCRIPTION =
  'Update copies only what differs: objects with the same size and checksum are skipped; the others are replaced.';

/** What is known of one side of a conflict: its size and when it was last modified. */
export interface IConflictSide {
  /** Bytes (a folder's or store's total); null when unknown. */
  size: number | null;
  /** ISO time; null when unknown. */
  modified: string | null;
  /** A folder's or store's size counted up to a bound: "at least". */
  approximate?: boolean;
}

/** Both sides of a conflict, each null when it could not be read. */
export interface IConflictSides {
  existing: IConflictSide | null;
  incoming: IConflictSide | null;
}

/** The question asked when something is already where a transfer or upload goes. */
export interface IConflictQuestion {
  title: string;
  /** The server's sentence saying what is in the way. */
  message: string;
  choices: IConflictChoice[];
  /**
   * The answer Enter gives (the dialog's default button): Skip, the one answer that
   * changes nothing. GNOME Files and KDE's Dolphin show the two sides' size and date
   * side by side before anything is replaced, and so does this question; the default
   * is chosen for a reflexive Enter: Keep both is safe for the existing item but writes
   * a second copy (in a bucket it costs money, and a move then deletes its source), and
   * Overwrite destroys the existing item, so it is never the default.
   */
  defaultPolicy: ConflictAnswer;
  existing: IConflictSide | null;
  incoming: IConflictSide | null;
  /** Each side in words: "Existing: 1.2 MB, modified 2026-11-29 10:00". */
  sides: { existing: string; incoming: string };
  /** What Overwrite replaces, with what, named by size and modified time. */
  overwriteNote: string;
  /** Choices not offered here, each with why (Update where nothing may be replaced). */
  unavailable: IUnavailableChoice[];
}

/** Asks the user; resolves with the chosen policy, or null when they cancelled. */
export type AskConflict = (
  question: IConflictQuestion
) => Promise<ConflictAnswer | null>;

/** "1.2 MB, modified 2026-11-29 10:00"; the unknown parts said as unknown. */
export function describeSide(side: IConflictSide | null): string {
  if (!side) {
    return 'size and modified time unknown';
  }
  const size =
    side.size === null
      ? 'size unknown'
      : `${side.approximate ? 'at least ' : ''}${formatSize(side.size)}`;
  const modified = side.modified
    ? `modified ${formatDate(side.modified)}`
    : 'modified time unknown';
  return `${size}, ${modified}`;
}

/** The sentence under Overwrite: what it destroys and what takes its place. */
export function overwriteNote(sides: IConflictSides): string {
  return (
    `Overwrite replaces the existing item (${describeSide(sides.existing)}) ` +
    `with the incoming one (${describeSide(sides.incoming)}); the existing item cannot be recovered.`
  );
}

/** The question for the server's conflict message and what is known of both sides. */
export function conflictQuestion(
  message: string,
  sides: IConflictSides = { existing: null, incoming: null },
  shape: IConflictShape = NO_SHAPE
): IConflictQuestion {
  const choices: IConflictChoice[] = [
    { label: 'Skip', policy: 'skip', destructive: false },
    { label: 'Keep both', policy: 'rename', destructive: false }
  ];
  const unavailable: IUnavailableChoice[] = [];
  if (shape.folders && shape.updateBlocked) {
    unavailable.push({ label: UPDATE_LABEL, reason: shape.updateBlocked });
  } else if (shape.folders) {
    // It replaces what differs, so it is a warning like Overwrite, never the default.
    choices.push({
      label: UPDATE_LABEL,
      policy: 'update',
      destructive: true,
      description: UPDATE_DESCRIPTION
    });
  }
  choices.push({ label: 'Overwrite', policy: 'overwrite', destructive: true });
  return {
    title: 'Already there',
    message,
    choices,
    unavailable,
    defaultPolicy: 'skip',
    existing: sides.existing,
    incoming: sides.incoming,
    sides: {
      existing: `Existing: ${describeSide(sides.existing)}`,
      incoming: `Incoming: ${describeSide(sides.incoming)}`
    },
    overwriteNote: overwriteNote(sides)
  };
}

/** The index of the default choice among `question.choices`. */
export function defaultChoiceIndex(question: IConflictQuestion): number {
  const index = question.choices.findIndex(
    c => c.policy === question.defaultPolicy && !c.destructive
  );
  return Math.max(
    0,
    index === -1 ? question.choices.findIndex(c => !c.destructive) : index
  );
}

/** Reads one side of a conflict (details of a bucket object, or of a workspace file). */
export type DescribePlace = (place: Place) => Promise<IConflictSide | null>;

/**
 * Where a transfer of `source` into `target` lands, as the server names it: into a
 * folder target (ending in "/", or the top) under the source's own name, else at the
 * target itself (a rename).
 */
export function landingPlace(source: Place, target: Place): Place {
  const sourcePath = 'root' in source ? source.path : source.local;
  const folder = sourcePath.endsWith('/');
  const name =
    sourcePath.replace(/\/$/, '').split('/').pop()! + (folder ? '/' : '');
  const into = (path: string) =>
    path === '' || path.endsWith('/') ? path + name : path;
  return 'root' in target
    ? { root: target.root, path: into(target.path) }
    : { local: into(target.local).replace(/\/$/, '') };
}

/** Both sides of a conflict, read at once; a side that cannot be read is null. */
export async function readSides(
  describe: DescribePlace | undefined,
  existing: Place,
  incoming: Place | IConflictSide
): Promise<IConflictSides> {
  const read = (place: Place) =>
    describe ? describe(place).catch(() => null) : Promise.resolve(null);
  const [a, b] = await Promise.all([
    read(existing),
    'size' in incoming ? incoming : read(incoming)
  ]);
  return { existing: a, incoming: b };
}

/**
 * Why Update cannot be offered for a transfer landing at `landing`, or null when it can.
 * It replaces the objects that differ, which the server allows only inside the root's
 * `deletable` prefix (docs/api.md, "Resume and update"); elsewhere it would fail object
 * by object, so it is not offered. The workspace is the user's own: always allowed.
 */
export function updateBlocked(
  landing: Place,
  root: IRoot | undefined
): string | null {
  if (!('root' in landing)) {
    return null;
  }
  if (!root || root.deletable === null) {
    return `Update is unavailable: it replaces the objects that differ, and nothing in ${root?.label ?? landing.root} may be replaced.`;
  }
  if (!landing.path.startsWith(root.deletable)) {
    return `Update is unavailable: it replaces the objects that differ, and in ${root.label} you may replace only inside ${root.url}${root.deletable}.`;
  }
  return null;
}

/** What a transfer of `source` into `target` may be asked: Update when folders meet. */
export function conflictShape(
  source: Place,
  target: Place,
  rootOf: (id: string) => IRoot | undefined
): IConflictShape {
  const sourcePath = 'root' in source ? source.path : source.local;
  // A folder lands under its own name as a folder; what is in the way there is a folder.
  if (!sourcePath.endsWith('/')) {
    return NO_SHAPE;
  }
  const landing = landingPlace(source, target);
  return {
    folders: true,
    updateBlocked: updateBlocked(
      landing,
      'root' in landing ? rootOf(landing.root) : undefined
    )
  };
}
