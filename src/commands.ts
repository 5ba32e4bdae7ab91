import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import {
  CommandToolbarButton,
  copyIcon,
  deleteIcon,
  downloadIcon,
  editIcon,
  fileUploadIcon,
  folderIcon,
  linkIcon,
  newFolderIcon,
  pythonIcon,
  refreshIcon
} from '@jupyterlab/ui-components';

import { BucketActions } from './actions';
import {
  CommandRule,
  labelWithWhy,
  whyNotRemove,
  withWhy
} from './commandRules';
import { bucketIcon } from './icons';
import { PersistentMoves } from './persistentMoves';
import { BucketPanel } from './widgets/panel';

/** Command ids: `leap-buckets:<verb-noun>`. */
export namespace CommandIDs {
  export const openPanel = 'leap-buckets:open-panel';
  export const refresh = 'leap-buckets:refresh';
  export const goToUrl = 'leap-buckets:go-to-url';
  export const openItem = 'leap-buckets:open-item';
  export const previewZarr = 'leap-buckets:preview-zarr';
  export const newFolder = 'leap-buckets:new-folder';
  export const uploadFiles = 'leap-buckets:upload-files';
  export const renameItem = 'leap-buckets:rename-item';
  export const deleteItem = 'leap-buckets:delete-item';
  export const copyUrl = 'leap-buckets:copy-url';
  export const copySnippet = 'leap-buckets:copy-snippet';
  export const downloadToWorkspace = 'leap-buckets:download-to-workspace';
  export const moveToPersistent = 'leap-buckets:move-to-persistent';
  export const moveExpiring = 'leap-buckets:move-expiring-to-persistent';
  export const showTransfers = 'leap-buckets:show-transfers';
  export const showDetails = 'leap-buckets:show-details';
  /** From JupyterLab's file browser (toBucketCommands.ts): args {root?, path?}. */
  export const copyToBucket = 'leap-buckets:copy-to-bucket';
  export const moveToBucket = 'leap-buckets:move-to-bucket';
  /** OSN (osnCommands.ts). */
  export const requestDeletion = 'leap-buckets:request-deletion';
  export const copyHpcUpload = 'leap-buckets:copy-hpc-upload';
}

export const PALETTE_CATEGORY = 'LEAP Buckets';

export function addCommands(
  app: JupyterFrontEnd,
  panel: BucketPanel,
  actions: BucketActions,
  moves: PersistentMoves,
  palette: ICommandPalette | null
): void {
  const { commands } = app;
  /**
   * Enabled where the rule allows; the rule's sentence is the caption when it does not,
   * and a label given says why in a word or two (menus show no caption).
   */
  const ruled = (rule: CommandRule, caption: string, label?: string) => ({
    ...(label
      ? { label: () => labelWithWhy(label, rule, actions.context) }
      : {}),
    isEnabled: () => actions.why(rule) === '',
    caption: () => actions.why(rule) || caption
  });

  commands.addCommand(CommandIDs.openPanel, {
    label: 'Open the Buckets Panel',
    icon: bucketIcon,
    execute: () => app.shell.activateById(panel.id)
  });
  commands.addCommand(CommandIDs.refresh, {
    label: 'Refresh the Bucket Listing',
    caption: 'Refresh the listing',
    icon: refreshIcon,
    isEnabled: () => panel.model.root !== null,
    execute: () => panel.model.refresh()
  });
  commands.addCommand(CommandIDs.goToUrl, {
    label: 'Go to a Bucket URL…',
    caption: 'Open a pasted gs:// or s3:// address in the root that shows it',
    // A link, not a magnifier: it opens an address, it does not search.
    icon: linkIcon,
    execute: args =>
      actions.goToUrl(typeof args.url === 'string' ? args.url : undefined)
  });
  commands.addCommand(CommandIDs.openItem, {
    label: 'Open',
    icon: folderIcon,
    isEnabled: () => actions.context.selection.length === 1,
    execute: () => {
      const entry = actions.context.selection[0];
      return entry ? actions.open(entry) : undefined;
    }
  });
  commands.addCommand(CommandIDs.previewZarr, {
    label: 'Preview Zarr Store',
    icon: bucketIcon,
    ...ruled('preview', 'Show the groups, arrays and attributes of the store'),
    isVisible: () => actions.why('preview') === '',
    execute: () => actions.preview()
  });
  commands.addCommand(CommandIDs.newFolder, {
    icon: newFolderIcon,
    ...ruled(
      'newFolder',
      'Make a folder in the open bucket folder',
      'New Bucket Folder…'
    ),
    execute: args =>
      actions.newFolder(typeof args.name === 'string' ? args.name : undefined)
  });
  commands.addCommand(CommandIDs.uploadFiles, {
    icon: fileUploadIcon,
    ...ruled(
      'upload',
      'Upload files from this computer into the open bucket folder',
      'Upload Files to the Bucket…'
    ),
    execute: () => actions.upload()
  });
  commands.addCommand(CommandIDs.renameItem, {
    icon: editIcon,
    ...ruled(
      'rename',
      'Rename the selected file, folder or store (F2)',
      'Rename…'
    ),
    execute: args =>
      actions.rename(typeof args.name === 'string' ? args.name : undefined)
  });
  commands.addCommand(CommandIDs.deleteItem, {
    icon: deleteIcon,
    ...ruled(
      'delete',
      'Plan, confirm and delete a file, folder or Zarr store inside your home',
      'Delete…'
    ),
    execute: () => actions.deleteItem()
  });
  commands.addCommand(CommandIDs.copyUrl, {
    label: 'Copy Bucket URL',
    icon: linkIcon,
    ...ruled(
      'copyUrl',
      'Copy the gs:// or s3:// address of the selection, or of the open folder'
    ),
    execute: () => actions.copyUrl()
  });
  commands.addCommand(CommandIDs.copySnippet, {
    label: 'Copy Python to Open It',
    icon: pythonIcon,
    ...ruled(
      'copySnippet',
      'Copy code that opens the item (xarray, pandas or fsspec, with the storage options it needs)'
    ),
    execute: () => actions.copySnippet()
  });
  commands.addCommand(CommandIDs.downloadToWorkspace, {
    label: 'Download to the Workspace',
    icon: downloadIcon,
    ...ruled(
      'download',
      "Copy the selection into the file browser's open folder (a server-side job)"
    ),
    execute: () => actions.download()
  });
  commands.addCommand(CommandIDs.moveToPersistent, {
    // A move deletes the source: where that is not allowed, the label says why.
    label: () =>
      withWhy(
        'Move to Persistent…',
        moves.whyNotMove
          ? whyNotRemove(panel.model.root, panel.listing.selection)
          : ''
      ),
    icon: copyIcon,
    caption: () =>
      moves.whyNotMove ||
      'Move the selection out of scratch, to the same place in your persistent home (asks first)',
    isEnabled: () => moves.whyNotMove === '',
    isVisible: () =>
      panel.model.root?.expiryDays !== null &&
      panel.model.root?.expiryDays !== undefined,
    execute: () => moves.move()
  });
  // The expiring-soon notification's action, reachable once the notification is gone.
  commands.addCommand(CommandIDs.moveExpiring, {
    label: 'Move Expiring Items to Persistent…',
    icon: copyIcon,
    caption: () =>
      moves.whyNotMoveExpiring ||
      'Move what in your scratch home expires soon to your persistent home (asks first)',
    isEnabled: () => moves.whyNotMoveExpiring === '',
    execute: args =>
      moves.moveExpiring(typeof args.root === 'string' ? args.root : undefined)
  });
  commands.addCommand(CommandIDs.showTransfers, {
    label: 'Show Bucket Transfers',
    execute: () => {
      app.shell.activateById(panel.id);
      panel.transfers.toggle(true);
      panel.transfers.node.scrollIntoView({ block: 'nearest' });
    }
  });
  commands.addCommand(CommandIDs.showDetails, {
    label: 'Show Details',
    ...ruled(
      'details',
      'Size, dates, checksums, expiry; for folders and stores, how many objects'
    ),
    execute: () => actions.showDetails()
  });

  for (const command of [
    CommandIDs.openPanel,
    CommandIDs.refresh,
    CommandIDs.goToUrl,
    CommandIDs.newFolder,
    CommandIDs.uploadFiles,
    CommandIDs.renameItem,
    CommandIDs.deleteItem,
    CommandIDs.copyUrl,
    CommandIDs.copySnippet,
    CommandIDs.downloadToWorkspace,
    CommandIDs.moveToPersistent,
    CommandIDs.moveExpiring,
    CommandIDs.showTransfers,
    CommandIDs.showDetails,
    CommandIDs.previewZarr
  ]) {
    palette?.addItem({ command, category: PALETTE_CATEGORY });
  }

  // Enablement follows the selection and the open folder.
  const changed = () => commands.notifyCommandChanged();
  panel.listing.selectionChanged.connect(changed);
  panel.model.changed.connect(changed);
  panel.listing.deleteRequested.connect(
    () => void commands.execute(CommandIDs.deleteItem)
  );

  // The panel's toolbar: icon buttons, each a command, as in the file browser.
  for (const [name, id] of TOOLBAR) {
    panel.toolbar.addItem(
      name,
      new CommandToolbarButton({ commands, id, label: '' })
    );
  }
}

/** The toolbar's buttons, left to right, by item name. */
const TOOLBAR: [string, string][] = [
  ['new-folder', CommandIDs.newFolder],
  ['upload', CommandIDs.uploadFiles],
  ['go-to-url', CommandIDs.goToUrl],
  ['delete', CommandIDs.deleteItem],
  ['refresh', CommandIDs.refresh]
];
