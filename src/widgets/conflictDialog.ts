/**
 * The conflict question (workflows/conflict.ts) as a dialog: the server's sentence, both
 * sides by size and modified time, what Overwrite replaces, and one button per choice.
 * The question decides the default button (Enter; never Overwrite); this only renders.
 */
import { Dialog } from '@jupyterlab/apputils';
import { Widget } from '@lumino/widgets';

import {
  AskConflict,
  defaultChoiceIndex,
  IConflictQuestion
} from '../workflows/conflict';

/** The dialog's buttons: Cancel, then one per choice, Update and Overwrite as warnings. */
export function conflictButtons(question: IConflictQuestion): Dialog.IButton[] {
  return [
    Dialog.cancelButton(),
    ...question.choices.map(choice =>
      (choice.destructive ? Dialog.warnButton : Dialog.okButton)({
        label: choice.label,
        actions: [choice.policy],
        caption:
          choice.description ??
          (choice.destructive ? question.overwriteNote : '')
      })
    )
  ];
}

/** The default button's index among `conflictButtons` (after Cancel). */
export function conflictDefaultButton(question: IConflictQuestion): number {
  return 1 + defaultChoiceIndex(question);
}

export const askConflict: AskConflict = async question => {
  const dialog = new Dialog({
    title: question.title,
    body: new ConflictBody(question),
    buttons: conflictButtons(question),
    defaultButton: conflictDefaultButton(question)
  });
  dialog.addClass('jp-LeapBuckets-conflictDialog');
  const result = await dialog.launch();
  if (!result.button.accept) {
    return null;
  }
  return (
    question.choices.find(c => c.policy === result.button.actions[0])?.policy ??
    null
  );
};

/** The body: the message, the two sides, what Update does (or why not), what Overwrite replaces. */
export class ConflictBody extends Widget {
  constructor(question: IConflictQuestion) {
    super();
    this.addClass('jp-LeapBuckets-conflict');
    const message = document.createElement('p');
    message.textContent = question.message;
    const sides = document.createElement('ul');
    sides.className = 'jp-LeapBuckets-conflictSides';
    for (const [key, text] of Object.entries(question.sides)) {
      const item = document.createElement('li');
      item.dataset.side = key;
      item.textContent = text;
      sides.appendChild(item);
    }
    const note = document.createElement('p');
    note.className = 'jp-LeapBuckets-conflictOverwrite';
    note.textContent = question.overwriteNote;
    this.node.append(message, sides);
    // What Update does, or why it is not offered here, above what Overwrite destroys.
    for (const choice of question.choices) {
      if (choice.description) {
        this.node.append(
          Private.note('jp-LeapBuckets-conflictUpdate', choice.description)
        );
      }
    }
    for (const missing of question.unavailable) {
      this.node.append(
        Private.note('jp-LeapBuckets-conflictUnavailable', missing.reason)
      );
    }
    this.node.append(note);
  }
}

namespace Private {
  export function note(className: string, text: string): HTMLElement {
    const p = document.createElement('p');
    p.className = className;
    p.textContent = text;
    return p;
  }
}
