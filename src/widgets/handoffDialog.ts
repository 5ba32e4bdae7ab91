/**
 * What a hand-off prepared (POST handoff/...): the `gcloud` command to run, with a Copy
 * button, what it costs, the manifest it deletes from, how to follow the job, and the API
 * request itself for those who send it another way. Nothing here sends anything to Google.
 */
import { Clipboard, Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { usd } from '../handoffRules';
import { IHandoff } from '../tokens';
import { IHandoffNotes } from '../workflows/handoff';

export class HandoffBody extends Widget {
  constructor(handoff: IHandoff, notes: IHandoffNotes = {}) {
    super();
    this.addClass('jp-LeapBuckets-handoff');
    const intro = document.createElement('p');
    intro.textContent = handoff.manifest
      ? `Nothing has been deleted. The ${handoff.objects?.toLocaleString()} objects you confirmed, each in the version it had then, are listed in the manifest below; this command has Google's ${handoff.service} delete exactly them. Run it where gcloud has rights on the project.`
      : `Nothing has been copied. This command has Google's ${handoff.service} copy ${handoff.source ?? ''} into ${handoff.target ?? ''} without this server. Run it where gcloud has rights on the project. ${notes.conflict ?? ''}`;
    this.node.appendChild(intro);
    if (notes.runningJob) {
      const running = document.createElement('p');
      running.className = 'jp-LeapBuckets-handoffRunning';
      running.textContent = notes.runningJob;
      this.node.appendChild(running);
    }
    this.node.append(this._block('Command', handoff.gcloud, 'gcloud'));
    if (handoff.manifest) {
      this.node.append(this._fact('Manifest', handoff.manifest));
    }
    const costs = document.createElement('table');
    costs.className = 'jp-LeapBuckets-handoffCost';
    for (const line of handoff.cost.lines) {
      const row = costs.insertRow();
      row.insertCell().textContent = line.what;
      row.insertCell().textContent = usd(line.usd);
    }
    const total = costs.insertRow();
    total.className = 'jp-LeapBuckets-handoffTotal';
    total.insertCell().textContent = 'Estimated total';
    total.insertCell().textContent = usd(handoff.cost.totalUsd);
    const note = document.createElement('p');
    note.className = 'jp-LeapBuckets-handoffNote';
    note.textContent = handoff.cost.note;
    this.node.append(
      costs,
      note,
      this._block('Follow it', handoff.follow, 'follow')
    );
    const request = document.createElement('details');
    const summary = document.createElement('summary');
    summary.textContent = `The API request (${handoff.request.method} ${handoff.request.url})`;
    const body = document.createElement('pre');
    body.textContent = JSON.stringify(handoff.request.body, null, 2);
    request.append(summary, body);
    this.node.appendChild(request);
  }

  private _block(label: string, text: string, key: string): HTMLElement {
    const block = document.createElement('div');
    block.className = 'jp-LeapBuckets-handoffBlock';
    block.dataset.block = key;
    const head = document.createElement('div');
    head.className = 'jp-LeapBuckets-handoffLabel';
    head.textContent = label;
    const copy = document.createElement('button');
    copy.className = 'jp-mod-styled jp-mod-reject';
    copy.textContent = 'Copy';
    copy.title = `Copy the ${label.toLowerCase()} to the clipboard`;
    copy.addEventListener('click', () => {
      Clipboard.copyToSystem(text);
      copy.textContent = 'Copied';
    });
    head.appendChild(copy);
    const code = document.createElement('pre');
    code.textContent = text;
    block.append(head, code);
    return block;
  }

  private _fact(label: string, value: string): HTMLElement {
    const line = document.createElement('p');
    const name = document.createElement('b');
    name.textContent = `${label}: `;
    const code = document.createElement('code');
    code.textContent = value;
    line.append(name, code);
    return line;
  }
}

/**
 * Show a prepared hand-off; resolves 'follow' when the user, having run the command,
 * asks the jobs pane to follow the job by name (offered when `canFollow`), else 'close'.
 */
export async function askHandoff(
  handoff: IHandoff,
  notes: IHandoffNotes = {},
  canFollow = true
): Promise<'follow' | 'close'> {
  const follow = Dialog.okButton({
    label: 'Record and Follow',
    caption:
      'Once you have run the command: list the job in the jobs pane by its name, to check its status there',
    className: 'jp-LeapBuckets-handoffFollowButton'
  });
  const dialog = new Dialog({
    title: `Hand off to ${handoff.service}`,
    body: new HandoffBody(handoff, notes),
    buttons: [
      Dialog.cancelButton({ label: 'Close' }),
      ...(canFollow ? [follow] : [])
    ],
    // Closing is the default: following is a deliberate click, after running the command.
    defaultButton: 0
  });
  dialog.addClass('jp-LeapBuckets-handoffDialog');
  const result = await dialog.launch();
  return result.button.accept ? 'follow' : 'close';
}
