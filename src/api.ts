import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  API_NAMESPACE,
  ApiError,
  errorFromResponse,
  requestAPI
} from './request';
import {
  IDeletePlan,
  IDetails,
  IEntry,
  IExpiring,
  IFolderExpiry,
  IHandoff,
  IIcechunkSummary,
  IJob,
  IListPage,
  IReferencesSummary,
  IRootsReply,
  ITransferRequest,
  IUploadRequest
} from './tokens';

/**
 * Typed calls of the server's API. The model takes this interface, so tests can give it
 * a stand-in.
 */
export interface IBucketsApi {
  getRoots(): Promise<IRootsReply>;
  listPage(
    root: string,
    path: string,
    cursor: string | null,
    limit: number
  ): Promise<IListPage>;
  objectUrl(root: string, path: string): string;
  startTransfer(request: ITransferRequest): Promise<IJob>;
  listJobs(): Promise<IJob[]>;
  cancelJob(id: string): Promise<IJob>;
  /** POST jobs/<id>/resume: a new job that skips what is at the target already. */
  resumeJob(id: string): Promise<IJob>;
  startUpload(request: IUploadRequest): Promise<IJob>;
  sendChunk(id: string, offset: number, chunk: Blob): Promise<IJob>;
  planDelete(root: string, path: string): Promise<IDeletePlan>;
  startDelete(plan: string, confirm: string): Promise<IJob>;
  /** Use a confirmed plan up as a Storage batch operations job's manifest (nothing deleted here). */
  handoffDelete(plan: string, confirm: string): Promise<IHandoff>;
  getPlan(plan: string): Promise<IDeletePlan>;
  dropPlan(plan: string): Promise<void>;
  folderExpiry(root: string, path: string): Promise<IFolderExpiry>;
  expiring(root: string, hours: number): Promise<IExpiring>;
  createFolder(root: string, path: string): Promise<IEntry>;
  details(root: string, path: string): Promise<IDetails>;
  /** An object's bytes; undefined when there is no such object. */
  readObject(root: string, path: string): Promise<Uint8Array | undefined>;
  /** GET icechunk: an Icechunk repository's branches, tags and latest snapshot. */
  icechunk(root: string, path: string): Promise<IIcechunkSummary>;
  /** GET references: a reference store's metadata and where its chunks live. */
  references(root: string, path: string): Promise<IReferencesSummary>;
}

export class BucketsApi implements IBucketsApi {
  constructor(
    private readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  getRoots(): Promise<IRootsReply> {
    return requestAPI<IRootsReply>('roots', {}, this.settings);
  }

  listPage(
    root: string,
    path: string,
    cursor: string | null,
    limit: number
  ): Promise<IListPage> {
    const query = Private.query({ root, path, cursor, limit: String(limit) });
    return requestAPI<IListPage>(`list${query}`, {}, this.settings);
  }

  startTransfer(request: ITransferRequest): Promise<IJob> {
    return requestAPI<IJob>(
      'transfers',
      { method: 'POST', body: JSON.stringify(request) },
      this.settings
    );
  }

  async listJobs(): Promise<IJob[]> {
    return (await requestAPI<{ jobs: IJob[] }>('jobs', {}, this.settings)).jobs;
  }

  cancelJob(id: string): Promise<IJob> {
    return requestAPI<IJob>(
      `jobs/${encodeURIComponent(id)}`,
      { method: 'DELETE' },
      this.settings
    );
  }

  resumeJob(id: string): Promise<IJob> {
    return requestAPI<IJob>(
      `jobs/${encodeURIComponent(id)}/resume`,
      { method: 'POST', body: '{}' },
      this.settings
    );
  }

  startUpload(request: IUploadRequest): Promise<IJob> {
    return requestAPI<IJob>(
      'uploads',
      { method: 'POST', body: JSON.stringify(request) },
      this.settings
    );
  }

  sendChunk(id: string, offset: number, chunk: Blob): Promise<IJob> {
    return requestAPI<IJob>(
      `uploads/${encodeURIComponent(id)}?offset=${offset}`,
      {
        method: 'PUT',
        body: chunk,
        headers: { 'Content-Type': 'application/octet-stream' }
      },
      this.settings
    );
  }

  planDelete(root: string, path: string): Promise<IDeletePlan> {
    return requestAPI<IDeletePlan>(
      'delete/plan',
      { method: 'POST', body: JSON.stringify({ root, path }) },
      this.settings
    );
  }

  startDelete(plan: string, confirm: string): Promise<IJob> {
    return requestAPI<IJob>(
      'delete',
      { method: 'POST', body: JSON.stringify({ plan, confirm }) },
      this.settings
    );
  }

  handoffDelete(plan: string, confirm: string): Promise<IHandoff> {
    return requestAPI<IHandoff>(
      'handoff/delete',
      { method: 'POST', body: JSON.stringify({ plan, confirm }) },
      this.settings
    );
  }

  getPlan(plan: string): Promise<IDeletePlan> {
    return requestAPI<IDeletePlan>(
      `delete/plan/${encodeURIComponent(plan)}`,
      {},
      this.settings
    );
  }

  async dropPlan(plan: string): Promise<void> {
    const url = URLExt.join(
      this.settings.baseUrl,
      API_NAMESPACE,
      `delete/plan/${encodeURIComponent(plan)}`
    );
    await ServerConnection.makeRequest(
      url,
      { method: 'DELETE' },
      this.settings
    );
  }

  folderExpiry(root: string, path: string): Promise<IFolderExpiry> {
    return requestAPI<IFolderExpiry>(
      `expiry${Private.query({ root, path })}`,
      {},
      this.settings
    );
  }

  expiring(root: string, hours: number): Promise<IExpiring> {
    return requestAPI<IExpiring>(
      `expiring${Private.query({ root, hours: String(hours) })}`,
      {},
      this.settings
    );
  }

  createFolder(root: string, path: string): Promise<IEntry> {
    return requestAPI<IEntry>(
      'folders',
      { method: 'POST', body: JSON.stringify({ root, path }) },
      this.settings
    );
  }

  details(root: string, path: string): Promise<IDetails> {
    return requestAPI<IDetails>(
      `details${Private.query({ root, path })}`,
      {},
      this.settings
    );
  }

  icechunk(root: string, path: string): Promise<IIcechunkSummary> {
    return requestAPI<IIcechunkSummary>(
      `icechunk${Private.query({ root, path })}`,
      {},
      this.settings
    );
  }

  references(root: string, path: string): Promise<IReferencesSummary> {
    return requestAPI<IReferencesSummary>(
      `references${Private.query({ root, path })}`,
      {},
      this.settings
    );
  }

  async readObject(
    root: string,
    path: string
  ): Promise<Uint8Array | undefined> {
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        this.objectUrl(root, path),
        {},
        this.settings
      );
    } catch {
      throw new ApiError(
        'network',
        'The Jupyter server did not answer; check that it is still running, then retry.',
        0
      );
    }
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
    return new Uint8Array(await response.arrayBuffer());
  }

  objectUrl(root: string, path: string): string {
    return URLExt.join(
      this.settings.baseUrl,
      API_NAMESPACE,
      `object${Private.query({ root, path })}`
    );
  }
}

namespace Private {
  export function query(params: Record<string, string | null>): string {
    const parts = Object.entries(params)
      .filter(([, value]) => value !== null)
      .map(([key, value]) => `${key}=${encodeURIComponent(value as string)}`);
    return parts.length ? `?${parts.join('&')}` : '';
  }
}
