/**
 * The delete confirmation: everything the plan found, and for folders and stores the
 * name typed by hand before the Delete button wakes up.
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { confirmName, needsTypedName } from '../deleteRules';
import { formatSize } from '../format';
import { IDeletePlan } from '../tokens';

const TYPE_LABEL = { file: 'File', folder: 'Folder', zarr: 'Zarr store' };
const TYPE_IN_TITLE = { file: 'file', folder: 'folder', zarr: 'Zarr store' };

/** Show the plan; resolves true when the user confirmed. */
export async function confirmDelete(plan: IDeletePlan): Promise<boolean> {
  const body = new DeletePlanBody(plan);
  const dialog = new Dialog({
    title: `Delete ${TYPE_IN_TITLE[plan.type]} ${confirmName(plan.path)}?`,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })],
    focusNodeSelector: 'input'
  });
  dialog.addClass('jp-LeapBuckets-deleteDialog');
  const result = await dialog.launch();
  return result.button.accept && body.confirmed;
}

export class DeletePlanBody extends Widget {
  constructor(private readonly plan: IDeletePlan) {
    super();
    this.addClass('jp-LeapBuckets-deletePlan');
    const url = document.createElement('code');
    url.className = 'jp-LeapBuckets-deleteUrl';
    url.textContent = plan.url;
    const facts = document.createElement('dl');
    facts.className = 'jp-LeapBuckets-deleteFacts';
    const add = (term: string, value: string, key: string) => {
      const dt = document.createElement('dt');
      dt.textContent = term;
      const dd = document.createElement('dd');
      dd.textContent = value;
      dd.dataset.fact = key;
      facts.append(dt, dd);
    };
    add('Type', TYPE_LABEL[plan.type], 'type');
    add('Objects', plan.objects.toLocaleString(), 'objects');
    add('Size', formatSize(plan.bytes), 'bytes');
    if (plan.earliestExpiry) {
      add('Expires', `from ${new Date(plan.earliestExpiry).toLocaleString()} (scratch deletes it then anyway)`, 'expiry');
    }
    const sample = document.createElement('ul');
    sample.className = 'jp-LeapBuckets-deleteSample';
    const base = plan.path.endsWith('/') ? plan.path : '';
    for (const key of plan.sample) {
      const item = document.createElement('li');
      item.textContent = base ? key.slice(base.length) : key;
      sample.appendChild(item);
    }
    if (plan.objects > plan.sample.length) {
      const more = document.createElement('li');
      more.className = 'jp-LeapBuckets-deleteMore';
      more.textContent = `… and ${(plan.objects - plan.sample.length).toLocaleString()} more`;
      sample.appendChild(more);
    }
    const warning = document.createElement('p');
    warning.className = 'jp-LeapBuckets-deleteWarning';
    warning.textContent =
      'Deleted objects cannot be recovered. Only what is listed here is deleted; anything written under this path after now is kept.';
    this.node.append(url, facts, sample, warning);
    if (needsTypedName(plan.type)) {
      const label = document.createElement('label');
      label.className = 'jp-LeapBuckets-deleteConfirm';
      const prompt = document.createElement('span');
      const name = document.createElement('b');
      name.textContent = confirmName(plan.path);
      prompt.append('Type ', name, ' to confirm:');
      label.appendChild(prompt);
      this._input = document.createElement('input');
      this._input.className = 'jp-mod-styled';
      this._input.spellcheck = false;
      this._input.autocomplete = 'off';
      this._input.addEventListener('input', () => this._update());
      label.appendChild(this._input);
      this.node.appendChild(label);
    }
  }

  /** Whether what was typed (if anything must be) matches. */
  get confirmed(): boolean {
    return !this._input || this._input.value === confirmName(this.plan.path);
  }

  protected onAfterAttach(): void {
    this._update();
  }

  private _update(): void {
    const button = this.node.closest('.jp-Dialog')?.querySelector<HTMLButtonElement>('.jp-mod-warn');
    if (button) {
      button.disabled = !this.confirmed;
    }
  }

  private _input: HTMLInputElement | null = null;
}
