import { lockIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { BucketBrowserModel } from '../model';

/**
 * Chooses the root: every configured bucket, read-only ones marked.
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
    this._mark = document.createElement('span');
    this._mark.className = 'jp-LeapBuckets-readOnlyMark';
    this._mark.title =
      'Read-only: you can browse and copy from here, not write';
    const lock = document.createElement('span');
    lockIcon.element({
      container: lock,
      tag: 'span',
      elementSize: 'small',
      elementPosition: 'center'
    });
    this._mark.appendChild(lock);
    const label = document.createElement('span');
    label.textContent = 'read-only';
    this._mark.appendChild(label);
    this.node.append(this._select, this._mark);
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
      this._select.title = root.url;
    }
    this._mark.hidden = !root || root.writable !== null;
  }

  private _select: HTMLSelectElement;
  private _mark: HTMLElement;
  private _rendered = '';
}
