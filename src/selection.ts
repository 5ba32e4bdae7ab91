/**
 * The listing's selection as in JupyterLab's file browser, without DOM: the selected
 * paths, the anchor a Shift-click or Shift+arrow extends from, the row the keyboard is
 * on, and type-ahead.
 */
import { IEntry } from './tokens';

/** Keys typed within this many ms of each other make one type-ahead search. */
export const TYPE_AHEAD_MS = 800;

export class RowSelection {
  /** The selected entries' paths. */
  paths = new Set<string>();
  /** Where Shift extends from. */
  anchor = -1;
  /** The row the keyboard is on (Enter opens it). */
  focus = -1;

  clear(): void {
    this.paths = new Set();
    this.anchor = this.focus = -1;
  }

  /** A click on row `index`: it alone, toggled (Ctrl/Cmd), or a range from the anchor (Shift). */
  click(
    entries: IEntry[],
    index: number,
    shift: boolean,
    toggle: boolean
  ): void {
    const path = entries[index].path;
    this.focus = index;
    if (shift && this.anchor >= 0) {
      this.paths = range(entries, this.anchor, index);
    } else if (toggle) {
      this.paths.has(path) ? this.paths.delete(path) : this.paths.add(path);
      this.anchor = index;
    } else {
      this.paths = new Set([path]);
      this.anchor = index;
    }
  }

  /** The keyboard moves to row `index`: it alone, or a range from the anchor (Shift). */
  moveTo(entries: IEntry[], index: number, shift: boolean): void {
    if (shift && this.anchor >= 0) {
      this.paths = range(entries, this.anchor, index);
    } else {
      this.anchor = index;
      this.paths = new Set([entries[index].path]);
    }
    this.focus = index;
  }

  /** Select these paths (those loaded); the index of the first, or -1. */
  select(entries: IEntry[], paths: string[]): number {
    const wanted = new Set(paths);
    this.paths = new Set(
      entries.filter(e => wanted.has(e.path)).map(e => e.path)
    );
    const first = entries.findIndex(e => wanted.has(e.path));
    if (first >= 0) {
      this.anchor = this.focus = first;
    }
    return first;
  }

  selectAll(entries: IEntry[]): void {
    this.paths = new Set(entries.map(e => e.path));
  }

  /**
   * A printable key: jump to the first name starting with what was typed within
   * TYPE_AHEAD_MS of the last key. Returns the row jumped to, or -1.
   */
  typeAhead(entries: IEntry[], key: string, now: number): number {
    this._typed =
      now - this._typedAt < TYPE_AHEAD_MS
        ? this._typed + key.toLowerCase()
        : key.toLowerCase();
    this._typedAt = now;
    const index = entries.findIndex(e =>
      e.name.toLowerCase().startsWith(this._typed)
    );
    if (index >= 0) {
      this.moveTo(entries, index, false);
    }
    return index;
  }

  private _typed = '';
  private _typedAt = -Infinity;
}

/** Where ArrowUp/ArrowDown/Home/End go from `focus` among `count` rows; -1 for other keys. */
export function keyTarget(key: string, focus: number, count: number): number {
  if (!count) {
    return -1;
  }
  switch (key) {
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    case 'ArrowDown':
      return Math.min(count - 1, focus + 1);
    case 'ArrowUp':
      return Math.max(0, focus - 1);
    default:
      return -1;
  }
}

function range(entries: IEntry[], a: number, b: number): Set<string> {
  return new Set(
    entries.slice(Math.min(a, b), Math.max(a, b) + 1).map(e => e.path)
  );
}
