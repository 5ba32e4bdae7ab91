/**
 * Pure helpers for the listing: sizes, dates, order, breadcrumbs.
 */
import { IEntry, ISortState } from './tokens';
import { isFolderEntry } from './entryKinds';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** "0 B", "512 B", "1.5 KB", "12.0 MB": decimal units, as the cloud consoles show. */
export function formatSize(size: number | null): string {
  if (size === null || size === undefined) {
    return '';
  }
  if (size < 1000) {
    return `${size} B`;
  }
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** A short local date and time, e.g. "2026-11-25 14:03"; "" for null. */
export function formatDate(iso: string | null): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return '';
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

/** "just now", "5 min ago", "3 h ago", "2 d ago", else the date, as JupyterLab's file browser. */
export function formatRelative(iso: string | null, now: number): string {
  if (!iso) {
    return '';
  }
  const then = new Date(iso).getTime();
  if (isNaN(then)) {
    return '';
  }
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 60) {
    return 'just now';
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ago`;
  }
  if (seconds < 86400) {
    return `${Math.floor(seconds / 3600)} h ago`;
  }
  if (seconds < 30 * 86400) {
    return `${Math.floor(seconds / 86400)} d ago`;
  }
  return formatDate(iso).slice(0, 10);
}

/** Folders and stores first, then files; within each, by the sort key. */
export function sortEntries(
  entries: IEntry[],
  sort: ISortState,
  expiresOf: (entry: IEntry) => string | null | undefined = entry =>
    entry.expires
): IEntry[] {
  const sign = sort.ascending ? 1 : -1;
  const byName = (a: IEntry, b: IEntry) =>
    a.name.localeCompare(b.name, undefined, {
      numeric: true,
      sensitivity: 'base'
    });
  const compare = (a: IEntry, b: IEntry): number => {
    const folderA = isFolderEntry(a);
    const folderB = isFolderEntry(b);
    if (folderA !== folderB) {
      return folderA ? -1 : 1;
    }
    let result = 0;
    if (sort.key === 'size') {
      result = (a.size ?? -1) - (b.size ?? -1);
    } else if (sort.key === 'modified') {
      result = (a.modified ?? '').localeCompare(b.modified ?? '');
    } else if (sort.key === 'expires') {
      // Soonest first; what never expires (or is not known yet) last.
      result = (expiresOf(a) ?? '\uffff').localeCompare(
        expiresOf(b) ?? '\uffff'
      );
    }
    return sign * (result || byName(a, b));
  };
  return [...entries].sort(compare);
}

export interface ICrumb {
  label: string;
  path: string;
}

/** The breadcrumbs of a folder path: the root itself, then one per segment. */
export function breadcrumbs(rootLabel: string, path: string): ICrumb[] {
  const crumbs: ICrumb[] = [{ label: rootLabel, path: '' }];
  let acc = '';
  for (const segment of path.split('/').filter(s => s.length > 0)) {
    acc += `${segment}/`;
    crumbs.push({ label: segment, path: acc });
  }
  return crumbs;
}

/** The parent folder of a folder path ("" at the top). */
export function parentPath(path: string): string {
  const trimmed = path.replace(/\/$/, '');
  const cut = trimmed.lastIndexOf('/');
  return cut < 0 ? '' : trimmed.slice(0, cut + 1);
}

/** Names this short are never cut: they fit the narrowest sidebar. */
const SHORT_NAME = 12;
/** Characters of the name's stem kept beside the extension after the "…". */
const TAIL_STEM = 5;

/**
 * A name split for truncation in the middle: the row shows `head` (cut with "…" when
 * the column is narrow) then `tail` (always whole), so `part-00001.nc` … `part-02599.nc`
 * read "part-…00001.nc" … "part-…02599.nc" and stay told apart. `tail` is the
 * extension with the last few characters of the stem; "" for short names.
 */
export function splitName(name: string): { head: string; tail: string } {
  if (name.length <= SHORT_NAME) {
    return { head: name, tail: '' };
  }
  const dot = name.lastIndexOf('.');
  // An extension is a short, space-free ending after a dot that is not the first char.
  const ext =
    dot > 0 && name.length - dot <= 10 && !/\s/.test(name.slice(dot))
      ? name.slice(dot)
      : '';
  const stem = name.slice(0, name.length - ext.length);
  const keep = Math.min(TAIL_STEM, Math.max(0, stem.length - 1));
  const cut = stem.length - keep;
  return { head: name.slice(0, cut), tail: name.slice(cut) };
}

/**
 * The listing's item count: "2,600 items" once every page is in, "1,000+ items so
 * far" while more pages wait, and with the expiry filter on, how many of the loaded
 * items it shows.
 */
export function countText(options: {
  shown: number;
  loaded: number;
  complete: boolean;
  filtered: boolean;
}): string {
  const { shown, loaded, complete, filtered } = options;
  const n = (count: number) => count.toLocaleString('en-US');
  const items = (count: number) => (count === 1 ? 'item' : 'items');
  if (filtered) {
    return complete
      ? `${n(shown)} of ${n(loaded)} ${items(loaded)}`
      : `${n(shown)} of ${n(loaded)}+ items so far`;
  }
  return complete ? `${n(shown)} ${items(shown)}` : `${n(shown)}+ items so far`;
}
