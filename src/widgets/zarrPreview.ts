/**
 * The Zarr preview in the main area: what a store holds, read in the browser with
 * zarrita through the server's `object` route. Its groups and arrays as a tree, and for
 * the selected node its shape, dimensions, dtype, chunks, codecs, fill value, chunk
 * count, size and attributes. A store without metadata gets a message saying what is
 * missing; reading that takes too long ends with a message and a retry button.
 */
import { Widget } from '@lumino/widgets';

import { IBucketsApi } from '../api';
import { formatSize } from '../format';
import { IRoot } from '../tokens';
import {
  arraysOf,
  describeStore,
  IZarrDescription,
  IZarrNode,
  NotAZarrStore
} from '../zarr/describe';
import { BucketZarrStore, folderLister } from '../zarr/store';

/** Give up reading metadata after this long (ms), with a message and a retry button. */
const TIMEOUT = 60_000;

export interface IZarrPreviewOptions {
  api: IBucketsApi;
  root: IRoot;
  /** The store's folder, ending in '/'. */
  path: string;
  /** The Python that opens the store. */
  snippet: string;
  openInNotebook: (code: string) => void;
  copy: (code: string) => void;
}

export class ZarrPreview extends Widget {
  constructor(private readonly options: IZarrPreviewOptions) {
    super();
    this.addClass('jp-LeapBuckets-zarrPreview');
    const name = options.path.replace(/\/$/, '').split('/').pop() ?? '';
    this.title.label = name;
    this.title.caption = `${options.root.url}${options.path}`;
    this.title.closable = true;
    const header = el('div', 'jp-LeapBuckets-zarrHeader');
    const heading = el('h2', 'jp-LeapBuckets-zarrTitle', name);
    const url = el(
      'code',
      'jp-LeapBuckets-zarrUrl',
      `${options.root.url}${options.path.replace(/\/$/, '')}`
    );
    this._summary = el('div', 'jp-LeapBuckets-zarrSummary');
    const buttons = el('div', 'jp-LeapBuckets-zarrButtons');
    const notebook = button('Open in a New Notebook', 'jp-mod-accept', () =>
      options.openInNotebook(options.snippet)
    );
    notebook.classList.add('jp-LeapBuckets-zarrNotebook');
    const copy = button('Copy Python', '', () => options.copy(options.snippet));
    buttons.append(notebook, copy);
    header.append(heading, url, this._summary, buttons);
    this._body = el('div', 'jp-LeapBuckets-zarrBody');
    this.node.append(header, this._body);
    void this.load();
  }

  /** What was read, once it has been. */
  get description(): IZarrDescription | null {
    return this._description;
  }

  /** Read (or read again) the store's metadata and show it. */
  async load(): Promise<void> {
    const { api, root, path } = this.options;
    this._body.textContent = '';
    this._summary.textContent = '';
    this._body.append(
      el('div', 'jp-LeapBuckets-zarrLoading', 'Reading the store’s metadata…')
    );
    const store = new BucketZarrStore(api, root.id, path);
    let timer = 0;
    try {
      const description = await Promise.race([
        describeStore(store, folderLister(api, root.id, path)),
        new Promise<never>((_, reject) => {
          timer = window.setTimeout(
            () =>
              reject(
                new Error(
                  `Reading the metadata took longer than ${TIMEOUT / 1000} s; the server may be busy.`
                )
              ),
            TIMEOUT
          );
        })
      ]);
      this._description = description;
      this._render(description);
    } catch (error) {
      this._showError(error as Error);
    } finally {
      window.clearTimeout(timer);
    }
  }

  private _showError(error: Error): void {
    this._body.textContent = '';
    const box = el('div', 'jp-LeapBuckets-zarrError');
    const title =
      error instanceof NotAZarrStore
        ? 'This folder cannot be read as a Zarr store'
        : 'The store could not be read';
    box.append(el('h3', '', title), el('p', '', error.message));
    box.append(button('Retry', 'jp-mod-accept', () => void this.load()));
    this._body.append(box);
  }

  private _render(description: IZarrDescription): void {
    const arrays = arraysOf(description.root);
    const groups = countGroups(description.root);
    this._summary.textContent = [
      `Zarr v${description.version}`,
      description.consolidated
        ? 'consolidated metadata'
        : 'metadata read node by node',
      `${arrays.length} array${arrays.length === 1 ? '' : 's'}`,
      `${groups} group${groups === 1 ? '' : 's'}`
    ].join(' · ');
    this._body.textContent = '';
    for (const warning of description.warnings) {
      this._body.append(el('p', 'jp-LeapBuckets-zarrWarning', warning));
    }
    this._body.append(
      el('h3', 'jp-LeapBuckets-zarrSection', 'Arrays'),
      arrayTable(arrays)
    );
    const split = el('div', 'jp-LeapBuckets-zarrSplit');
    const tree = el('ul', 'jp-LeapBuckets-zarrTree');
    tree.setAttribute('role', 'tree');
    this._details = el('div', 'jp-LeapBuckets-zarrDetails');
    split.append(tree, this._details);
    this._body.append(
      el('h3', 'jp-LeapBuckets-zarrSection', 'Hierarchy'),
      split
    );
    this._renderTree(tree, description.root, 0);
    this._select(description.root);
  }

  private _renderTree(
    parent: HTMLElement,
    node: IZarrNode,
    depth: number
  ): void {
    const item = el('li', `jp-LeapBuckets-zarrNode jp-mod-${node.kind}`);
    item.setAttribute('role', 'treeitem');
    item.dataset.path = node.path;
    item.style.paddingLeft = `${depth * 16 + 4}px`;
    const label = node.path === '/' ? '/ (root group)' : node.name;
    item.append(
      el('span', 'jp-LeapBuckets-zarrKind', node.kind === 'array' ? '▦' : '▸'),
      el('span', 'jp-LeapBuckets-zarrName', label)
    );
    if (node.array) {
      item.append(
        el(
          'span',
          'jp-LeapBuckets-zarrBrief',
          `${shapeText(node)} ${node.array.dtype}`
        )
      );
    }
    if (node.error) {
      item.classList.add('jp-mod-error');
      item.title = node.error;
    }
    item.addEventListener('click', () => this._select(node));
    this._items.set(node.path, item);
    parent.append(item);
    for (const child of node.children) {
      this._renderTree(parent, child, depth + 1);
    }
  }

  private _select(node: IZarrNode): void {
    this._items.forEach((item, path) =>
      item.classList.toggle('jp-mod-selected', path === node.path)
    );
    const box = this._details;
    box.textContent = '';
    box.append(
      el(
        'h3',
        '',
        node.path === '/'
          ? 'Root group'
          : `${node.kind === 'array' ? 'Array' : 'Group'} ${node.path}`
      )
    );
    if (node.error) {
      box.append(el('p', 'jp-LeapBuckets-zarrWarning', node.error));
    }
    const rows: [string, string][] = [];
    const a = node.array;
    if (a) {
      rows.push(
        ['Shape', shapeText(node)],
        ['Dimensions', a.dimensions ? a.dimensions.join(', ') : '(not named)'],
        ['Data type', a.dtype],
        ['Chunk shape', a.chunks.join(' × ')],
        ['Chunks', a.chunkCount.toLocaleString()],
        ['Codecs', a.codecs.join(' → ') || '(none)'],
        ['Fill value', JSON.stringify(a.fillValue) ?? 'null'],
        [
          'Size (uncompressed)',
          a.bytes === null ? 'variable' : formatSize(a.bytes)
        ]
      );
    } else {
      rows.push([
        'Members',
        node.children.map(c => c.name).join(', ') || '(none)'
      ]);
    }
    box.append(table(rows, 'jp-LeapBuckets-zarrFields'));
    const attrs = Object.entries(node.attrs);
    box.append(el('h4', '', 'Attributes'));
    box.append(
      attrs.length
        ? table(
            attrs.map(([k, v]) => [
              k,
              typeof v === 'string' ? v : JSON.stringify(v)
            ]),
            'jp-LeapBuckets-zarrAttrs'
          )
        : el('p', 'jp-LeapBuckets-zarrNone', 'No attributes.')
    );
  }

  private _summary: HTMLElement;
  private _body: HTMLElement;
  private _details: HTMLElement = document.createElement('div');
  private _items = new Map<string, HTMLElement>();
  private _description: IZarrDescription | null = null;
}

function countGroups(node: IZarrNode): number {
  return (
    (node.kind === 'group' ? 1 : 0) +
    node.children.reduce((n, c) => n + countGroups(c), 0)
  );
}

function shapeText(node: IZarrNode): string {
  const a = node.array!;
  return a.shape.length ? a.shape.join(' × ') : '(scalar)';
}

export function arrayTable(arrays: IZarrNode[]): HTMLElement {
  const head = [
    'Array',
    'Dimensions',
    'Shape',
    'Type',
    'Chunks',
    'Codecs',
    'Units',
    'Long name',
    'Size'
  ];
  const out = document.createElement('table');
  out.className = 'jp-LeapBuckets-zarrArrays';
  const tr = document.createElement('tr');
  for (const h of head) {
    tr.append(el('th', '', h));
  }
  out.append(tr);
  for (const node of arrays) {
    const a = node.array;
    const row = document.createElement('tr');
    row.dataset.path = node.path;
    const cells = a
      ? [
          node.path.slice(1),
          a.dimensions ? a.dimensions.join(', ') : '',
          shapeText(node),
          a.dtype,
          `${a.chunks.join(' × ')} (${a.chunkCount.toLocaleString()})`,
          a.codecs.join(' → '),
          String(node.attrs.units ?? ''),
          String(node.attrs.long_name ?? ''),
          a.bytes === null ? 'variable' : formatSize(a.bytes)
        ]
      : [node.path.slice(1), node.error ?? '', '', '', '', '', '', '', ''];
    for (const text of cells) {
      row.append(el('td', '', text));
    }
    out.append(row);
  }
  return out;
}

export function table(
  rows: [string, string][],
  className: string
): HTMLElement {
  const out = document.createElement('table');
  out.className = className;
  for (const [key, value] of rows) {
    const row = document.createElement('tr');
    row.append(el('th', '', key), el('td', '', value));
    out.append(row);
  }
  return out;
}

export function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

export function button(
  label: string,
  mod: string,
  onClick: () => void
): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = `jp-mod-styled ${mod}`.trim();
  b.textContent = label;
  b.addEventListener('click', onClick);
  return b;
}
