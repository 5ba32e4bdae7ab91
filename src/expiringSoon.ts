/**
 * The expiring-soon warning: when the panel starts and then periodically, ask the server
 * what in the user's home of each expiring root goes within the threshold, and say so in
 * one notification (what is past its date as "due now"), with actions to show those
 * items and to move them to persistent (which asks first). The last answer is kept, so
 * the move stays reachable as a command once the notification is gone.
 */
import { Notification } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';

import { IBucketsApi } from './api';
import { expiringMessage } from './expiryRules';
import { IExpiring, IRoot } from './tokens';

export interface IExpiringSoonOptions {
  api: IBucketsApi;
  /** The roots to watch (those whose objects expire, with a home). */
  roots: () => IRoot[];
  /** The threshold in hours (from the settings). */
  hours: () => number;
  show: (root: IRoot, days: number) => void;
  move: (root: IRoot, items: IExpiring['items']) => void;
}

export class ExpiringSoon {
  constructor(private readonly options: IExpiringSoonOptions) {}

  /** Emitted after each check of a root. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** What the last check found expiring in each root's home, by root id. */
  get found(): ReadonlyMap<string, { root: IRoot; items: IExpiring['items'] }> {
    return this._found;
  }

  /** Check now, then every `minutes` (0: never again). */
  start(minutes: number): void {
    void this.check();
    this.every(minutes);
  }

  every(minutes: number): void {
    window.clearInterval(this._timer);
    if (minutes > 0) {
      this._timer = window.setInterval(
        () => void this.check(),
        minutes * 60 * 1000
      );
    }
  }

  async check(): Promise<void> {
    const { api, hours, show, move } = this.options;
    const threshold = hours();
    for (const root of this.options
      .roots()
      .filter(r => r.expiryDays !== null && r.home)) {
      let answer;
      try {
        answer = await api.expiring(root.id, threshold);
      } catch {
        continue; // the panel shows listing errors; a warning that cannot be made stays quiet
      }
      const previous = this._shown.get(root.id);
      if (previous) {
        Notification.dismiss(previous);
        this._shown.delete(root.id);
      }
      this._found.delete(root.id);
      if (!answer.items.length) {
        this._changed.emit();
        continue;
      }
      const items = answer.items;
      this._found.set(root.id, { root, items });
      this._changed.emit();
      const message = expiringMessage(root, items, threshold, Date.now());
      const id = Notification.warning(message, {
        autoClose: false,
        actions: [
          {
            label: 'Show',
            callback: () => show(root, Math.max(1, Math.ceil(threshold / 24)))
          },
          {
            label: 'Move to persistent…',
            callback: () => move(root, items),
            displayType: 'accent'
          }
        ]
      });
      this._shown.set(root.id, id);
    }
  }

  dispose(): void {
    window.clearInterval(this._timer);
  }

  private _timer = 0;
  private _shown = new Map<string, string>();
  private _found = new Map<
    string,
    { root: IRoot; items: IExpiring['items'] }
  >();
  private _changed = new Signal<this, void>(this);
}
