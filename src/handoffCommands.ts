/**
 * The transfer hand-off, offered by the panel: "Copy (Move) with Google Storage
 * Transfer…" on a GCS folder or store (row menu and palette), which picks a GCS folder to
 * send it to, and the jobs pane's "Hand off to Google…" on a large running GCS-to-GCS
 * transfer. Both prepare POST handoff/transfer (the server's guard decides again; its
 * refusal is shown as it says it) and show the hand-off dialog. What is offered where is
 * transferHandoffRules.ts's; nothing here sends anything to Google.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { PALETTE_CATEGORY } from './commands';
import { IHandoffApi } from './handoffApi';
import { bucketIcon } from './icons';
import { IEntry, IHandoffTransferRequest, IJob, TransferMode } from './tokens';
import {
  conflictNote,
  handoffTargetRoots,
  jobHandoff,
  runningJobNote,
  whyNotHandoffSource,
  whyNotHandoffTarget
} from './transferHandoffRules';
import { HandoffApi } from './handoffApi';
import { HandoffsModel } from './handoffs';
import { askHandoff } from './widgets/handoffDialog';
import { HandoffRows } from './widgets/handoffRows';
import { pickBucketFolder } from './widgets/folderPicker';
import { BucketPanel } from './widgets/panel';
import {
  IHandoffNotes,
  prepareAndShowHandoff,
  setHandoffDependencies
} from './workflows/handoff';

export const HANDOFF_TRANSFER = 'leap-buckets:handoff-transfer';

export class TransferHandoffs {
  constructor(
    private readonly panel: BucketPanel,
    private readonly api: IBucketsApi,
    private readonly handoffs: IHandoffApi
  ) {
    panel.transfers.handoffAt = () => panel.model.handoffAt;
    panel.transfers.handoffRequested.connect(
      (_, job) => void this.fromJob(job)
    );
  }

  /** Whether the panel shows a GCS root and the server offers hand-offs at all. */
  get offered(): boolean {
    const { model } = this.panel;
    return model.root?.provider === 'gcs' && model.handoffAt !== null;
  }

  /** The selected entries (the listing holds their paths). */
  private get selection(): IEntry[] {
    const { model, listing } = this.panel;
    const selected = new Set(listing.selection);
    return model.entries.filter(entry => selected.has(entry.path));
  }

  whyNot(mode: TransferMode): string {
    const { model } = this.panel;
    if (!model.handoffAt) {
      return 'This server offers no hand-off to Google.';
    }
    return whyNotHandoffSource(model.root, this.selection, mode, model.roots);
  }

  /** The selected folder, to a GCS folder the user picks. */
  async fromSelection(mode: TransferMode): Promise<void> {
    const why = this.whyNot(mode);
    const root = this.panel.model.root;
    const entry = this.selection[0];
    if (why || !root || !entry) {
      Notification.warning(why, { autoClose: 5000 });
      return;
    }
    const source = { root, path: entry.path };
    const targets = handoffTargetRoots(this.panel.model.roots);
    // Another bucket first: what a hand-off is for.
    const start = targets.find(r => r.id !== root.id) ?? targets[0];
    const verb = mode === 'move' ? 'Move' : 'Copy';
    const picked = await pickBucketFolder({
      api: this.api,
      start: { root: start.id, path: start.writable ?? start.home },
      paths: [entry.path],
      mode,
      rules: {
        roots: handoffTargetRoots,
        why: (target, folder) => whyNotHandoffTarget(source, target, folder),
        title: `${verb} ${entry.name} with Google Storage Transfer`,
        accept: 'Prepare Hand-off'
      }
    });
    if (!picked) {
      return;
    }
    // What lies under it, for the cost. GET details counts up to a bound: a count cut
    // short would understate the cost, so the estimate is left out (and says so).
    let counts: { objects?: number; bytes?: number } = {};
    try {
      const details = await this.api.details(root.id, entry.path);
      if (!details.approximate) {
        counts = { objects: details.objects, bytes: details.bytes };
      }
    } catch (error) {
      console.warn(
        'leap-buckets: not counted; the cost is not estimated',
        error
      );
    }
    const request: IHandoffTransferRequest = {
      source: { root: root.id, path: entry.path },
      target: picked,
      mode,
      conflict: 'skip',
      ...counts
    };
    await this.prepare(request, { conflict: conflictNote('skip') });
  }

  /** A running transfer past the threshold, handed off as it is (the user decides on it). */
  async fromJob(job: IJob): Promise<void> {
    const offer = jobHandoff(
      job,
      this.panel.model.roots,
      this.panel.model.handoffAt
    );
    if (!offer || 'why' in offer) {
      Notification.warning(offer?.why ?? 'This job is not handed off.', {
        autoClose: 5000
      });
      return;
    }
    await this.prepare(offer.request, {
      conflict: conflictNote(offer.request.conflict),
      runningJob: runningJobNote(job)
    });
  }

  private async prepare(
    request: IHandoffTransferRequest,
    notes: IHandoffNotes
  ): Promise<void> {
    // The server's guard decides again: its refusal is reported as it says it.
    await prepareAndShowHandoff(
      () => this.handoffs.handoffTransfer(request),
      notes
    );
  }
}

export function addHandoffCommands(
  app: JupyterFrontEnd,
  handoffs: TransferHandoffs,
  palette: ICommandPalette | null
): void {
  const mode = (args: { mode?: unknown }): TransferMode =>
    args.mode === 'move' ? 'move' : 'copy';
  app.commands.addCommand(HANDOFF_TRANSFER, {
    label: args =>
      `${mode(args) === 'move' ? 'Move' : 'Copy'} with Google Storage Transfer…`,
    icon: bucketIcon,
    caption: args =>
      handoffs.whyNot(mode(args)) ||
      'Prepare a Storage Transfer Service job that does this at Google, with its gcloud command and cost; for terabytes or millions of objects',
    // Only in GCS roots: elsewhere the items are not shown at all.
    isVisible: () => handoffs.offered,
    isEnabled: args => handoffs.whyNot(mode(args)) === '',
    execute: args => handoffs.fromSelection(mode(args))
  });
  palette?.addItem({
    command: HANDOFF_TRANSFER,
    category: PALETTE_CATEGORY,
    args: { mode: 'copy' }
  });
  palette?.addItem({
    command: HANDOFF_TRANSFER,
    category: PALETTE_CATEGORY,
    args: { mode: 'move' }
  });
}

/**
 * Everything of the hand-offs, set up once by the plugin: the dialog's follow, the jobs
 * pane's rows of followed hand-offs (loaded now), the transfer hand-off and its command.
 */
export function setUpHandoffs(
  app: JupyterFrontEnd,
  panel: BucketPanel,
  api: IBucketsApi,
  palette: ICommandPalette | null,
  report: { info(message: string): void; error(message: string): void }
): void {
  const handoffApi = new HandoffApi();
  const followed = new HandoffsModel(handoffApi);
  setHandoffDependencies({
    ask: askHandoff,
    // Followed: the jobs pane opens on it, wherever the hand-off came from.
    follow: async handoff => {
      await followed.follow(handoff);
      panel.transfers.toggle(true);
    },
    report
  });
  const rows = new HandoffRows(followed);
  panel.transfers.setHandoffRows(rows);
  followed.changed.connect(() => panel.transfers.render());
  rows.failed.connect((_, message) => report.error(message));
  addHandoffCommands(
    app,
    new TransferHandoffs(panel, api, handoffApi),
    palette
  );
  followed.refresh().catch((error: Error) => {
    report.error(
      `The hand-offs you follow could not be listed: ${error.message}`
    );
  });
}
