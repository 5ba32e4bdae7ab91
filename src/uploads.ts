/**
 * Files dropped from the desktop: each goes to the server in chunks (PUT uploads/<id>),
 * which streams them into the bucket's own resumable or multipart upload. The browser
 * reads one chunk of the file at a time, so a 1 GiB file never sits in memory here
 * either. Progress and cancel are the job's, like any transfer.
 */
import { IBucketsApi } from './api';
import { ApiError } from './request';
import { ConflictPolicy, IJob } from './tokens';

/** Bytes per request: a multiple of 256 KiB (GCS) and above 5 MiB (S3 parts). */
export const UPLOAD_CHUNK = 8 * 1024 * 1024;

/** A file and the folder path (ending in "/", or "") it goes to under the drop target. */
export interface IDroppedFile {
  file: File;
  folder: string;
}

/**
 * The files of a desktop drop, with folders walked recursively (their relative paths
 * kept), through the File and Directory Entries API where the browser offers it.
 */
export async function droppedFiles(
  data: DataTransfer
): Promise<IDroppedFile[]> {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(data.items ?? [])) {
    const entry = item.kind === 'file' ? item.webkitGetAsEntry?.() : null;
    if (entry) {
      entries.push(entry);
    }
  }
  if (entries.length === 0) {
    return Array.from(data.files ?? []).map(file => ({ file, folder: '' }));
  }
  const out: IDroppedFile[] = [];
  for (const entry of entries) {
    await Private.walk(entry, '', out);
  }
  return out;
}

/**
 * Upload one file into `folder` of `root`. Resolves with the job once the server has
 * every byte (the job then commits and verifies); a job cancelled meanwhile resolves
 * with the cancelled job, quietly. `onSent` hears how many bytes the server has so far.
 */
export async function uploadFile(
  api: IBucketsApi,
  file: Blob & { name: string },
  target: { root: string; path: string },
  conflict: ConflictPolicy,
  onStart: (job: IJob) => void = () => undefined,
  onSent: (bytes: number) => void = () => undefined
): Promise<IJob> {
  let job = await api.startUpload({
    target,
    name: file.name,
    size: file.size,
    conflict
  });
  onStart(job);
  for (let offset = 0; offset < file.size; offset += UPLOAD_CHUNK) {
    const chunk = file.slice(
      offset,
      Math.min(offset + UPLOAD_CHUNK, file.size)
    );
    try {
      job = await api.sendChunk(job.id, offset, chunk);
      onSent(offset + chunk.size);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'upload-closed') {
        return { ...job, state: 'cancelled' };
      }
      throw error;
    }
  }
  return job;
}

namespace Private {
  export async function walk(
    entry: FileSystemEntry,
    folder: string,
    out: IDroppedFile[]
  ): Promise<void> {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) =>
        (entry as FileSystemFileEntry).file(resolve, reject)
      );
      out.push({ file, folder });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    const inside = `${folder}${entry.name}/`;
    for (;;) {
      // readEntries answers in batches (100 in Chromium) until it answers none.
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject)
      );
      if (batch.length === 0) {
        break;
      }
      for (const child of batch) {
        await walk(child, inside, out);
      }
    }
  }
}
