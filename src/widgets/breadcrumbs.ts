import { Widget } from '@lumino/widgets';

import { breadcrumbs } from '../format';
import { BucketBrowserModel } from '../model';

/**
 * The root's URL, then one crumb per folder of the current path; clicking one opens it.
 */
export class Breadcrumbs extends Widget {
  constructor(private readonly model: BucketBrowserModel) {
    super();
    this.addClass('jp-LeapBuckets-breadcrumbs');
    this.node.addEventListener('click', this);
    model.changed.connect(this.render, this);
  }

  handleEvent(event: Event): void {
    const crumb = (event.target as HTMLElement).closest<HTMLElement>(
      '[data-crumb]'
    );
    if (event.type === 'click' && crumb && this.node.contains(crumb)) {
      void this.model.cd(crumb.dataset.crumb ?? '');
    }
  }

  render(): void {
    const root = this.model.root;
    const key = `${root?.id}|${this.model.path}`;
    if (key === this._rendered) {
      return;
    }
    this._rendered = key;
    this.node.textContent = '';
    if (!root) {
      return;
    }
    const crumbs = breadcrumbs(root.url.replace(/\/$/, ''), this.model.path);
    crumbs.forEach((crumb, index) => {
      if (index > 0) {
        const sep = document.createElement('span');
        sep.className = 'jp-LeapBuckets-crumbSep';
        sep.textContent = '/';
        this.node.appendChild(sep);
      }
      const el = document.createElement('span');
      el.className = 'jp-LeapBuckets-crumb';
      el.dataset.crumb = crumb.path;
      el.textContent = crumb.label;
      el.title = `${root.url}${crumb.path}`;
      if (index === crumbs.length - 1) {
        el.classList.add('jp-mod-current');
      }
      this.node.appendChild(el);
    });
  }

  private _rendered = '';
}
