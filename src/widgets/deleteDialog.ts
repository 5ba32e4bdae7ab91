/**
 * The delete confirmation: it renders a DeletePlanModel (workflows/deletePlan.ts), which
 * holds the plan, follows its counts and decides when the user has confirmed. For
 * folders and stores the name must be typed before the Delete button wakes up; for a
 * file the focus starts on Cancel, so Enter does not delete.
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import { sampleView } from '../deleteRules';
import { formatSize } from '../format';
import { handoffTitle } from '../handoffRules';
import { DeletePlanModel } from '../workflows/deletePlan';

const TYPE_LABEL = { file: 'File', folder: 'Folder', zarr: 'Zarr store' };
const TYPE_IN_TITLE = { file: 'file', folder: 'folder', zarr: 'Zarr store' };

/** The hand-off button's class (it is shown, enabled and titled as the plan allows). */
export const HANDOFF_BUTTON = 'jp-LeapBuckets-handoffButton';

/**
 * The buttons (Cancel, [Hand off to Google…], Delete), which is the default, and where the
 * focus starts. The hand-off button is never the default: it is a deliberate click.
 */
export function deleteDialogOptions(model: DeletePlanModel): {
  buttons: Dialog.IButton[];
  defaultButton: number;
  focusNodeSelector: string;
} {
  const name = model.focus === 'name';
  const handoff = model.mayHandOff
    ? [
        Dialog.okButton({
          label: 'Hand off to Google…',
          className: HANDOFF_BUTTON,
          displayType: 'default'
        })
      ]
    : [];
  const buttons = [
    Dialog.cancelButton(),
    ...handoff,
    Dialog.warnButton({ label: 'Delete' })
  ];
  return {
    buttons,
    defaultButton: name ? buttons.length - 1 : 0,
    focusNodeSelector: name ? 'input' : ''
  };
}

/**
 * Show the plan; resolves true when the user pressed Delete, 'handoff' for the hand-off
 * button (the model says if confirmed).
 */
export async function confirmDelete(
  model: DeletePlanModel
): Promise<boolean | 'handoff'> {
  const body = new DeletePlanBody(model);
  const dialog = new Dialog({
    title: `Delete ${TYPE_IN_TITLE[model.plan.type]} ${model.confirmText}?`,
    body,
    ...deleteDialogOptions(model)
  });
  dialog.addClass('jp-LeapBuckets-deleteDialog');
  const result = await dialog.launch();
  if (!result.button.accept || !model.confirmed) {
    return false;
  }
  return result.button.className.includes(HANDOFF_BUTTON) ? 'handoff' : true;
}

export class DeletePlanBody extends Widget {
  constructor(private readonly model: DeletePlanModel) {
    super();
    this.addClass('jp-LeapBuckets-deletePlan');
    const plan = model.plan;
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
    for (const key of sampleView(plan).shown) {
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
    if (model.needsTypedName) {
      const label = document.createElement('label');
      label.className = 'jp-LeapBuckets-deleteConfirm';
      const prompt = document.createElement('span');
      const name = document.createElement('b');
      name.textContent = model.confirmText;
      prompt.append('Type ', name, ' to confirm:');
      label.appendChild(prompt);
      this._input = document.createElement('input');
      this._input.className = 'jp-mod-styled';
      this._input.spellcheck = false;
      this._input.autocomplete = 'off';
      this._input.addEventListener('input', () => {
        model.typed = this._input!.value;
      });
      label.appendChild(this._input);
      this.node.appendChild(label);
    }
    model.changed.connect(this._render, this);
    this._render();
  }

  protected onAfterAttach(): void {
    this._render();
  }

  /** Show the plan's counts (they grow while the server lists) and the button's state. */
  private _render(): void {
    const plan = this.model.plan;
    const fact = (key: string) =>
      this._facts.querySelector<HTMLElement>(`[data-fact="${key}"]`)!;
    const counting = plan.complete ? '' : ' so far, still counting…';
    const { markers, more } = sampleView(plan);
    const marked = markers
      ? `, including ${markers} hidden folder marker${markers === 1 ? '' : 's'} (.keep)`
      : '';
    fact('objects').textContent =
      `${plan.objects.toLocaleString()}${marked}${counting}`;
    fact('bytes').textContent = `${formatSize(plan.bytes)}${counting}`;
    const expiry = fact('expiry');
    expiry.textContent = plan.earliestExpiry
      ? `from ${new Date(plan.earliestExpiry).toLocaleString()} (scratch deletes it then anyway)`
      : '';
    expiry.hidden = !plan.earliestExpiry;
    (expiry.previousElementSibling as HTMLElement).hidden =
      !plan.earliestExpiry;
    this._more.textContent =
      more > 0 || !plan.complete
        ? `… and ${more.toLocaleString()} more${plan.complete ? '' : ' (counting)'}`
        : '';
    this._more.hidden = !this._more.textContent;
    this.node.dataset.complete = String(plan.complete);
    const button = this.node
      .closest('.jp-Dialog')
      ?.querySelector<HTMLButtonElement>('.jp-mod-warn');
    if (button) {
      button.disabled = !this.model.confirmed;
    }
    const handoff = this.node
      .closest('.jp-Dialog')
      ?.querySelector<HTMLButtonElement>(`.${HANDOFF_BUTTON}`);
    if (handoff) {
      const state = this.model.handoff;
      handoff.hidden = state === 'hidden';
      handoff.disabled = state !== 'ready';
      handoff.title = handoffTitle(state);
    }
  }

  private _facts: HTMLElement;
  private _more: HTMLElement;
  private _input: HTMLInputElement | null = null;
}
