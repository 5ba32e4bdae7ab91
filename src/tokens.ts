/**
 * Types of the server's HTTP API (../shared/API.md) and the plugin's ids.
 */

export const PLUGIN_ID = 'jupyterlab-leap-buckets:plugin';
export const PANEL_ID = 'leap-buckets-panel';

export type Provider = 'gcs' | 's3';
export type EntryType =
  'file' | 'directory' | 'zarr' | 'icechunk' | 'virtual-zarr';

export interface IRoot {
  id: string;
  label: string;
  provider: Provider;
  bucket: string;
  url: string;
  /** Where the panel opens; "" for the bucket's root. */
  home: string;
  /** Prefix inside which writes are allowed; null = read-only. */
  writable: string | null;
  /** Prefix inside which deletes are allowed; null = none. */
  deletable: string | null;
  expiryDays: number | null;
  /** The endpoint the server talks to (null: the provider's own); snippets use it. */
  endpoint?: string | null;
  /** Read without credentials (OSN's public buckets). */
  anonymous?: boolean;
}

export interface IRootsReply {
  user: string | null;
  roots: IRoot[];
  /** A sentence to show when writing is off (e.g. the username is unknown). */
  notice?: string | null;
  /** From how many objects or bytes a GCS job is offered to Google (POST handoff/...). */
  handoff?: IHandoffThreshold;
}

export interface IHandoffThreshold {
  objects: number;
  bytes: number;
}

/** A job prepared for Google's own services (Storage Transfer Service, batch operations). */
export interface IHandoff {
  service: string;
  name: string;
  request: { method: string; url: string; body: unknown };
  gcloud: string;
  cost: {
    lines: { what: string; usd: number | null }[];
    totalUsd: number | null;
    note: string;
  };
  objects: number | null;
  bytes: number | null;
  manifest: string | null;
  follow: string;
  /** gs:// URLs of what the job reads and (a transfer) where it writes. */
  source?: string;
  target?: string | null;
}

/** A transfer hand-off asked for: the body of POST transfers, with counts for the cost. */
export interface IHandoffTransferRequest extends ITransferRequest {
  objects?: number;
  bytes?: number;
}

/** A hand-off the user ran and the jobs pane follows by name (GET handoff). */
export interface IHandoffRecord {
  id: string;
  name: string;
  kind: 'transfer' | 'delete';
  service: string;
  project: string;
  source: string | null;
  target: string | null;
  manifest: string | null;
  objects: number | null;
  bytes: number | null;
  gcloud: string;
  follow: string;
  createdAt: string;
  followedAt: string | null;
}

/** Where Google says a handed-off job is (GET handoff/<id>). */
export interface IHandoffStatus {
  state:
    | 'not-started'
    | 'queued'
    | 'running'
    | 'paused'
    | 'done'
    | 'failed'
    | 'cancelled';
  message?: string;
  objectsDone?: number;
  objectsTotal?: number | null;
  objectsFailed?: number;
  bytesDone?: number;
  bytesTotal?: number | null;
  error?: { code: string; message: string } | null;
  checkedAt: string;
}

export interface IEntry {
  name: string;
  path: string;
  type: EntryType;
  size: number | null;
  modified: string | null;
  created: string | null;
  expires: string | null;
  /** The rule behind `expires`, in words. */
  expiresRule?: string;
}

/** How a root's objects expire: from the bucket's lifecycle or the configuration. */
export interface IExpiryPolicy {
  source: 'lifecycle' | 'configuration';
  rules: string[];
}

export interface IListPage {
  entries: IEntry[];
  cursor: string | null;
  expiry?: IExpiryPolicy | null;
}

/** The earliest expiry under a folder or store (`GET expiry`). */
export interface IFolderExpiry {
  path: string;
  expires: string | null;
  rule: string | null;
  approximate: boolean;
  scanned: number;
}

/** `GET details`: a file's metadata and checksums, or a folder's counts. */
export interface IDetails {
  name: string;
  path: string;
  url: string;
  type?: EntryType;
  size?: number | null;
  modified: string | null;
  created?: string | null;
  expires?: string | null;
  expiresRule?: string;
  md5?: string | null;
  crc32c?: string | null;
  generation?: string | null;
  etag?: string | null;
  /** Folders and stores: what lies under them (counted up to a bound). */
  objects?: number;
  bytes?: number;
  approximate?: boolean;
}

/** What in the home expires soon (`GET expiring`). */
export interface IExpiring {
  root: string;
  items: { path: string; expires: string; objects: number }[];
  approximate: boolean;
}

export type SortKey = 'name' | 'size' | 'modified' | 'expires';

export interface ISortState {
  key: SortKey;
  ascending: boolean;
}

export type Place = { root: string; path: string } | { local: string };
export type TransferMode = 'copy' | 'move';
/**
 * 'update' (transfers only, folder into folder): objects with the same size and checksum
 * at the target are skipped, the others replaced, like `rclone copy --checksum`.
 */
export type ConflictPolicy =
  'fail' | 'skip' | 'overwrite' | 'rename' | 'update';

export interface ITransferRequest {
  source: Place;
  target: Place;
  mode: TransferMode;
  conflict: ConflictPolicy;
}

export interface IUploadRequest {
  /** The folder (ending in "/", or "") the file goes into. */
  target: { root: string; path: string };
  name: string;
  size: number;
  conflict: ConflictPolicy;
}

/** What `POST delete/plan` answers: what a delete would remove. */
export interface IDeletePlan {
  plan: string;
  root: string;
  path: string;
  url: string;
  type: 'file' | 'folder' | 'zarr';
  zarr: boolean;
  objects: number;
  bytes: number;
  sample: string[];
  earliestExpiry: string | null;
  /** Seconds this plan token stays valid (not the data: see earliestExpiry). */
  tokenSecondsLeft: number;
  /** False while the server still lists what lies under the path. */
  complete: boolean;
}

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface IJob {
  id: string;
  kind: 'transfer' | 'delete';
  label: string;
  state: JobState;
  objectsDone: number;
  objectsTotal: number | null;
  objectsSkipped?: number;
  objectsFailed?: number;
  bytesDone: number;
  bytesTotal: number | null;
  error: { code: string; message: string } | null;
  rate?: number | null;
  startedAt?: string | null;
  endedAt?: string | null;
  source?: Place | { upload: string };
  target?: Place;
  mode?: TransferMode;
  /** What the transfer did with something already at the target. */
  conflict?: ConflictPolicy;
  /** Its objects are still being listed: the totals so far grow as the listing goes on. */
  listing?: boolean;
  /** One line about the job worth knowing, e.g. that its bytes leave Google's network. */
  note?: string | null;
  /** Deletes: objects kept on purpose (changed since the plan), and what remains. */
  skipped?: { path: string; reason: string }[];
  remaining?: string[];
}

/** The drag payload of rows dragged out of the listing. */
export const PLACES_MIME = 'application/x-leap-buckets-places';

/** A branch or tag of an Icechunk repository; `snapshot` null past the read bound. */
export interface IIcechunkRef {
  name: string;
  snapshot: string | null;
}

/** A group or array of an Icechunk snapshot, as its Zarr metadata says. */
export interface IIcechunkNode {
  path: string;
  kind: 'group' | 'array';
  attrs: Record<string, unknown>;
  shape?: number[];
  chunks?: number[];
  dtype?: string;
  dimensions?: string[] | null;
}

/** What `GET icechunk` answers: the repository's refs and main's latest snapshot. */
export interface IIcechunkSummary {
  branches: IIcechunkRef[];
  tags: IIcechunkRef[];
  refsTruncated: boolean;
  latest: {
    id: string;
    parent?: string | null;
    writtenAt?: string;
    message?: string;
    bytes: number;
    /** The snapshot is past the size the server reads. */
    tooLarge?: boolean;
    nodes?: IIcechunkNode[];
    nodesTruncated?: boolean;
  };
}

/** A file or URL that chunks of a reference store point into. */
export interface IChunkTarget {
  url: string;
  chunks: number;
  bytes: number | null;
}

/** What `GET references` answers for a kerchunk JSON file or Parquet folder. */
export interface IReferencesSummary {
  format: 'json' | 'parquet';
  bytes: number;
  /** The Zarr v2 metadata the references carry, by key ('.zgroup', 'tas/.zarray', ...). */
  metadata: Record<string, unknown>;
  chunks?: number;
  inlineChunks?: number;
  targets?: IChunkTarget[];
  otherTargets?: { count: number; chunks: number };
  recordSize?: number;
  parquetFiles?: number;
  parquetFilesTruncated?: boolean;
}
