/**
 * What the previews of an Icechunk repository and of a virtual Zarr store (kerchunk
 * references) show, from the server's `GET icechunk` and `GET references`, as text and
 * table rows: DOM-free, so jest checks it; the widgets only lay it out.
 *
 * A reference store's arrays are described by the Zarr preview's own code
 * (zarr/describe.ts), over the metadata the references carry, served as a consolidated
 * Zarr v2 store from memory: nothing else is read.
 */
import type { AbsolutePath, AsyncReadable } from 'zarrita';

import { formatDate, formatSize } from './format';
import {
  IChunkTarget,
  IIcechunkNode,
  IIcechunkRef,
  IIcechunkSummary,
  IReferencesSummary
} from './tokens';
import { describeStore, IZarrDescription } from './zarr/describe';

const encoder = new TextEncoder();

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

/** A store in memory holding `metadata` (by key) and its consolidated `.zmetadata`. */
export function metadataStore(
  metadata: Record<string, unknown>
): AsyncReadable {
  const consolidated = { metadata, zarr_consolidated_format: 1 };
  return {
    get: async (key: AbsolutePath) => {
      const name = key.slice(1);
      if (name === '.zmetadata') {
        return encoder.encode(JSON.stringify(consolidated));
      }
      return name in metadata
        ? encoder.encode(JSON.stringify(metadata[name]))
        : undefined;
    }
  };
}

/** The groups and arrays a reference store describes, as the Zarr preview reads them. */
export function describeReferences(
  summary: IReferencesSummary
): Promise<IZarrDescription> {
  return describeStore(metadataStore(summary.metadata), async () => []);
}

/** The line under a reference store's name. */
export function referencesHeadline(summary: IReferencesSummary): string {
  const parts = [
    summary.format === 'json'
      ? 'kerchunk references (JSON)'
      : 'kerchunk references (Parquet)',
    `${formatSize(summary.bytes)} of ${summary.format === 'json' ? 'references' : 'metadata'}`
  ];
  if (summary.format === 'json') {
    parts.push(chunkSentence(summary));
  }
  return parts.join(' · ');
}

/** "17 chunks: 13 in 1 file, 4 inline" */
export function chunkSentence(summary: IReferencesSummary): string {
  const chunks = summary.chunks ?? 0;
  const inline = summary.inlineChunks ?? 0;
  const targets =
    (summary.targets?.length ?? 0) + (summary.otherTargets?.count ?? 0);
  const outside = chunks - inline;
  const where = [
    outside ? `${outside.toLocaleString()} in ${plural(targets, 'file')}` : '',
    inline ? `${inline.toLocaleString()} inline` : ''
  ].filter(Boolean);
  return `${plural(chunks, 'chunk')}${where.length ? `: ${where.join(', ')}` : ''}`;
}

/** The rows of "Where the chunks live": target, chunks, bytes referenced. */
export function targetRows(summary: IReferencesSummary): string[][] {
  const rows = (summary.targets ?? []).map((t: IChunkTarget) => [
    t.url,
    t.chunks.toLocaleString(),
    t.bytes === null ? '—' : formatSize(t.bytes)
  ]);
  const others = summary.otherTargets;
  if (others && others.count) {
    rows.push([
      `${plural(others.count, 'other file')}`,
      others.chunks.toLocaleString(),
      '—'
    ]);
  }
  if (summary.inlineChunks) {
    rows.push([
      'inline (in the references themselves)',
      summary.inlineChunks.toLocaleString(),
      '—'
    ]);
  }
  return rows;
}

/** What a Parquet reference folder says of its chunks, which the server does not read. */
export function parquetSentence(summary: IReferencesSummary): string {
  const files = summary.parquetFiles ?? 0;
  if (files === 0 && !summary.parquetFilesTruncated) {
    return (
      'This folder holds no Parquet files of chunk references (<array>/refs.<n>.parq), ' +
      'only their metadata: its arrays are described, but their chunks cannot be read.'
    );
  }
  const count = `${files.toLocaleString()}${summary.parquetFilesTruncated ? '+' : ''}`;
  return (
    `The chunk references are in ${count} Parquet file${files === 1 ? '' : 's'} ` +
    `(${(summary.recordSize ?? 0).toLocaleString()} references per file), which this preview does not read; ` +
    'open the store with the Python snippet to reach the chunks.'
  );
}

/** The line under an Icechunk repository's name. */
export function icechunkHeadline(summary: IIcechunkSummary): string {
  const arrays = (summary.latest.nodes ?? []).filter(n => n.kind === 'array');
  return [
    'Icechunk repository',
    plural(summary.branches.length, 'branch', 'branches') +
      (summary.refsTruncated ? '+' : ''),
    plural(summary.tags.length, 'tag'),
    summary.latest.nodes ? `${plural(arrays.length, 'array')} on main` : ''
  ]
    .filter(Boolean)
    .join(' · ');
}

/** Rows of "Latest snapshot on main". */
export function snapshotRows(summary: IIcechunkSummary): string[][] {
  const s = summary.latest;
  const rows = [['Snapshot', s.id]];
  if (s.writtenAt) {
    rows.push(['Written', formatDate(s.writtenAt)]);
  }
  if (s.message !== undefined) {
    rows.push(['Message', s.message || '(none)']);
  }
  if (s.parent !== undefined) {
    rows.push(['Parent', s.parent ?? '(none: the first snapshot)']);
  }
  if (s.tooLarge) {
    rows.push([
      'Contents',
      `not read: the snapshot is ${formatSize(s.bytes)}, more than a preview reads`
    ]);
  }
  return rows;
}

/** Branches (main first) or tags, with their snapshot and whether it is main's latest. */
export function refRows(refs: IIcechunkRef[], latest: string): string[][] {
  const sorted = [...refs].sort((a, b) =>
    a.name === 'main'
      ? -1
      : b.name === 'main'
        ? 1
        : a.name.localeCompare(b.name)
  );
  return sorted.map(r => [
    r.name,
    r.snapshot ?? '(not read)',
    r.snapshot === latest ? 'main’s latest' : ''
  ]);
}

/** Rows of the snapshot's arrays: path, dimensions, shape, type, chunks, units. */
export function icechunkArrayRows(nodes: IIcechunkNode[]): string[][] {
  return nodes
    .filter(n => n.kind === 'array')
    .map(n => [
      n.path,
      (n.dimensions ?? []).join(', '),
      (n.shape ?? []).join(' × ') || '(scalar)',
      n.dtype ?? '',
      (n.chunks ?? []).join(' × '),
      String(n.attrs.units ?? ''),
      String(n.attrs.long_name ?? '')
    ]);
}
