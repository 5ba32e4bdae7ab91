/**
 * The details dialog: renders a DetailsModel (workflows/details.ts) as a table, with a
 * status line while the server answers or when it could not.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { DetailsModel } from '../workflows/details';

export class DetailsBody extends Widget {
  constructor(private readonly model: DetailsModel) {
    super();
    this.addClass('jp-LeapBuckets-details');
    model.changed.connect(this.render, this);
    this.render();
  }

  render(): void {
    this.node.textContent = '';
    const table = document.createElement('table');
    for (const [key, value] of this.model.rows) {
      const tr = document.createElement('tr');
      const th = document.createElement('th');
      th.textContent = key;
      const td = document.createElement('td');
      td.textContent = value;
      tr.append(th, td);
      table.append(tr);
    }
    this.node.append(table);
    if (this.model.status) {
      const p = document.createElement('p');
      p.className = 'jp-LeapBuckets-detailsStatus';
      p.textContent = this.model.status;
      this.node.append(p);
    }
  }
}

/** Show the details of the model's entry; loads them while the dialog is open. */
export async function showDetailsDialog(model: DetailsModel): Promise<void> {
  const body = new DetailsBody(model);
  void model.load();
  await showDialog({
    title: model.title,
    body,
    buttons: [Dialog.okButton({ label: 'Close' })]
  });
}
