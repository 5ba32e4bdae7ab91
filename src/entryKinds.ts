/**
 * What kind of item an entry is, beyond its `type`: folders include every kind of store
 * (a Zarr store, an Icechunk repository, a Parquet reference folder), while a kerchunk
 * JSON reference file is a store ('virtual-zarr') that is a file. Code that asks "is this
 * a folder?" asks here, never `type !== 'file'`, so a reference file stays a file.
 */
import { EntryType } from './tokens';

/** What these rules need of an entry. */
export interface IKindOf {
  path: string;
  type: EntryType;
}

/** The types that are stores the panel previews. */
export type StoreType = 'zarr' | 'icechunk' | 'virtual-zarr';

/** A folder (a prefix, its path ends in '/'), whatever store it may be. */
export function isFolderEntry(entry: IKindOf): boolean {
  return entry.type === 'virtual-zarr'
    ? entry.path.endsWith('/') // Parquet references; JSON ones are a file
    : entry.type !== 'file';
}

/** A store the panel has a preview for. */
export function isStoreType(type: EntryType): type is StoreType {
  return type === 'zarr' || type === 'icechunk' || type === 'virtual-zarr';
}

/** What an entry is, in words (the details dialog, row tooltips). */
export function typeLabel(entry: IKindOf): string {
  switch (entry.type) {
    case 'file':
      return 'File';
    case 'directory':
      return 'Folder';
    case 'zarr':
      return 'Zarr store';
    case 'icechunk':
      return 'Icechunk repository';
    case 'virtual-zarr':
      return isFolderEntry(entry)
        ? 'Virtual Zarr store (kerchunk Parquet references)'
        : 'Virtual Zarr store (kerchunk JSON references)';
  }
  return 'Item';
}

/** The tag a store shows in the listing's size column; '' for other entries. */
export function storeTag(entry: IKindOf): string {
  switch (entry.type) {
    case 'zarr':
      return 'Zarr';
    case 'icechunk':
      return 'Icechunk';
    case 'virtual-zarr':
      return 'Virtual';
  }
  return '';
}

/** What the preview of a store is called in its tab. */
export function previewLabel(type: StoreType): string {
  return type === 'zarr'
    ? 'Zarr'
    : type === 'icechunk'
      ? 'Icechunk'
      : 'References';
}
