/**
 * The hand-offs the user ran and follows by name (GET handoff), with what Google last
 * said of each: asked only when the user presses Check Status (each check is a request to
 * Google with the server's credentials), and the server's message kept when it could not
 * ask (no credentials, no network: it names the command to run instead). No DOM.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IHandoffApi } from './handoffApi';
import { IHandoff, IHandoffRecord, IHandoffStatus } from './tokens';

/** What is known of one followed hand-off's status. */
export interface IHandoffCheck {
  checking: boolean;
  status: IHandoffStatus | null;
  /** Why Google could not be asked (the server's message), '' when it was. */
  error: string;
}

export class HandoffsModel {
  constructor(private readonly api: IHandoffApi) {}

  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get items(): IHandoffRecord[] {
    return this._items;
  }

  check(id: string): IHandoffCheck {
    return this._checks.get(id) ?? { checking: false, status: null, error: '' };
  }

  async refresh(): Promise<void> {
    this._items = await this.api.list();
    this._changed.emit();
  }

  /** The user ran `handoff`: keep it, so the jobs pane follows it. */
  async follow(handoff: IHandoff): Promise<IHandoffRecord> {
    const record = await this.api.follow(handoff.name);
    this._items = [record, ...this._items.filter(i => i.id !== record.id)];
    this._changed.emit();
    return record;
  }

  /** Ask the server where Google says the job is. */
  async checkStatus(id: string): Promise<void> {
    this._checks.set(id, { ...this.check(id), checking: true });
    this._changed.emit();
    try {
      const reply = await this.api.status(id);
      this._checks.set(id, {
        checking: false,
        status: reply.status,
        error: ''
      });
    } catch (error) {
      // Shown in the job's row: the message says which command to run instead.
      this._checks.set(id, {
        checking: false,
        status: this.check(id).status,
        error: (error as Error).message
      });
    }
    this._changed.emit();
  }

  /** Stop following it here; the job at Google is not touched. */
  async forget(id: string): Promise<void> {
    await this.api.forget(id);
    this._items = this._items.filter(i => i.id !== id);
    this._checks.delete(id);
    this._changed.emit();
  }

  private _items: IHandoffRecord[] = [];
  private _checks = new Map<string, IHandoffCheck>();
  private _changed = new Signal<this, void>(this);
}
