/**
 * The Space Used view (main area): what uses the space in a folder, as a bar chart and
 * a table, filled in while the server's scan runs. It renders a UsageModel through the
 * rules of usageRules.ts and forwards what the user asks (delete, move, refresh, another
 * root) to the callbacks it was given.
 */
import { Widget } from '@lumino/widgets';

import { IRoot } from '../tokens';
import { UsageModel } from '../usageModel';
import { button, el } from './zarrPreview';
import {
  chartBars,
  IUsageRow,
  priceNote,
  statusText,
  usageRows,
  usageTitle,
  whyNotDeleteRow,
  whyNotMoveRow
} from '../usageRules';

export interface IUsageViewOptions {
  model: UsageModel;
  /** Every root of the user (for the switcher and the move rule). */
  roots: () => IRoot[];
  /** The roots that can be measured (writable), offered in the switcher. */
  measurable: () => IRoot[];
  remove(path: string): void;
  move(path: string): void;
  switchTo(rootId: string): void;
  /** Open the view of a folder inside this one. */
  openFolder(path: string): void;
}

export class UsageView extends Widget {
  constructor(private readonly options: IUsageViewOptions) {
    super();
    this.addClass('jp-LeapBuckets-usage');
    const { model } = options;
    const header = el('div', 'jp-LeapBuckets-usageHeader');
    const title = el(
      'h2',
      'jp-LeapBuckets-usageTitle',
      usageTitle(model.root.label, model.path)
    );
    const url = el(
      'span',
      'jp-LeapBuckets-usageUrl',
      `${model.root.url}${model.path}`
    );
    const controls = el('div', 'jp-LeapBuckets-usageControls');
    const switcher = document.createElement('select');
    switcher.className = 'jp-LeapBuckets-usageRoot';
    switcher.title = 'Measure your home in another root (opens its own view)';
    for (const root of options.measurable()) {
      const option = document.createElement('option');
      option.value = root.id;
      option.textContent = root.label;
      option.selected = root.id === model.root.id;
      switcher.append(option);
    }
    switcher.addEventListener('change', () => {
      const chosen = switcher.value;
      switcher.value = model.root.id; // this view stays on its root
      options.switchTo(chosen);
    });
    this._refresh = button('Scan Again', '', () => void model.load(true));
    this._refresh.title =
      'Count everything again now (the figures are otherwise kept for a while)';
    controls.append(switcher, this._refresh);
    header.append(title, url, controls);
    this._status = el('div', 'jp-LeapBuckets-usageStatus');
    this._chart = el('div', 'jp-LeapBuckets-usageChart');
    this._chart.setAttribute('role', 'img');
    this._table = document.createElement('table');
    this._table.className = 'jp-LeapBuckets-usageTable';
    this._note = el('p', 'jp-LeapBuckets-usageNote');
    this.node.append(
      header,
      this._status,
      this._chart,
      this._table,
      this._note
    );
    model.changed.connect(this._render, this);
    this._render();
  }

  get model(): UsageModel {
    return this.options.model;
  }

  dispose(): void {
    if (!this.isDisposed) {
      this.options.model.dispose();
    }
    super.dispose();
  }

  private _render(): void {
    const { model } = this.options;
    const usage = model.usage;
    this._status.textContent = statusText(usage, model.error);
    this._status.classList.toggle('jp-mod-scanning', model.scanning);
    this._status.classList.toggle('jp-mod-error', model.error !== null);
    this._refresh.disabled = model.scanning;
    const rows = usage ? usageRows(usage) : [];
    this._renderChart(rows);
    this._renderTable(rows, !!usage?.expiryWindows);
    this._note.textContent = usage ? priceNote(usage) : '';
  }

  private _renderChart(rows: IUsageRow[]): void {
    const bars = chartBars(rows.filter(row => row.bytes > 0));
    this._chart.replaceChildren(
      ...bars.map(bar => {
        const line = el('div', 'jp-LeapBuckets-usageBarRow');
        line.title = bar.path ?? bar.label;
        const track = el('div', 'jp-LeapBuckets-usageBarTrack');
        const fill = el('div', 'jp-LeapBuckets-usageBar');
        // At least a sliver, so that a small item still shows it has a bar.
        fill.style.width = `${Math.max(bar.width * 100, 0.5)}%`;
        track.append(fill);
        line.append(
          el('span', 'jp-LeapBuckets-usageBarLabel', bar.label),
          track,
          el('span', 'jp-LeapBuckets-usageBarText', bar.text)
        );
        return line;
      })
    );
    this._chart.setAttribute(
      'aria-label',
      bars.map(bar => `${bar.label}: ${bar.text}`).join('; ')
    );
  }

  private _renderTable(rows: IUsageRow[], scratch: boolean): void {
    const heads = [
      'Name',
      'Objects',
      'Size',
      'Share',
      'Oldest',
      'Newest',
      'Est. monthly cost'
    ];
    if (scratch) {
      heads.push('Expires (within)');
    }
    heads.push('');
    const head = document.createElement('tr');
    head.append(...heads.map(text => el('th', '', text)));
    const body = rows.map(row => this._row(row, scratch));
    if (!rows.length && this.options.model.usage?.complete) {
      const empty = document.createElement('tr');
      const cell = el(
        'td',
        'jp-LeapBuckets-usageEmpty',
        'Nothing here uses space.'
      );
      cell.setAttribute('colspan', String(heads.length));
      empty.append(cell);
      body.push(empty);
    }
    const thead = document.createElement('thead');
    thead.append(head);
    const tbody = document.createElement('tbody');
    tbody.append(...body);
    this._table.replaceChildren(thead, tbody);
  }

  private _row(row: IUsageRow, scratch: boolean): HTMLTableRowElement {
    const { model } = this.options;
    const tr = document.createElement('tr');
    tr.className = 'jp-LeapBuckets-usageRow';
    tr.dataset.path = row.path;
    tr.classList.toggle('jp-mod-approximate', row.approximate);
    const name = el('td', 'jp-LeapBuckets-usageName');
    if (row.type === 'directory') {
      const link = el('a', 'jp-LeapBuckets-usageLink', row.name);
      link.setAttribute('href', '#');
      link.title = `What uses the space in ${model.root.url}${row.path}`;
      link.addEventListener('click', event => {
        event.preventDefault();
        this.options.openFolder(row.path);
      });
      name.append(link);
    } else {
      name.textContent = row.name;
      name.title = `${model.root.url}${row.path}`;
    }
    const oldest = el('td', '', row.oldest);
    oldest.title = `Oldest object created ${row.oldestTime}`;
    const newest = el('td', '', row.newest);
    newest.title = `Newest object changed ${row.newestTime}`;
    const cells = [
      name,
      el('td', 'jp-LeapBuckets-usageNumber', row.objects),
      el('td', 'jp-LeapBuckets-usageNumber', row.size),
      el('td', 'jp-LeapBuckets-usageNumber', row.shareText),
      oldest,
      newest,
      el('td', 'jp-LeapBuckets-usageNumber', row.cost)
    ];
    if (scratch) {
      const expires = el('td', 'jp-LeapBuckets-usageExpires');
      expires.append(
        ...(row.expires.length ? row.expires : ['—']).map(line =>
          el('div', '', line)
        )
      );
      expires.title = 'What expires within 1, 3 and 7 days of the scan (bytes)';
      cells.push(expires);
    }
    const cell = el('td', 'jp-LeapBuckets-usageActions');
    const actions = el('div', 'jp-LeapBuckets-usageButtons');
    cell.append(actions);
    const whyNot = whyNotDeleteRow(model.root, row.path);
    // Plain buttons: a column of red ones would shout; the delete dialog warns.
    const remove = button('Delete…', '', () => this.options.remove(row.path));
    remove.disabled = whyNot !== '';
    remove.title = whyNot || `Plan, confirm and delete ${row.name}`;
    actions.append(remove);
    const whyNotMove = whyNotMoveRow(
      this.options.roots(),
      model.root,
      row.path
    );
    if (whyNotMove !== null) {
      const move = button('Move to Persistent…', '', () =>
        this.options.move(row.path)
      );
      move.disabled = whyNotMove !== '';
      move.title =
        whyNotMove ||
        `Move ${row.name} to the same place in your persistent home (asks first)`;
      actions.append(move);
    }
    cells.push(cell);
    tr.append(...cells);
    return tr;
  }

  private _status: HTMLElement;
  private _chart: HTMLElement;
  private _table: HTMLTableElement;
  private _note: HTMLElement;
  private _refresh: HTMLButtonElement;
}
