import { lockIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

import { accessMark } from '../commandRules';
import { BucketBrowserModel } from '../model';

/**
 * Below the breadcrumbs, where the user cannot write: a lock and "Read-only: browse and
 * copy from here" on a read-only root, "Not yours: you write in demo/" in another user's
 * folder (commandRules.accessMark decides), so a user knows before trying.
 */
export class AccessMark extends Widget {
  constructor(private readonly model: BucketBrowserModel) {
    super();
    // readOnlyMark: the name tests and themes knew the root switcher's mark by.
    this.addClass('jp-LeapBuckets-accessMark');
    this.addClass('jp-LeapBuckets-readOnlyMark');
    const lock = document.createElement('span');
    lockIcon.element({
      container: lock,
      tag: 'span',
      elementSize: 'small',
      elementPosition: 'center'
    });
    this._text = document.createElement('span');
    this._text.className = 'jp-LeapBuckets-accessText';
    this.node.append(lock, this._text);
    this.node.hidden = true;
  }

  render(): void {
    const mark = accessMark(this.model.root, this.model.path);
    this.node.hidden = !mark;
    this.node.dataset.access = mark?.kind ?? '';
    this._text.textContent = mark?.text ?? '';
    this.node.title = mark?.title ?? '';
  }

  private _text: HTMLElement;
}
