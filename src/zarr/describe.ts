/**
 * What a Zarr store holds, read with zarrita from any store zarrita can read: its groups
 * and arrays as a tree, each array's shape, dimension names, dtype, chunks, codecs,
 * fill value, number of chunks, size and attributes. Zarr v2 (consolidated or not) and
 * v3. Stores without consolidated metadata are walked folder by folder with `listFolders`.
 */
import * as zarr from 'zarrita';
import type { AsyncReadable } from 'zarrita';

/** More nodes than this are left out of the tree (a warning says so). */
export const MAX_NODES = 500;
/** Folders deeper than this are not walked for groups and arrays. */
export const MAX_DEPTH = 8;

export interface IZarrArrayInfo {
  shape: number[];
  dimensions: string[] | null;
  dtype: string;
  chunks: number[];
  /** Codecs (v3) or filters and compressor (v2), as "name(key=value, ...)". */
  codecs: string[];
  fillValue: unknown;
  chunkCount: number;
  /** Uncompressed bytes; null when the dtype has no fixed size. */
  bytes: number | null;
}

export interface IZarrNode {
  /** '/' for the store's top group, else '/a/b'. */
  path: string;
  name: string;
  kind: 'group' | 'array';
  attrs: Record<string, unknown>;
  array?: IZarrArrayInfo;
  children: IZarrNode[];
  /** What went wrong reading this node, if anything. */
  error?: string;
}

export interface IZarrDescription {
  version: 2 | 3;
  consolidated: boolean;
  root: IZarrNode;
  warnings: string[];
}

/** The store holds no Zarr metadata at its top: not a store, or a broken one. */
export class NotAZarrStore extends Error {}

/** Child folder names of a folder of the store ('/' or '/a/b'). */
export type ListFolders = (path: string) => Promise<string[]>;

const decoder = new TextDecoder();

async function readJson(
  store: AsyncReadable,
  key: string
): Promise<Record<string, any> | undefined> {
  const bytes = await store.get(key as `/${string}`);
  if (!bytes) {
    return undefined;
  }
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    throw new NotAZarrStore(`${key.slice(1)} is not valid JSON.`);
  }
}

function join(path: string, name: string): string {
  return path === '/' ? `/${name}` : `${path}/${name}`;
}

/** "zstd(level=0, checksum=false)" from {name, configuration} or a v2 {id, ...}. */
export function codecLabel(codec: Record<string, any>): string {
  const name = codec.name ?? codec.id ?? '?';
  let config = codec.configuration;
  if (!config && codec.name === undefined) {
    config = { ...codec }; // v2: the codec's settings sit beside its id
    delete config.id;
  }
  const parts = Object.entries(config ?? {})
    .filter(([, v]) => typeof v !== 'object' || v === null)
    .map(([k, v]) => `${k}=${v}`);
  const inner = Array.isArray(config?.codecs)
    ? `; inner: ${config.codecs.map(codecLabel).join(', ')}`
    : '';
  return parts.length || inner ? `${name}(${parts.join(', ')}${inner})` : name;
}

function codecsOf(meta: Record<string, any> | undefined): string[] {
  if (!meta) {
    return [];
  }
  if (meta.zarr_format === 3) {
    return (meta.codecs ?? []).map(codecLabel);
  }
  const out = (meta.filters ?? []).map(codecLabel);
  out.push(meta.compressor ? codecLabel(meta.compressor) : 'no compressor');
  return out;
}

/** Bytes per element of a zarrita dtype; null for variable-size ones. */
export function itemSize(dtype: string): number | null {
  if (dtype === 'bool') {
    return 1;
  }
  const bits = /(\d+)$/.exec(dtype);
  return bits && !dtype.startsWith('v2:') ? Number(bits[1]) / 8 : null;
}

export function chunkCount(shape: number[], chunks: number[]): number {
  return shape.reduce(
    (n, size, i) => n * Math.ceil(size / (chunks[i] || 1)),
    1
  );
}

async function arrayInfo(
  store: AsyncReadable,
  array: zarr.Array<zarr.DataType, AsyncReadable>,
  version: 2 | 3
): Promise<IZarrArrayInfo> {
  const raw = await readJson(
    store,
    version === 3 ? join(array.path, 'zarr.json') : join(array.path, '.zarray')
  );
  const shape = array.shape;
  const dtype = String(array.dtype);
  const size = itemSize(dtype);
  const elements = shape.reduce((n, s) => n * s, 1);
  return {
    shape,
    dimensions: array.dimensionNames ?? null,
    dtype,
    chunks: array.chunks,
    codecs: codecsOf(raw),
    fillValue:
      typeof array.fillValue === 'bigint'
        ? array.fillValue.toString()
        : array.fillValue,
    chunkCount: chunkCount(shape, array.chunks),
    bytes: size === null ? null : elements * size
  };
}

function visibleAttrs(attrs: Record<string, unknown>): Record<string, unknown> {
  // _ARRAY_DIMENSIONS is xarray's v2 carrier of dimension names, shown as such.
  const rest = { ...attrs };
  delete rest._ARRAY_DIMENSIONS;
  return rest;
}

/**
 * Describe the store. Throws NotAZarrStore when its top holds no Zarr metadata, with
 * what is missing; problems with single arrays or groups are kept on their nodes.
 */
export async function describeStore(
  source: AsyncReadable,
  listFolders: ListFolders
): Promise<IZarrDescription> {
  const warnings: string[] = [];
  // The version probe, zarrita's consolidated reader and its node opener ask for the same
  // metadata keys: each key is fetched from the server once.
  const fetched = new Map<string, Promise<Uint8Array | undefined>>();
  const raw: AsyncReadable = {
    get: key => {
      if (!fetched.has(key)) {
        fetched.set(key, source.get(key));
      }
      return fetched.get(key)!;
    }
  };
  const top = {
    v3: await readJson(raw, '/zarr.json'),
    zmetadata: await readJson(raw, '/.zmetadata')
  };
  let version: 2 | 3;
  if (top.v3) {
    version = 3;
  } else if (
    top.zmetadata ||
    (await raw.get('/.zgroup')) ||
    (await raw.get('/.zarray'))
  ) {
    version = 2;
  } else {
    throw new NotAZarrStore(
      'No Zarr metadata at the top of this folder: Zarr v3 keeps it in zarr.json, v2 in .zgroup or .zarray (and often .zmetadata). Perhaps the store was not written completely, or it lies one level deeper.'
    );
  }
  let store: AsyncReadable = raw;
  let listed: { path: string; kind: 'array' | 'group' }[] | null = null;
  try {
    const consolidated = await zarr.withConsolidatedMetadata(raw, {
      format: version === 3 ? 'v3' : 'v2'
    });
    store = consolidated;
    listed = consolidated
      .contents()
      .map(c => ({ path: String(c.path), kind: c.kind }));
  } catch {
    listed = null; // not consolidated: walk the folders instead
  }
  const open = (path: string, kind?: 'array' | 'group') => {
    const location = zarr
      .root(store)
      .resolve(path === '/' ? '' : path.slice(1));
    return version === 3
      ? zarr.open.v3(location, { kind })
      : zarr.open.v2(location, { kind });
  };
  let count = 0;
  const makeNode = async (
    path: string,
    kindHint?: 'array' | 'group'
  ): Promise<IZarrNode> => {
    count++;
    const name = path === '/' ? '' : path.split('/').pop()!;
    try {
      const node = await open(path, kindHint);
      if (node instanceof zarr.Array) {
        return {
          path,
          name,
          kind: 'array',
          attrs: visibleAttrs(node.attrs),
          array: await arrayInfo(store, node, version),
          children: []
        };
      }
      return { path, name, kind: 'group', attrs: node.attrs, children: [] };
    } catch (error) {
      const file =
        version === 3
          ? 'zarr.json'
          : kindHint === 'array'
            ? '.zarray'
            : '.zgroup or .zarray';
      return {
        path,
        name,
        kind: kindHint ?? 'group',
        attrs: {},
        children: [],
        error: `Its ${file} could not be read (${(error as Error).message}).`
      };
    }
  };

  const root = await makeNode('/');
  if (root.error) {
    throw new NotAZarrStore(root.error);
  }
  if (listed) {
    // Consolidated: every node is named in the metadata; build the tree from paths.
    const byPath = new Map<string, IZarrNode>([['/', root]]);
    const entries = listed
      .filter(c => c.path !== '/')
      .sort((a, b) => a.path.localeCompare(b.path));
    for (const entry of entries) {
      if (count >= MAX_NODES) {
        warnings.push(
          `Only the first ${MAX_NODES} groups and arrays are shown.`
        );
        break;
      }
      const node = await makeNode(entry.path, entry.kind);
      byPath.set(entry.path, node);
      const parent = entry.path.slice(0, entry.path.lastIndexOf('/')) || '/';
      (byPath.get(parent) ?? root).children.push(node);
    }
  } else {
    const walk = async (group: IZarrNode, depth: number): Promise<void> => {
      if (depth >= MAX_DEPTH) {
        warnings.push(`Groups deeper than ${MAX_DEPTH} levels are not shown.`);
        return;
      }
      const names = (await listFolders(group.path)).sort();
      for (const name of names) {
        if (count >= MAX_NODES) {
          warnings.push(
            `Only the first ${MAX_NODES} groups and arrays are shown.`
          );
          return;
        }
        const path = join(group.path, name);
        if (version === 3 && group.kind === 'array') {
          continue;
        }
        const node = await makeNode(path);
        if (node.error) {
          continue; // a folder without metadata (chunks, notes): not part of the hierarchy
        }
        group.children.push(node);
        if (node.kind === 'group') {
          await walk(node, depth + 1);
        }
      }
    };
    await walk(root, 0);
  }
  return {
    version,
    consolidated: listed !== null,
    root,
    warnings: [...new Set(warnings)]
  };
}

/** Every array of the tree, depth first. */
export function arraysOf(node: IZarrNode): IZarrNode[] {
  const out = node.kind === 'array' ? [node] : [];
  for (const child of node.children) {
    out.push(...arraysOf(child));
  }
  return out;
}
