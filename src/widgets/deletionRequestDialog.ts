/**
 * What "Request Deletion…" will send, shown before the GitHub issue opens: the issue's
 * title and body as text, and where it goes. Renders and forwards; osnRules.ts builds.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

export class DeletionRequestBody extends Widget {
  constructor(title: string, body: string, url: string) {
    super();
    this.addClass('jp-LeapBuckets-deletionRequest');
    const intro = document.createElement('p');
    intro.textContent =
      "Deletions on OSN go through LEAP's Data and Compute team. Open issue shows this request on GitHub in a new tab; nothing is sent until you submit it there.";
    const heading = document.createElement('div');
    heading.className = 'jp-LeapBuckets-deletionRequestTitle';
    heading.textContent = title;
    const text = document.createElement('pre');
    text.className = 'jp-LeapBuckets-deletionRequestText';
    text.textContent = body;
    const where = document.createElement('p');
    where.className = 'jp-LeapBuckets-deletionRequestWhere';
    where.textContent = `Opens ${url.split('?')[0]}`;
    this.node.append(intro, heading, text, where);
  }
}

/** Whether the user chose "Open issue". */
export async function confirmDeletionRequest(
  title: string,
  body: string,
  url: string
): Promise<boolean> {
  const result = await showDialog({
    title: 'Request Deletion',
    body: new DeletionRequestBody(title, body, url),
    buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Open issue' })]
  });
  return result.button.accept;
}
