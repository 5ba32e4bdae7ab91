/**
 * The previews of an Icechunk repository (branches, tags, main's latest snapshot and its
 * arrays) and of a virtual Zarr store (its arrays, where its chunks live), in the main
 * area beside the Zarr preview and looking like it. They render what the server's
 * `GET icechunk` and `GET references` answer, through storeSummaries.ts; errors get the
 * server's sentence and a retry button.
 */
import { Widget } from '@lumino/widgets';

import { IBucketsApi } from '../api';
import {
  describeReferences,
  icechunkArrayRows,
  icechunkHeadline,
  parquetSentence,
  referencesHeadline,
  refRows,
  snapshotRows,
  targetRows
} from '../storeSummaries';
import { IIcechunkSummary, IReferencesSummary, IRoot } from '../tokens';
import { arraysOf } from '../zarr/describe';
import { arrayTable, button, el, table } from './zarrPreview';

export interface IStorePreviewOptions {
  api: IBucketsApi;
  root: IRoot;
  /** The repository's or reference store's path: a folder ending in '/', or a JSON file. */
  path: string;
  kind: 'icechunk' | 'virtual-zarr';
  /** The Python that opens the store. */
  snippet: string;
  openInNotebook: (code: string) => void;
  copy: (code: string) => void;
}

export class StorePreview extends Widget {
  constructor(private readonly options: IStorePreviewOptions) {
    super();
    this.addClass('jp-LeapBuckets-zarrPreview');
    this.addClass('jp-LeapBuckets-storePreview');
    this.node.dataset.kind = options.kind;
    const name = options.path.replace(/\/$/, '').split('/').pop() ?? '';
    this.title.label = name;
    this.title.caption = `${options.root.url}${options.path}`;
    this.title.closable = true;
    const header = el('div', 'jp-LeapBuckets-zarrHeader');
    const url = `${options.root.url}${options.path.replace(/\/$/, '')}`;
    this._summary = el('div', 'jp-LeapBuckets-zarrSummary');
    const buttons = el('div', 'jp-LeapBuckets-zarrButtons');
    const notebook = button('Open in a New Notebook', 'jp-mod-accept', () =>
      options.openInNotebook(options.snippet)
    );
    notebook.classList.add('jp-LeapBuckets-zarrNotebook');
    buttons.append(
      notebook,
      button('Copy Python', '', () => options.copy(options.snippet))
    );
    header.append(
      el('h2', 'jp-LeapBuckets-zarrTitle', name),
      el('code', 'jp-LeapBuckets-zarrUrl', url),
      this._summary,
      buttons
    );
    this._body = el('div', 'jp-LeapBuckets-zarrBody');
    this.node.append(header, this._body);
    void this.load();
  }

  /** Ask the server (again) and show what it says. */
  async load(): Promise<void> {
    const { api, root, path, kind } = this.options;
    this._body.textContent = '';
    this._summary.textContent = '';
    const what = kind === 'icechunk' ? 'repository' : 'references';
    this._body.append(
      el('div', 'jp-LeapBuckets-zarrLoading', `Reading the ${what}…`)
    );
    try {
      if (kind === 'icechunk') {
        this._icechunk(await api.icechunk(root.id, path));
      } else {
        await this._references(await api.references(root.id, path));
      }
    } catch (error) {
      this._body.textContent = '';
      const box = el('div', 'jp-LeapBuckets-zarrError');
      box.append(
        el('h3', '', `The ${what} could not be read`),
        el('p', '', (error as Error).message),
        button('Retry', 'jp-mod-accept', () => void this.load())
      );
      this._body.append(box);
    }
    this.node.dataset.loaded = 'true';
  }

  private _icechunk(summary: IIcechunkSummary): void {
    this._summary.textContent = icechunkHeadline(summary);
    this._body.textContent = '';
    const latest = summary.latest.id;
    this._section('Latest snapshot on main');
    this._body.append(
      table(
        snapshotRows(summary) as [string, string][],
        'jp-LeapBuckets-zarrFields'
      )
    );
    this._section('Branches');
    this._body.append(
      grid(['Branch', 'Snapshot', ''], refRows(summary.branches, latest))
    );
    this._section('Tags');
    this._body.append(
      summary.tags.length
        ? grid(['Tag', 'Snapshot', ''], refRows(summary.tags, latest))
        : el('p', 'jp-LeapBuckets-zarrNone', 'No tags.')
    );
    if (summary.latest.nodes) {
      this._section('Arrays in the latest snapshot');
      const rows = icechunkArrayRows(summary.latest.nodes);
      this._body.append(
        rows.length
          ? grid(
              [
                'Array',
                'Dimensions',
                'Shape',
                'Type',
                'Chunks',
                'Units',
                'Long name'
              ],
              rows
            )
          : el('p', 'jp-LeapBuckets-zarrNone', 'No arrays yet.')
      );
    }
  }

  private async _references(summary: IReferencesSummary): Promise<void> {
    const description = await describeReferences(summary);
    this._summary.textContent = referencesHeadline(summary);
    this._body.textContent = '';
    for (const warning of description.warnings) {
      this._body.append(el('p', 'jp-LeapBuckets-zarrWarning', warning));
    }
    this._section('Arrays');
    this._body.append(arrayTable(arraysOf(description.root)));
    this._section('Where the chunks live');
    if (summary.format === 'parquet') {
      this._body.append(
        el('p', 'jp-LeapBuckets-zarrNone', parquetSentence(summary))
      );
    } else {
      this._body.append(
        grid(
          ['File', 'Chunks', 'Bytes referenced'],
          targetRows(summary),
          'jp-LeapBuckets-targets'
        )
      );
    }
  }

  private _section(title: string): void {
    this._body.append(el('h3', 'jp-LeapBuckets-zarrSection', title));
  }

  private _summary: HTMLElement;
  private _body: HTMLElement;
}

/** A table with a header row, styled as the Zarr preview's arrays. */
function grid(head: string[], rows: string[][], extra = ''): HTMLElement {
  const out = document.createElement('table');
  out.className = `jp-LeapBuckets-zarrArrays ${extra}`.trim();
  const tr = document.createElement('tr');
  for (const h of head) {
    tr.append(el('th', '', h));
  }
  out.append(tr);
  for (const cells of rows) {
    const row = document.createElement('tr');
    for (const text of cells) {
      row.append(el('td', '', text));
    }
    out.append(row);
  }
  return out;
}
