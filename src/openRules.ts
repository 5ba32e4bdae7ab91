/**
 * What opening a file (double-click, Enter, "Open") does, without DOM: notebooks and
 * text open as JupyterLab documents (a copy in the workspace), images and CSV tables
 * are previewed, everything else shows its details. Also the small CSV reader the
 * table preview uses.
 */
import { IEntry } from './tokens';
import { isFolderEntry } from './entryKinds';

export type OpenWith = 'notebook' | 'text' | 'image' | 'csv' | 'details';

/** Larger files show their details instead: a browser tab should not hold them. */
export const OPEN_LIMIT: Record<Exclude<OpenWith, 'details'>, number> = {
  notebook: 20_000_000,
  text: 5_000_000,
  image: 20_000_000,
  csv: 50_000_000
};

/** Rows of a CSV the preview shows (the rest stay in the file). */
export const CSV_PREVIEW_ROWS = 200;

const TEXT = new Set([
  'txt',
  'md',
  'markdown',
  'py',
  'r',
  'jl',
  'sh',
  'json',
  'geojson',
  'yaml',
  'yml',
  'toml',
  'cfg',
  'ini',
  'xml',
  'html',
  'js',
  'ts',
  'log',
  'tex',
  'rst'
]);
const IMAGE = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'bmp']);
const CSV = new Set(['csv', 'tsv']);

/** The extension, lower case, without the dot ("" for none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** How a file entry opens; folders and stores are the listing's, not this. */
export function openWith(entry: IEntry): OpenWith {
  if (isFolderEntry(entry)) {
    return 'details';
  }
  const ext = extensionOf(entry.name);
  const kind: OpenWith =
    ext === 'ipynb'
      ? 'notebook'
      : TEXT.has(ext)
        ? 'text'
        : IMAGE.has(ext)
          ? 'image'
          : CSV.has(ext)
            ? 'csv'
            : 'details';
  if (kind === 'details') {
    return kind;
  }
  return (entry.size ?? 0) <= OPEN_LIMIT[kind] ? kind : 'details';
}

/** An image's MIME type by its extension, for the preview's blob. */
export function imageType(name: string): string {
  const ext = extensionOf(name);
  return ext === 'svg'
    ? 'image/svg+xml'
    : ext === 'jpg'
      ? 'image/jpeg'
      : `image/${ext}`;
}

/**
 * The first `maxRows` rows of CSV (or TSV) text as cells: quoted fields with commas,
 * doubled quotes and line breaks inside are read as RFC 4180 says.
 */
export function parseCsv(
  text: string,
  maxRows = CSV_PREVIEW_ROWS,
  separator = ','
): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length && rows.length < maxRows; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === separator) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') {
        i++;
      }
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if ((field !== '' || row.length) && rows.length < maxRows) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
