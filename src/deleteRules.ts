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
