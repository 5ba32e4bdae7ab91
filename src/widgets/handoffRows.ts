/**
 * The jobs pane's rows for hand-offs followed by name: what the job is, its follow
 * command with Copy, what Google last said (Check Status asks again) or why it could not
 * be asked, and Forget. Renders HandoffsModel and forwards the clicks to it.
 */
import { Clipboard } from '@jupyterlab/apputils';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import {
  checkedText,
  handoffJobTitle,
  handoffJobWhat,
  handoffStatusText
} from '../handoffFollowRules';
import { HandoffsModel } from '../handoffs';
import { IHandoffRecord } from '../tokens';
import { jobButton } from './jobButton';

export class HandoffRows extends Widget {
  constructor(private readonly model: HandoffsModel) {
    super();
    this.addClass('jp-LeapBuckets-handoffJobs');
    this.node.addEventListener('click', event => this._onClick(event));
    model.changed.connect(this.render, this);
    this.render();
  }

  /** A Forget the server refused: its message. */
  get failed(): ISignal<this, string> {
    return this._failed;
  }

  /** Rows shown: the jobs pane stays visible while there are any. */
  get count(): number {
    return this.model.items.length;
  }

  render(): void {
    this.node.textContent = '';
    for (const record of this.model.items) {
      this.node.appendChild(this._row(record));
    }
  }

  private _row(record: IHandoffRecord): HTMLElement {
    const check = this.model.check(record.id);
    const state = check.status?.state ?? 'unknown';
    const row = div(
      `jp-LeapBuckets-job jp-LeapBuckets-handoffJob jp-mod-${state}`
    );
    row.dataset.handoff = record.id;
    row.dataset.state = state;
    const label = div('jp-LeapBuckets-jobLabel', handoffJobTitle(record));
    label.title = `${record.service}: ${record.name} (project ${record.project})`;
    row.append(label, div('jp-LeapBuckets-jobText', handoffJobWhat(record)));
    if (check.status) {
      const text = `${handoffStatusText(check.status)} · ${checkedText(check.status)}`;
      row.appendChild(
        div('jp-LeapBuckets-jobText jp-LeapBuckets-handoffStatus', text)
      );
      if (check.status.error) {
        row.appendChild(
          div('jp-LeapBuckets-jobError', check.status.error.message)
        );
      }
    }
    if (check.error) {
      row.appendChild(div('jp-LeapBuckets-jobError', check.error));
    }
    const follow = div('jp-LeapBuckets-handoffFollow');
    const code = document.createElement('code');
    code.textContent = record.follow;
    code.title = record.follow;
    follow.append(
      code,
      button(
        'Copy',
        'copy',
        record.id,
        'Copy the command that follows the job with gcloud'
      )
    );
    row.appendChild(follow);
    const actions = div('jp-LeapBuckets-jobActions');
    const ask = button(
      check.checking ? 'Checking…' : 'Check Status',
      'check',
      record.id,
      'Ask Google where the job is, with this server’s Google credentials'
    );
    ask.disabled = check.checking;
    actions.append(
      ask,
      button(
        'Forget',
        'forget',
        record.id,
        'Stop following it here; the job at Google is not touched'
      )
    );
    row.appendChild(actions);
    return row;
  }

  private _onClick(event: MouseEvent): void {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>(
      'button'
    );
    const id =
      target?.dataset.handoffAction === undefined ? null : target.dataset.id;
    if (!target || !id) {
      return;
    }
    const record = this.model.items.find(item => item.id === id);
    switch (target.dataset.handoffAction) {
      case 'copy':
        if (record) {
          Clipboard.copyToSystem(record.follow);
          target.textContent = 'Copied';
        }
        break;
      case 'check':
        void this.model.checkStatus(id);
        break;
      case 'forget':
        this.model
          .forget(id)
          .catch((error: Error) => this._failed.emit(error.message));
        break;
    }
  }

  private _failed = new Signal<this, string>(this);
}

function div(className: string, text?: string): HTMLElement {
  const el = document.createElement('div');
  el.className = className;
  if (text !== undefined) {
    el.textContent = text;
  }
  return el;
}

function button(
  text: string,
  action: string,
  id: string,
  caption: string
): HTMLButtonElement {
  return jobButton(text, caption, { handoffAction: action, id });
}
