/**
 * The confirmation of a move to persistent: it renders the summary of
 * workflows/moveToPersistent.ts (the items, each one's size and expiry, the total and
 * the destination URL). Cancel is the default: Enter moves nothing.
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { IMoveSummary } from '../workflows/moveToPersistent';

/** Show the summary; resolves true only when the user pressed the move button. */
export async function confirmMove(summary: IMoveSummary): Promise<boolean> {
  const dialog = new Dialog({
    title: summary.title,
    body: new MoveSummaryBody(summary),
    buttons: [
      Dialog.cancelButton(),
      Dialog.okButton({ label: summary.confirmLabel })
    ],
    defaultButton: 0
  });
  dialog.addClass('jp-LeapBuckets-moveDialog');
  const result = await dialog.launch();
  return result.button.accept;
}

export class MoveSummaryBody extends Widget {
  constructor(summary: IMoveSummary) {
    super();
    this.addClass('jp-LeapBuckets-moveSummary');
    const list = document.createElement('ul');
    list.className = 'jp-LeapBuckets-moveItems';
    for (const item of summary.items) {
      const li = document.createElement('li');
      li.dataset.path = item.path;
      li.dataset.due = item.due ? 'now' : 'later';
      li.textContent = `${item.name} — ${item.size}, ${item.when}`;
      list.appendChild(li);
    }
    const facts = document.createElement('dl');
    facts.className = 'jp-LeapBuckets-deleteFacts';
    for (const [term, value, key] of [
      ['Total', summary.total, 'total'],
      ['To', summary.destination, 'destination']
    ]) {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.dataset.fact = key;
      dd.textContent = value;
      facts.append(dt, dd);
    }
    const note = document.createElement('p');
    note.textContent = summary.note;
    this.node.append(list, facts, note);
  }
}
