/**
 * Typed calls of the hand-off routes (docs/api.md, "Handing large jobs to Google"): a
 * transfer's hand-off prepared, a hand-off the user ran followed, listed, asked about and
 * forgotten. Kept apart from api.ts's IBucketsApi so the stand-ins of the other tests need
 * nothing new; the model of followed hand-offs (handoffs.ts) takes this interface.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_NAMESPACE, errorFromResponse, requestAPI } from './request';
import {
  IHandoff,
  IHandoffRecord,
  IHandoffStatus,
  IHandoffTransferRequest
} from './tokens';

export interface IHandoffApi {
  /** POST handoff/transfer: the Storage Transfer Service job (nothing is sent). */
  handoffTransfer(request: IHandoffTransferRequest): Promise<IHandoff>;
  /** POST handoff/follow: the user ran it; the jobs pane follows it by name. */
  follow(name: string): Promise<IHandoffRecord>;
  list(): Promise<IHandoffRecord[]>;
  /** GET handoff/<id>: where Google says the job is. */
  status(id: string): Promise<IHandoffRecord & { status: IHandoffStatus }>;
  /** DELETE handoff/<id>: no longer followed here (Google's job is untouched). */
  forget(id: string): Promise<void>;
}

export class HandoffApi implements IHandoffApi {
  constructor(
    private readonly settings: ServerConnection.ISettings = ServerConnection.makeSettings()
  ) {}

  handoffTransfer(request: IHandoffTransferRequest): Promise<IHandoff> {
    return requestAPI<IHandoff>(
      'handoff/transfer',
      { method: 'POST', body: JSON.stringify(request) },
      this.settings
    );
  }

  follow(name: string): Promise<IHandoffRecord> {
    return requestAPI<IHandoffRecord>(
      'handoff/follow',
      { method: 'POST', body: JSON.stringify({ name }) },
      this.settings
    );
  }

  async list(): Promise<IHandoffRecord[]> {
    const reply = await requestAPI<{ handoffs: IHandoffRecord[] }>(
      'handoff',
      {},
      this.settings
    );
    return reply.handoffs;
  }

  status(id: string): Promise<IHandoffRecord & { status: IHandoffStatus }> {
    return requestAPI(`handoff/${encodeURIComponent(id)}`, {}, this.settings);
  }

  async forget(id: string): Promise<void> {
    const url = URLExt.join(
      this.settings.baseUrl,
      API_NAMESPACE,
      `handoff/${encodeURIComponent(id)}`
    );
    const response = await ServerConnection.makeRequest(
      url,
      { method: 'DELETE' },
      this.settings
    );
    if (!response.ok) {
      throw await errorFromResponse(response);
    }
  }
}
