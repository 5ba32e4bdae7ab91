import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { deleteIcon, refreshIcon } from '@jupyterlab/ui-components';

import { bucketIcon } from './icons';
import { BucketPanel } from './widgets/panel';

/** Command ids: `leap-buckets:<verb-noun>`. */
export namespace CommandIDs {
  export const openPanel = 'leap-buckets:open-panel';
  export const refresh = 'leap-buckets:refresh';
  export const showTransfers = 'leap-buckets:show-transfers';
  export const deleteItem = 'leap-buckets:delete-item';
  export const moveToPersistent = 'leap-buckets:move-to-persistent';
}

export const PALETTE_CATEGORY = 'LEAP Buckets';

export function addCommands(
  app: JupyterFrontEnd,
  panel: BucketPanel,
  palette: ICommandPalette | null
): void {
  app.commands.addCommand(CommandIDs.openPanel, {
    label: 'Open the Buckets Panel',
    icon: bucketIcon,
    execute: () => app.shell.activateById(panel.id)
  });
  app.commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh the Bucket Listing',
    icon: refreshIcon,
    isEnabled: () => panel.model.root !== null,
    execute: () => panel.model.refresh()
  });
  app.commands.addCommand(CommandIDs.showTransfers, {
    label: 'Show Bucket Transfers',
    execute: () => {
      app.shell.activateById(panel.id);
      panel.transfers.toggle(true);
      panel.transfers.node.scrollIntoView({ block: 'nearest' });
    }
  });
  app.commands.addCommand(CommandIDs.deleteItem, {
    label: 'Delete the Selected Bucket Item…',
    caption: 'Plan, confirm and delete a file, folder or Zarr store inside your home',
    icon: deleteIcon,
    isEnabled: () => panel.whyNotDelete === '',
    execute: () => panel.deleteSelection()
  });
  app.commands.addCommand(CommandIDs.moveToPersistent, {
    label: 'Move to Persistent',
    caption: 'Move the selection out of scratch, to the same place in your persistent home',
    isEnabled: () => panel.whyNotMove === '',
    execute: () => panel.moveToPersistent()
  });
  for (const command of [
    CommandIDs.openPanel,
    CommandIDs.refresh,
    CommandIDs.showTransfers,
    CommandIDs.deleteItem,
    CommandIDs.moveToPersistent
  ]) {
    palette?.addItem({ command, category: PALETTE_CATEGORY });
  }
}
