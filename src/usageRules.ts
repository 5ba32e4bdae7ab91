/**
 * Pure rules of the Space Used view (GET usage): the answer's types, what each row and
 * the chart show, the status line, which root and folder to measure, and what each row
 * may do. The widget (widgets/usageView.ts) only renders these.
 */
import { canDelete } from './deleteRules';
import { formatDate, formatSize } from './format';
import { whyNotMove } from './workflows/moveToPersistent';
import { IRoot } from './tokens';

/** What expires within `days` days of the scan's start (Scratch). */
export interface IUsageWindow {
  days: number;
  objects: number;
  bytes: number;
}

export interface IUsageEntry {
  path: string;
  name: string;
  type: 'file' | 'directory';
  objects: number;
  bytes: number;
  oldest: string | null;
  newest: string | null;
  /** The scan did not count all of it (it stopped at its cap). */
  approximate: boolean;
  /** Only where the bucket deletes by age. */
  expires?: { earliest: string | null; within: IUsageWindow[] };
}

/** GET usage's answer (docs/api.md). */
export interface IUsage {
  root: string;
  path: string;
  url: string;
  entries: IUsageEntry[];
  complete: boolean;
  approximate: boolean;
  scanned: number;
  maxObjects: number;
  objects: number;
  bytes: number;
  startedAt: string;
  expiryWindows: number[] | null;
  pricePerGiBMonth: number | null;
  priceSource: string | null;
  storageClass: string | null;
}

/** One row of the table, as text. */
export interface IUsageRow {
  path: string;
  name: string;
  type: 'file' | 'directory';
  objects: string;
  size: string;
  /** The item's part of the folder's bytes, 0..1, and as text ("42.1 %"). */
  share: number;
  shareText: string;
  /** Dates only ("2026-11-23"); the tooltips carry the times. */
  oldest: string;
  newest: string;
  oldestTime: string;
  newestTime: string;
  cost: string;
  /** ["1 d: 12.0 MB", "7 d: 15.0 MB"]; none outside Scratch or when nothing expires. */
  expires: string[];
  approximate: boolean;
  bytes: number;
}

const GIB = 1024 ** 3;
/** How often a scan still under way is asked for again (ms). */
export const POLL_INTERVAL = 500;
/** Bars the chart shows; the rest are one bar, "N others". */
export const CHART_BARS = 12;

const count = (n: number) => n.toLocaleString('en-US');
const objects = (n: number) => `${count(n)} object${n === 1 ? '' : 's'}`;

/** "Space Used: Scratch / alice" (the home's path without its trailing slash). */
export function usageTitle(rootLabel: string, path: string): string {
  const where = path.replace(/\/$/, '');
  return where
    ? `Space Used: ${rootLabel} / ${where}`
    : `Space Used: ${rootLabel}`;
}

/** The estimated monthly cost of `bytes` at `price` USD per GiB-month; null without a price. */
export function monthlyCost(
  bytes: number,
  price: number | null
): number | null {
  return price === null || price === undefined ? null : (bytes / GIB) * price;
}

/** "$12.34", "< $0.01" for a cost too small to show, "—" without a price. */
export function formatCost(cost: number | null): string {
  if (cost === null) {
    return '—';
  }
  if (cost > 0 && cost < 0.005) {
    return '< $0.01';
  }
  return `$${cost.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** "42.1 %", "< 0.1 %" for a sliver, "0 %" for nothing. */
export function formatShare(share: number): string {
  if (share <= 0) {
    return '0 %';
  }
  return share < 0.001 ? '< 0.1 %' : `${(share * 100).toFixed(1)} %`;
}

/** What expires when, a line per window: "1 d: 12.0 MB", "3 d: 15.0 MB", "7 d: 15.0 MB". */
export function expiresText(entry: IUsageEntry): string[] {
  const windows = (entry.expires?.within ?? []).filter(w => w.objects > 0);
  return windows.map(w => `${w.days} d: ${formatSize(w.bytes)}`);
}

/** The table's rows, largest first (the server's order, kept for equal sizes). */
export function usageRows(usage: IUsage): IUsageRow[] {
  const total = usage.entries.reduce((sum, e) => sum + e.bytes, 0);
  const rows = usage.entries.map(entry => {
    const share = total > 0 ? entry.bytes / total : 0;
    const more = entry.approximate ? '+' : '';
    return {
      path: entry.path,
      name: entry.name + (entry.type === 'directory' ? '/' : ''),
      type: entry.type,
      objects: count(entry.objects) + more,
      size: formatSize(entry.bytes) + more,
      share,
      shareText: formatShare(share),
      oldest: formatDate(entry.oldest).slice(0, 10),
      newest: formatDate(entry.newest).slice(0, 10),
      oldestTime: formatDate(entry.oldest),
      newestTime: formatDate(entry.newest),
      cost: formatCost(monthlyCost(entry.bytes, usage.pricePerGiBMonth)),
      expires: expiresText(entry),
      approximate: entry.approximate,
      bytes: entry.bytes
    };
  });
  return rows.sort((a, b) => b.bytes - a.bytes);
}

export interface IBar {
  label: string;
  /** The bar's length relative to the largest, 0..1. */
  width: number;
  text: string;
  path: string | null;
}

/** The chart: the largest items, the rest as one bar ("3 others"). */
export function chartBars(rows: IUsageRow[], bars = CHART_BARS): IBar[] {
  const shown = rows.slice(0, rows.length > bars ? bars - 1 : bars);
  const rest = rows.slice(shown.length);
  const parts = shown.map(row => ({
    label: row.name,
    bytes: row.bytes,
    share: row.share,
    path: row.path as string | null
  }));
  if (rest.length) {
    parts.push({
      label: `${rest.length} others`,
      bytes: rest.reduce((sum, row) => sum + row.bytes, 0),
      share: rest.reduce((sum, row) => sum + row.share, 0),
      path: null
    });
  }
  const largest = Math.max(0, ...parts.map(part => part.bytes));
  return parts.map(part => ({
    label: part.label,
    width: largest > 0 ? part.bytes / largest : 0,
    text: `${formatSize(part.bytes)} (${formatShare(part.share)})`,
    path: part.path
  }));
}

/** The line under the title: progress, then how the scan ended. */
export function statusText(usage: IUsage | null, error: string | null): string {
  if (error) {
    return error;
  }
  if (!usage) {
    return 'Scanning…';
  }
  if (!usage.complete) {
    return `Scanning… ${count(usage.scanned)} objects so far`;
  }
  const total = `${objects(usage.objects)}, ${formatSize(usage.bytes)}`;
  if (usage.approximate) {
    return `Approximate (stopped at ${objects(usage.maxObjects)}): at least ${total}; figures marked + are at least that.`;
  }
  return `Complete: ${total}, as of ${formatDate(usage.startedAt)}.`;
}

/** Under the table: where the price comes from, or why there is none. */
export function priceNote(usage: IUsage): string {
  if (usage.pricePerGiBMonth === null) {
    return 'No price is configured for this root, so no cost is estimated.';
  }
  return (
    `Estimated at $${usage.pricePerGiBMonth} per GiB-month (${usage.priceSource ?? 'configured'}); ` +
    'operations and network are not included.'
  );
}

/** The roots the view measures: those the user may write in. */
export function measurableRoots(roots: IRoot[]): IRoot[] {
  return roots.filter(root => root.writable !== null);
}

/**
 * Which root and folder "Show Space Used…" measures: the one asked for, else the
 * panel's open root if it is writable, else the first writable root; always its home
 * unless a folder is asked for. Null when no root is writable.
 */
export function whereToMeasure(
  roots: IRoot[],
  openRoot: IRoot | null,
  asked?: { root?: string; path?: string }
): { root: IRoot; path: string } | null {
  const writable = measurableRoots(roots);
  const root =
    writable.find(r => r.id === asked?.root) ??
    writable.find(r => r.id === openRoot?.id) ??
    writable[0];
  if (!root) {
    return null;
  }
  return { root, path: asked?.path ?? root.home };
}

/** Why a row cannot be deleted ('' when it can). */
export function whyNotDeleteRow(root: IRoot, path: string): string {
  return canDelete(root, path)
    ? ''
    : `You can delete only inside ${root.url}${root.deletable ?? ''}.`;
}

/** Why a row cannot move to persistent ('' when it can; null when it never could: no Scratch). */
export function whyNotMoveRow(
  roots: IRoot[],
  root: IRoot,
  path: string
): string | null {
  if (root.expiryDays === null) {
    return null;
  }
  return whyNotMove(roots, root, [path]);
}

/** When to ask again (ms), or null once the scan is complete. */
export function nextPoll(usage: IUsage | null): number | null {
  return usage && usage.complete ? null : POLL_INTERVAL;
}
