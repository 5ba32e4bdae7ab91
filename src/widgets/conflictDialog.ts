/**
 * The conflict question (workflows/transfer.ts) as a dialog: one button per choice,
 * Overwrite as a warning.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';

import { AskConflict } from '../workflows/transfer';

export const askConflict: AskConflict = async question => {
  const result = await showDialog({
    title: question.title,
    body: question.message,
    buttons: [
      Dialog.cancelButton(),
      ...question.choices.map(choice =>
        (choice.destructive ? Dialog.warnButton : Dialog.okButton)({
          label: choice.label,
          actions: [choice.policy]
        })
      )
    ]
  });
  if (!result.button.accept) {
    return null;
  }
  return (
    question.choices.find(c => c.policy === result.button.actions[0])?.policy ??
    null
  );
};
