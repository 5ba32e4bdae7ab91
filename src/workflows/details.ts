/**
 * The details dialog's data, without DOM: the rows it shows for a file (size, dates,
 * checksums, generation), a folder or a Zarr store (objects, total size, last modified),
 * and in roots whose objects expire, the expiry. The dialog renders `rows` and `status`.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IBucketsApi } from '../api';
import { formatDate, formatSize } from '../format';
import { IDetails, IEntry, IRoot } from '../tokens';
import { isFolderEntry, typeLabel } from '../entryKinds';

/** A row of the dialog: what, and its value as shown. */
export type DetailRow = [string, string];

/** The rows known before the server answers. */
export function basicRows(root: IRoot, entry: IEntry): DetailRow[] {
  return [
    ['URL', `${root.url}${entry.path}`],
    ['Type', typeLabel(entry)]
  ];
}

/** "22 bytes", or "1.2 MB (1,234,567 bytes)". */
export function exactSize(size: number): string {
  return size < 1000
    ? `${size} bytes`
    : `${formatSize(size)} (${size.toLocaleString()} bytes)`;
}

/**
 * The rows the server's details add. `folderExpiry` is the earliest expiry already known
 * for a folder or store (the listing's badge), used when the details carry none.
 */
export function detailRows(
  root: IRoot,
  entry: IEntry,
  details: IDetails,
  folderExpiry: string | null = null
): DetailRow[] {
  const rows: DetailRow[] = [];
  if (details.objects !== undefined) {
    const atLeast = details.approximate ? 'at least ' : '';
    rows.push(
      ['Objects', `${atLeast}${details.objects.toLocaleString()}`],
      ['Total size', `${atLeast}${formatSize(details.bytes ?? 0)}`],
      ['Last modified', details.modified ? formatDate(details.modified) : '—']
    );
  } else {
    rows.push(
      ['Size', exactSize(details.size ?? 0)],
      ['Modified', formatDate(details.modified)],
      ['Created', formatDate(details.created ?? null)]
    );
    for (const [label, value] of [
      ['MD5', details.md5],
      ['CRC32C', details.crc32c],
      ['Generation', details.generation]
    ] as const) {
      if (value) {
        rows.push([label, value]);
      }
    }
  }
  if (root.expiryDays !== null) {
    const expires =
      details.expires ?? (isFolderEntry(entry) ? folderExpiry : null);
    const rule = details.expiresRule ? ` (${details.expiresRule})` : '';
    rows.push(['Expires', expires ? `${formatDate(expires)}${rule}` : '—']);
  }
  return rows;
}

/** What the dialog says while the server answers. */
export function loadingStatus(entry: IEntry): string {
  return !isFolderEntry(entry)
    ? 'Reading its metadata…'
    : 'Counting what lies under it…';
}

/** One entry's details: the rows so far and a status line while loading or on error. */
export class DetailsModel {
  constructor(
    private readonly api: Pick<IBucketsApi, 'details'>,
    readonly root: IRoot,
    readonly entry: IEntry,
    private readonly folderExpiry: string | null = null
  ) {
    this._rows = basicRows(root, entry);
    this._status = loadingStatus(entry);
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get rows(): DetailRow[] {
    return this._rows;
  }
  /** '' once loaded; the error's sentence when the server could not say. */
  get status(): string {
    return this._status;
  }
  get title(): string {
    return this.entry.name || this.root.label;
  }

  async load(): Promise<void> {
    try {
      const details = await this.api.details(this.root.id, this.entry.path);
      this._rows = [
        ...basicRows(this.root, this.entry),
        ...detailRows(this.root, this.entry, details, this.folderExpiry)
      ];
      this._status = '';
    } catch (error) {
      this._status = (error as Error).message;
    }
    this._changed.emit();
  }

  private _rows: DetailRow[];
  private _status: string;
  private _changed = new Signal<this, void>(this);
}
