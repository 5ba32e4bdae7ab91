/**
 * When each command can act, as one sentence saying why not ('' when it can). Pure, so
 * the rules are tested without a browser; the server enforces the same limits.
 */
import { canDelete, whyNotDelete } from './deleteRules';
import { IEntry, IRoot } from './tokens';
import { isStoreType } from './entryKinds';

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
      ctx.selection.length === 1 && isStoreType(ctx.selection[0].type)
        ? ''
        : 'Select a Zarr store, Icechunk repository or reference store to preview.'
    )
};

export type CommandRule = keyof typeof rules;

/** Why a place cannot be written in, shown before the user tries: a mark by the path. */
export interface IAccessMark {
  kind: 'read-only' | 'not-yours';
  /** A few words beside a lock icon. */
  text: string;
  /** The sentence behind them. */
  title: string;
}

/**
 * The mark for the folder `path` of `root`: a read-only root; a folder of the bucket
 * above the user's own (the top of scratch); another user's folder. null where the user
 * can write.
 */
export function accessMark(
  root: IRoot | null,
  path: string
): IAccessMark | null {
  if (!root || canWrite(root, path)) {
    return null;
  }
  if (root.writable === null) {
    return {
      kind: 'read-only',
      text: 'Read-only: browse and copy',
      title: `${root.label} is read-only: you can browse it and copy from it, not write in it.`
    };
  }
  const yours = `${root.url}${root.writable}`;
  if (root.writable.startsWith(path)) {
    return {
      kind: 'read-only',
      text: `Read-only here: you write in ${root.writable}`,
      title: `You can browse and copy from here; you can write only inside ${yours}.`
    };
  }
  return {
    kind: 'not-yours',
    text: `Not yours: you write in ${root.writable}`,
    title: `${root.url}${path} is not yours: you can browse and copy from it; you can write only inside ${yours}.`
  };
}

/**
 * A word or two on why a command that writes is off, for its label in menus, which show
 * no caption: "read-only", "not yours", "no deleting here". '' when it is on, or off for
 * another reason (the selection), which the caption gives.
 */
export function shortWhy(rule: CommandRule, ctx: ICommandContext): string {
  const root = ctx.root;
  if (!root || rules[rule](ctx) === '') {
    return '';
  }
  if (root.writable === null) {
    return 'read-only';
  }
  const mark = (path: string) =>
    accessMark(root, path)?.kind === 'not-yours' ? 'not yours' : 'read-only';
  if (rule === 'newFolder' || rule === 'upload') {
    return mark(ctx.folder);
  }
  if ((rule === 'rename' || rule === 'delete') && ctx.selection.length === 1) {
    return whyNotRemove(root, [ctx.selection[0].path]);
  }
  return '';
}

/**
 * A word or two on why `paths` cannot be deleted, renamed or moved away (each needs a
 * delete): "read-only", "no deleting here", "your home", "not yours"; '' when they can.
 */
export function whyNotRemove(root: IRoot | null, paths: string[]): string {
  const stuck = paths.find(path => !canDelete(root, path));
  if (!root || stuck === undefined) {
    return '';
  }
  if (root.writable === null) {
    return 'read-only';
  }
  if (root.deletable === null) {
    return 'no deleting here';
  }
  if (stuck === root.deletable) {
    return 'your home';
  }
  return accessMark(root, stuck)?.kind === 'not-yours'
    ? 'not yours'
    : 'read-only';
}

/** A command's label, with shortWhy in brackets when it is off for that reason. */
export function labelWithWhy(
  label: string,
  rule: CommandRule,
  ctx: ICommandContext
): string {
  return withWhy(label, shortWhy(rule, ctx));
}

/** "Rename… (not yours)"; the label alone when there is no reason. */
export function withWhy(label: string, why: string): string {
  return why ? `${label} (${why})` : label;
}

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
