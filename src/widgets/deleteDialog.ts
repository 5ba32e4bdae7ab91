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

/**
 * Show the plan; resolves true when the user confirmed. While the server still lists
 * what lies under the path, `follow` is asked for the plan again and the counts grow.
 */
export async function confirmDelete(
  plan: IDeletePlan,
  follow: (token: string) => Promise<IDeletePlan> = async () => plan
): Promise<boolean> {
  const body = new DeletePlanBody(plan);
  const dialog = new Dialog({
    title: `Delete ${TYPE_IN_TITLE[plan.type]} ${confirmName(plan.path)}?`,
    body,
    buttons: [Dialog.cancelButton(), Dialog.warnButton({ label: 'Delete' })],
    focusNodeSelector: 'input'
  });
  dialog.addClass('jp-LeapBuckets-deleteDialog');
  let open = true;
  const following = (async () => {
    let current = plan;
    while (open && !current.complete) {
      await new Promise(resolve => setTimeout(resolve, FOLLOW_INTERVAL));
      try {
        current = await follow(plan.plan);
      } catch {
        return; // the plan expired or the server went away: the delete will say so
      }
      if (open) {
        body.showPlan(current);
      }
    }
  })();
  const result = await dialog.launch();
  open = false;
  void following;
  return result.button.accept && body.confirmed;
}

/** How often a dialog asks for a plan whose listing is still under way (ms). */
const FOLLOW_INTERVAL = 500;

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
    add('Objects', '', 'objects');
    add('Size', '', 'bytes');
    add('Expires', '', 'expiry');
    this._facts = facts;
    const sample = document.createElement('ul');
    sample.className = 'jp-LeapBuckets-deleteSample';
    const base = plan.path.endsWith('/') ? plan.path : '';
    for (const key of plan.sample) {
      const item = document.createElement('li');
      item.textContent = base ? key.slice(base.length) : key;
      sample.appendChild(item);
    }
    this._more = document.createElement('li');
    this._more.className = 'jp-LeapBuckets-deleteMore';
    sample.appendChild(this._more);
    const warning = document.createElement('p');
    warning.className = 'jp-LeapBuckets-deleteWarning';
    warning.textContent =
      'Deleted objects cannot be recovered. Only what lies under this path now is deleted; anything written there from now on is kept.';
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
    this.showPlan(plan);
  }

  /** Show the plan's counts (they grow while the server lists). */
  showPlan(plan: IDeletePlan): void {
    const fact = (key: string) =>
      this._facts.querySelector<HTMLElement>(`[data-fact="${key}"]`)!;
    const counting = plan.complete ? '' : ' so far, still counting…';
    fact('objects').textContent = `${plan.objects.toLocaleString()}${counting}`;
    fact('bytes').textContent = `${formatSize(plan.bytes)}${counting}`;
    const expiry = fact('expiry');
    expiry.textContent = plan.earliestExpiry
      ? `from ${new Date(plan.earliestExpiry).toLocaleString()} (scratch deletes it then anyway)`
      : '';
    expiry.hidden = !plan.earliestExpiry;
    (expiry.previousElementSibling as HTMLElement).hidden =
      !plan.earliestExpiry;
    const more = plan.objects - plan.sample.length;
    this._more.textContent =
      more > 0 || !plan.complete
        ? `… and ${more.toLocaleString()} more${plan.complete ? '' : ' (counting)'}`
        : '';
    this._more.hidden = !this._more.textContent;
    this.node.dataset.complete = String(plan.complete);
  }

  /** Whether what was typed (if anything must be) matches. */
  get confirmed(): boolean {
    return !this._input || this._input.value === confirmName(this.plan.path);
  }

  protected onAfterAttach(): void {
    this._update();
  }

  private _facts: HTMLElement;
  private _more: HTMLElement;

  private _update(): void {
    const button = this.node
      .closest('.jp-Dialog')
      ?.querySelector<HTMLButtonElement>('.jp-mod-warn');
    if (button) {
      button.disabled = !this.confirmed;
    }
  }

  private _input: HTMLInputElement | null = null;
}
