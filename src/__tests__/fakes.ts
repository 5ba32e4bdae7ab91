/**
 * Stand-ins shared by the workflow tests: a job, a delete plan, roots, and an API that
 * records what it is asked. Not a spec file: jest runs only *.spec.ts.
 */
import { IDeletePlan, IEntry, IJob, IRoot } from '../tokens';

export function job(id: string, extra: Partial<IJob> = {}): IJob {
  return {
    id,
    kind: 'transfer',
    label: id,
    state: 'running',
    objectsDone: 0,
    objectsTotal: 1,
    bytesDone: 0,
    bytesTotal: null,
    error: null,
    ...extra
  };
}

export function deletePlan(extra: Partial<IDeletePlan> = {}): IDeletePlan {
  return {
    plan: 't',
    root: 'scratch',
    path: 'demo/run/ocean.zarr/',
    url: 'gs://leap-scratch/demo/run/ocean.zarr/',
    type: 'zarr',
    zarr: true,
    objects: 1200,
    bytes: 2048,
    sample: ['demo/run/ocean.zarr/.zgroup', 'demo/run/ocean.zarr/t/0'],
    earliestExpiry: '2026-12-01T10:00:00Z',
    tokenSecondsLeft: 900,
    complete: true,
    ...extra
  };
}

export const scratch: IRoot = {
  id: 'scratch',
  label: 'Scratch',
  provider: 'gcs',
  bucket: 'leap-scratch',
  url: 'gs://leap-scratch/',
  home: 'alice/',
  writable: 'alice/',
  deletable: 'alice/',
  expiryDays: 7,
  endpoint: null,
  anonymous: false
};

export const persistent: IRoot = {
  ...scratch,
  id: 'persistent',
  label: 'Persistent',
  bucket: 'leap-persistent',
  url: 'gs://leap-persistent/',
  expiryDays: null
};

export const manual: IRoot = {
  id: 'osn-manual',
  label: 'OSN manual',
  provider: 's3',
  bucket: 'leap-pangeo-manual',
  url: 's3://leap-pangeo-manual/',
  home: '',
  writable: null,
  deletable: null,
  expiryDays: null,
  endpoint: 'https://nyu1.osn.mghpcc.org',
  anonymous: true
};

export function entry(path: string, type: IEntry['type'] = 'file'): IEntry {
  return {
    name: path.replace(/\/$/, '').split('/').pop()!,
    path,
    type,
    size: type === 'file' ? 1 : null,
    modified: null,
    created: null,
    expires: null
  };
}

/** A promise and its resolver, to hold a fake's answer until the test lets it go. */
export function deferred<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Let pending promise callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await Promise.resolve();
  }
}
