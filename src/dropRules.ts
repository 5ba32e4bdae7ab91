/**
 * What a drop would do, said before the user lets go: "Move to demo/results/" or "Copy to
 * Persistent: demo/", and which key switches. A place the user cannot write in refuses
 * the drop (the cursor says no-drop) and says why. Pure, so jest tests it; dnd.ts and
 * fileBrowserDrops.ts show it and run the transfer with the mode it names, so what the
 * label says is what happens. The server's guard enforces the same limits.
 */
import { canWrite } from './commandRules';
import { canDelete } from './deleteRules';
import { parentPath } from './format';
import { transferMode } from './transferRules';
import { IRoot, Place, TransferMode } from './tokens';
import { landingPlace, updateBlocked } from './workflows/conflict';

/** What dropping here does. */
export interface IDropPlan {
  /** The mode the drop runs with; null when nothing may be dropped here. */
  mode: TransferMode | null;
  /** "Move to demo/results/", or why nothing can be dropped here. */
  text: string;
  /** "Hold Ctrl to copy"; or why the other mode is not possible; '' when neither. */
  hint: string;
  /**
   * Copy only what differs (`conflict: "update"`, as `rclone copy --checksum`): Shift
   * held over a place where every source is a folder and may be updated.
   */
  update: boolean;
}

/**
 * The key that switches copy and move, by its name on the platform. dnd.ts accepts Ctrl
 * or Alt everywhere; each platform is told its usual one (Option, which is Alt, on a Mac,
 * where Ctrl-click opens menus).
 */
export function modifierName(mac: boolean): string {
  return mac ? 'Option' : 'Ctrl';
}

/** Whether `platform` (navigator.platform) is Apple's. */
export function isMacPlatform(platform: string): boolean {
  return /Mac|iPhone|iPad/.test(platform);
}

/**
 * The drop strip's words while a row is dragged: roots copy, and the modifier moves
 * where the rows are the user's to move ('' when they are not).
 */
export function rootStripText(
  mac: boolean,
  movable: boolean
): { text: string; hint: string } {
  return {
    text: 'Drop on a root to copy there:',
    hint: movable ? `Hold ${modifierName(mac)} to move` : ''
  };
}

/**
 * What dropping `sources` on `target` does, holding the modifier or not. Refused (mode
 * null): a read-only root, a folder outside the user's writable prefix, and a source
 * dropped onto itself, into itself or where it already is. A move whose sources the
 * user may not delete would be refused by the server: it becomes a copy, and says so.
 */
export function dropPlan(
  roots: IRoot[],
  sources: Place[],
  target: Place,
  modifier: boolean,
  mac: boolean,
  update = false
): IDropPlan {
  const refuse = (text: string): IDropPlan => ({
    mode: null,
    text,
    hint: '',
    update: false
  });
  if (sources.length === 0) {
    return refuse('Nothing to drop.');
  }
  const targetRoot =
    'root' in target ? roots.find(r => r.id === target.root) : undefined;
  if ('root' in target) {
    if (!targetRoot) {
      return refuse(`There is no root ${target.root}; refresh the panel.`);
    }
    if (targetRoot.writable === null) {
      return refuse(`${targetRoot.label} is read-only: nothing can go here.`);
    }
    if (!canWrite(targetRoot, target.path)) {
      return refuse(
        `Not yours: in ${targetRoot.label} you can write only inside ${targetRoot.writable}.`
      );
    }
    const clash = sources
      .map(source => whyNotOnto(source, target.root, target.path))
      .find(Boolean);
    if (clash) {
      return refuse(clash);
    }
  }
  const from = Private.rootOf(sources[0]);
  const to = 'root' in target ? target.root : '';
  let mode = transferMode(from, to, modifier);
  const other: TransferMode = mode === 'move' ? 'copy' : 'move';
  const stuck = sources.find(source => !Private.removable(roots, source));
  let hint = `Hold ${modifierName(mac)} to ${other}`;
  if (stuck && 'root' in stuck) {
    // Moving deletes the source: where the user may not delete, only a copy is possible.
    mode = 'copy';
    hint = `${Private.name(stuck.path)} stays where it is: it is not yours to move.`;
  }
  const where = placeName(roots, target, from === to);
  const blocked = whyNoUpdate(roots, sources, target);
  if (update && !blocked) {
    return {
      mode: 'copy',
      text: `Update in ${where}: copy only what differs`,
      hint: 'Objects with the same size and checksum are skipped.',
      update: true
    };
  }
  const verb = mode === 'move' ? 'Move' : 'Copy';
  return {
    mode,
    text: `${verb} to ${where}`,
    hint: update ? blocked! : blocked ? hint : `${hint} · Shift to update`,
    update: false
  };
}

/**
 * Why the sources cannot update their copies at `target` (Shift), or '' when they can:
 * only folders are updated (a file is replaced or skipped by the conflict question), and
 * only where the objects that differ may be replaced (workflows/conflict.ts).
 */
export function whyNoUpdate(
  roots: IRoot[],
  sources: Place[],
  target: Place
): string {
  for (const source of sources) {
    const path = 'root' in source ? source.path : source.local;
    if (!path.endsWith('/')) {
      return 'Shift updates folders only.';
    }
    const landing = landingPlace(source, target);
    const root =
      'root' in landing ? roots.find(r => r.id === landing.root) : undefined;
    const why = updateBlocked(landing, root);
    if (why) {
      return why;
    }
  }
  return '';
}

/**
 * Why `source` cannot land in the folder `path` of `root`: the folder is the source, lies
 * inside it, or already holds it. '' when it can (sources of other roots always can).
 */
export function whyNotOnto(source: Place, root: string, path: string): string {
  if (!('root' in source) || source.root !== root) {
    return '';
  }
  const name = Private.name(source.path);
  if (source.path.endsWith('/') && path.startsWith(source.path)) {
    return `${name} cannot go into itself.`;
  }
  if (parentPath(source.path) === path) {
    return `${name} is already in ${path || 'the top of the bucket'}.`;
  }
  return '';
}

/** "demo/results/" in the sources' own root; "Persistent: demo/" in another; the disk's. */
export function placeName(
  roots: IRoot[],
  target: Place,
  sameRoot: boolean
): string {
  if (!('root' in target)) {
    return target.local
      ? `the workspace folder ${target.local}`
      : "the workspace's top folder";
  }
  const label = roots.find(r => r.id === target.root)?.label ?? target.root;
  if (sameRoot) {
    return target.path || `the top of ${label}`;
  }
  return target.path ? `${label}: ${target.path}` : label;
}

namespace Private {
  export function rootOf(place: Place): string {
    return 'root' in place ? place.root : '';
  }

  export function name(path: string): string {
    return path.replace(/\/$/, '').split('/').pop() ?? path;
  }

  /** Whether a move may delete the source (the disk's files: the server decides). */
  export function removable(roots: IRoot[], source: Place): boolean {
    if (!('root' in source)) {
      return true;
    }
    const root = roots.find(r => r.id === source.root) ?? null;
    return canDelete(root, source.path);
  }
}
