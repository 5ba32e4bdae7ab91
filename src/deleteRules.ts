/**
 * Pure rules for deleting: where the panel offers it, and what the user must type.
 * The server enforces the same guard (deletes.py); these only keep the UI honest.
 */
import { IRoot } from './tokens';

/** Whether `path` may be deleted in `root`: strictly inside its deletable prefix. */
export function canDelete(root: IRoot | null, path: string): boolean {
  const prefix = root?.deletable;
  if (prefix === null || prefix === undefined || !path) {
    return false;
  }
  return (
    path.startsWith(prefix) && path.length > prefix.length && path !== prefix
  );
}

/** Why deleting is not offered, in one sentence; '' when it is. */
export function whyNotDelete(root: IRoot | null, paths: string[]): string {
  if (!root) {
    return 'Choose a root first.';
  }
  if (paths.length === 0) {
    return 'Select a file, folder or store to delete.';
  }
  if (paths.length > 1) {
    return 'Delete one item at a time, so you can check what goes.';
  }
  if (root.deletable === null) {
    return `Deleting is off in ${root.label}.`;
  }
  if (!canDelete(root, paths[0])) {
    return `You can delete only inside ${root.url}${root.deletable}.`;
  }
  return '';
}

/** The name the user types to confirm: the path's last segment. */
export function confirmName(path: string): string {
  return path.replace(/\/$/, '').split('/').pop() ?? '';
}

/** Whether the dialog asks the user to type the name (folders and stores). */
export function needsTypedName(type: 'file' | 'folder' | 'zarr'): boolean {
  return type !== 'file';
}

/** The hidden object that keeps an empty folder (items.py's FOLDER_MARKER). */
export const FOLDER_MARKER = '.keep';

/**
 * What the dialog lists of a plan's sample: the keys a user would recognise (folder
 * markers left out: they are deleted and counted, but the user never saw them), how
 * many markers the sample held (the objects count says so), and how many objects the
 * sample does not name.
 */
export function sampleView(plan: { objects: number; sample: string[] }): {
  shown: string[];
  markers: number;
  more: number;
} {
  const shown = plan.sample.filter(
    key => key.split('/').pop() !== FOLDER_MARKER
  );
  return {
    shown,
    markers: plan.sample.length - shown.length,
    more: Math.max(0, plan.objects - plan.sample.length)
  };
}
