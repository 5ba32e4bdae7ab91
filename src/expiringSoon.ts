/**
 * The expiring-soon warning: when the panel starts and then periodically, ask the server
 * what in the user's home of each expiring root goes within the threshold, and say so in
 * one notification, with actions to show those items and to move them to persistent.
 */
import { Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { IRoot } from './tokens';

export interface IExpiringSoonOptions {
  api: IBucketsApi;
  /** The roots to watch (those whose objects expire, with a home). */
  roots: () => IRoot[];
  /** The threshold in hours (from the settings). */
  hours: () => number;
  show: (root: IRoot, days: number) => void;
  move: (root: IRoot, paths: string[]) => void;
}

export class ExpiringSoon {
  constructor(private readonly options: IExpiringSoonOptions) {}

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
      if (!answer.items.length) {
        continue;
      }
      const names = answer.items.map(item =>
        item.path.slice(root.home.length).replace(/\/$/, '')
      );
      const listed =
        names.slice(0, 3).join(', ') +
        (names.length > 3 ? ` and ${names.length - 3} more` : '');
      const message =
        `${names.length} item${names.length > 1 ? 's' : ''} in your ${root.label} home ` +
        `(${root.url}${root.home}) expire within ${threshold} hours: ${listed}.`;
      const paths = answer.items.map(item => item.path);
      const id = Notification.warning(message, {
        autoClose: false,
        actions: [
          {
            label: 'Show',
            callback: () => show(root, Math.max(1, Math.ceil(threshold / 24)))
          },
          {
            label: 'Move to persistent',
            callback: () => move(root, paths),
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
}
