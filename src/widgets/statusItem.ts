import { Widget } from '@lumino/widgets';

import { JobsModel } from '../jobs';

/**
 * The status bar item: how many transfers run, shown only while some do; a click opens
 * the transfers view.
 */
export class TransfersStatus extends Widget {
  constructor(
    private readonly jobs: JobsModel,
    onClick: () => void
  ) {
    super();
    this.addClass('jp-LeapBuckets-statusItem');
    this.node.title =
      'Bucket transfers running on the server; click to show them';
    this.node.addEventListener('click', onClick);
    jobs.changed.connect(this.render, this);
    this.render();
  }

  render(): void {
    const running = this.jobs.running;
    this.node.textContent =
      running === 1 ? '⇅ 1 transfer' : `⇅ ${running} transfers`;
    this.node.dataset.running = String(running);
  }
}
