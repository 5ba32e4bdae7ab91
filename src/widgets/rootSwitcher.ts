import { Widget } from '@lumino/widgets';

import { BucketBrowserModel } from '../model';

/**
 * Chooses the root: every configured bucket, read-only ones marked "(read-only)". The
 * select has the row to itself, so the mark is never cut off in a narrow sidebar; where
 * writing is not possible the panel also says so under the breadcrumbs (accessMark.ts).
 */
export class RootSwitcher extends Widget {
  constructor(private readonly model: BucketBrowserModel) {
    super();
    this.addClass('jp-LeapBuckets-rootSwitcher');
    this._select = document.createElement('select');
    this._select.className = 'jp-LeapBuckets-rootSelect';
    this._select.setAttribute('aria-label', 'Bucket root');
    this._select.addEventListener('change', () => {
      void this.model.setRoot(this._select.value);
    });
    this.node.append(this._select);
    model.changed.connect(this.render, this);
  }

  render(): void {
    const roots = this.model.roots;
    const key = roots.map(r => r.id).join('|');
    if (key !== this._rendered) {
      this._rendered = key;
      this._select.textContent = '';
      for (const root of roots) {
        const option = document.createElement('option');
        option.value = root.id;
        option.dataset.readOnly = String(root.writable === null);
        option.textContent =
          root.writable === null ? `${root.label} (read-only)` : root.label;
        option.title = root.url;
        this._select.appendChild(option);
      }
    }
    const root = this.model.root;
    if (root) {
      this._select.value = root.id;
      this._select.title =
        root.writable === null
          ? `${root.url} (read-only: you can browse and copy from it)`
          : root.url;
    }
  }

  private _select: HTMLSelectElement;
  private _rendered = '';
}
