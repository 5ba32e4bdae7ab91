/**
 * When each command can act, as one sentence saying why not ('' when it can). Pure, so
 * the rules are tested without a browser; the server enforces the same limits.
 */
import { canDelete, whyNotDelete } from './deleteRules';
import { IEntry, IRoot } from './tokens';

/** What the commands act on: the panel's root, folder and selected entries. */
export interface ICommandContext {
  root: IRoot | null;
  folder: string;
  selection: IEntry[];
}

/** Whether `path` lies inside the root's writable prefix. */
export function canWrite(root: IRoot | null, path: string): boolean {
  return !!root && root.writable !== null && path.startsWith(root.writable);
}

/** The check's answer when a root is open; else that one must be chosen. */
function inRoot(ctx: ICommandContext, check: () => string): string {
  return ctx.root ? check() : 'Choose a root first.';
}

function whyNotWriteHere(ctx: ICommandContext, what: string): string {
  const root = ctx.root;
  if (!root) {
    return 'Choose a root first.';
  }
  if (root.writable === null) {
    return `${root.label} is read-only here; ${what} in a writable root such as your scratch home.`;
  }
  if (!canWrite(root, ctx.folder)) {
    return `You can write only inside ${root.url}${root.writable}; open a folder there to ${what}.`;
  }
  return '';
}

export const rules = {
  newFolder: (ctx: ICommandContext) => whyNotWriteHere(ctx, 'make folders'),
  upload: (ctx: ICommandContext) => whyNotWriteHere(ctx, 'upload'),

  rename(ctx: ICommandContext): string {
    const root = ctx.root;
    if (!root) {
      return 'Choose a root first.';
    }
    if (ctx.selection.length !== 1) {
      return 'Select one item to rename.';
    }
    // A rename is a move: it writes the new name and deletes the old one.
    if (root.deletable === null || !canDelete(root, ctx.selection[0].path)) {
      return root.deletable === null
        ? `Nothing in ${root.label} can be renamed from here (it cannot be deleted).`
        : `You can rename only inside ${root.url}${root.deletable}.`;
    }
    return '';
  },

  delete: (ctx: ICommandContext) =>
    whyNotDelete(
      ctx.root,
      ctx.selection.map(e => e.path)
    ),

  copyUrl: (ctx: ICommandContext) => inRoot(ctx, () => ''),

  copySnippet: (ctx: ICommandContext) =>
    inRoot(ctx, () =>
      ctx.selection.length === 1 ? '' : 'Select one file, folder or store.'
    ),

  download: (ctx: ICommandContext) =>
    inRoot(ctx, () =>
      ctx.selection.length ? '' : 'Select what to download to the workspace.'
    ),

  details: (ctx: ICommandContext) =>
    inRoot(ctx, () =>
      ctx.selection.length === 1 ? '' : 'Select one item to see its details.'
    ),

  preview: (ctx: ICommandContext) =>
    inRoot(ctx, () =>
      ctx.selection.length === 1 && ctx.selection[0].type === 'zarr'
        ? ''
        : 'Select a Zarr store to preview.'
    )
};

export type CommandRule = keyof typeof rules;

/**
 * Why a new name cannot be used for `entry`; '' when it can. Names are one path segment:
 * no '/', '\\' or control characters, not '.' or '..', and not the current name.
 */
export function whyNotName(name: string, current: string): string {
  if (!name.trim()) {
    return 'Type a name.';
  }
  if (name !== name.trim()) {
    return 'A name cannot start or end with a space.';
  }
  if (name === '.' || name === '..' || /[/\\]/.test(name) || hasControl(name)) {
    return "A name cannot hold '/', '\\' or control characters, nor be '.' or '..'.";
  }
  if (name === current) {
    return 'That is its name already.';
  }
  return '';
}

/** Whether a name holds a control character (U+0000 to U+001F, or DEL). */
function hasControl(name: string): boolean {
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}
