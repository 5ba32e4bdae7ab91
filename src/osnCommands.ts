/**
 * OSN as LEAP runs it: deletions are requested from the Data and Compute team (a
 * pre-filled GitHub issue), and HPC users push into the inbox with rclone.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { Clipboard, ICommandPalette, Notification } from '@jupyterlab/apputils';
import { copyIcon, deleteIcon } from '@jupyterlab/ui-components';

import { BucketActions } from './actions';
import { IBucketsApi } from './api';
import { CommandIDs, PALETTE_CATEGORY } from './commands';
import { hpcUploadCommand, takesHpcUploads } from './hpcUpload';
import {
  DEFAULT_ISSUE_TEMPLATE,
  issueBody,
  issueTitle,
  issueUrl,
  requestsDeletion
} from './osnRules';
import { IDetails, IEntry } from './tokens';
import { isFolderEntry } from './entryKinds';
import { BucketPanel } from './widgets/panel';
import { confirmDeletionRequest } from './widgets/deletionRequestDialog';

export class OsnCommands {
  /** The new-issue URL template (the `deletionRequestUrl` setting). */
  issueTemplate = DEFAULT_ISSUE_TEMPLATE;

  constructor(
    private readonly panel: BucketPanel,
    private readonly actions: BucketActions,
    private readonly api: IBucketsApi
  ) {}

  /** The one selected item, else the open folder (not the bucket's root). */
  private get target(): { path: string; file: boolean } | null {
    const { selection, folder } = this.actions.context;
    if (selection.length === 1) {
      return {
        path: selection[0].path,
        file: !isFolderEntry(selection[0])
      };
    }
    return selection.length === 0 && folder
      ? { path: folder, file: false }
      : null;
  }

  get whyNotRequest(): string {
    const { root } = this.actions.context;
    if (!requestsDeletion(root)) {
      return 'Deletions are requested only where deleting is off (OSN).';
    }
    return this.target ? '' : 'Select one item to request its deletion.';
  }

  async requestDeletion(): Promise<void> {
    const why = this.whyNotRequest;
    const target = this.target;
    const root = this.actions.context.root;
    if (why || !target || !root) {
      Notification.warning(why, { autoClose: 5000 });
      return;
    }
    // GET details counts what lies under a folder; a file is itself one object.
    let details: IDetails;
    try {
      details = await this.api.details(root.id, target.path);
    } catch (error) {
      Notification.error(
        `Could not count what lies under ${root.url}${target.path}: ${(error as Error).message}`,
        { autoClose: false }
      );
      return;
    }
    const request = {
      url: `${root.url}${target.path}`,
      objects: target.file ? 1 : (details.objects ?? 0),
      bytes: target.file ? (details.size ?? 0) : (details.bytes ?? 0),
      approximate: !!details.approximate,
      user: this.panel.model.user
    };
    let url: string;
    try {
      url = issueUrl(this.issueTemplate, request);
    } catch (error) {
      Notification.error((error as Error).message, { autoClose: false });
      return;
    }
    if (
      await confirmDeletionRequest(issueTitle(request), issueBody(request), url)
    ) {
      window.open(url, '_blank', 'noopener');
    }
  }

  /** The selected folder, else the open folder. */
  private get uploadFolder(): string {
    const { selection, folder } = this.actions.context;
    const one: IEntry | undefined = selection[0];
    return selection.length === 1 && isFolderEntry(one) ? one.path : folder;
  }

  get whyNotUpload(): string {
    const { root } = this.actions.context;
    if (!takesHpcUploads(root)) {
      return 'Uploads from HPC go to the OSN inbox.';
    }
    return this.uploadFolder.startsWith(root!.writable!)
      ? ''
      : `You can write only under ${root!.url}${root!.writable}.`;
  }

  copyHpcUpload(): void {
    const { root } = this.actions.context;
    const why = this.whyNotUpload;
    if (why || !root) {
      Notification.warning(why, { autoClose: 5000 });
      return;
    }
    const folder = this.uploadFolder;
    let text: string;
    try {
      text = hpcUploadCommand(root, folder);
    } catch (error) {
      Notification.error((error as Error).message, { autoClose: false });
      return;
    }
    Clipboard.copyToSystem(text);
    Notification.info(
      `Copied the rclone command that uploads into ${root.url}${folder}`,
      { autoClose: 3000 }
    );
  }
}

export function addOsnCommands(
  app: JupyterFrontEnd,
  osn: OsnCommands,
  actions: BucketActions,
  palette: ICommandPalette | null
): void {
  app.commands.addCommand(CommandIDs.requestDeletion, {
    label: 'Request Deletion…',
    icon: deleteIcon,
    caption: () =>
      osn.whyNotRequest ||
      "Ask LEAP's Data and Compute team to delete this (opens a pre-filled GitHub issue)",
    isVisible: () => requestsDeletion(actions.context.root),
    isEnabled: () => osn.whyNotRequest === '',
    execute: () => osn.requestDeletion()
  });
  app.commands.addCommand(CommandIDs.copyHpcUpload, {
    label: 'Copy Upload Command for HPC',
    icon: copyIcon,
    caption: () =>
      osn.whyNotUpload ||
      'Copy an rclone command that uploads a folder from an HPC login node into this folder',
    isVisible: () => takesHpcUploads(actions.context.root),
    isEnabled: () => osn.whyNotUpload === '',
    execute: () => osn.copyHpcUpload()
  });
  for (const command of [
    CommandIDs.requestDeletion,
    CommandIDs.copyHpcUpload
  ]) {
    palette?.addItem({ command, category: PALETTE_CATEGORY });
  }
}
