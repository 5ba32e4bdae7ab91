/**
 * What the "Move to persistent" commands do: move the selection, or what the last
 * expiring-soon check found, after the user has confirmed a summary of it
 * (workflows/moveToPersistent.ts holds the logic, widgets/moveDialog.ts the dialog).
 */
import { Notification } from '@jupyterlab/apputils';

import { IBucketsApi } from './api';
import { ExpiringSoon } from './expiringSoon';
import { IDetails, IExpiring, IRoot } from './tokens';
import { isFolderEntry } from './entryKinds';
import { confirmMove } from './widgets/moveDialog';
import { BucketPanel } from './widgets/panel';
import {
  IMoveItem,
  moveToPersistent,
  whyNotMove
} from './workflows/moveToPersistent';
import { TransferFlow } from './workflows/transfer';

export class PersistentMoves {
  constructor(
    private readonly panel: BucketPanel,
    private readonly api: IBucketsApi,
    private readonly transfers: TransferFlow,
    /** The expiring-soon check whose findings `moveExpiring` moves. */
    private readonly expiring: () => ExpiringSoon | null
  ) {}

  /** Why the selection cannot be moved to persistent; '' when it can. */
  get whyNotMove(): string {
    const model = this.panel.model;
    return whyNotMove(model.roots, model.root, this.panel.listing.selection);
  }

  /** Why nothing expiring can be moved now; '' when the last check found something. */
  get whyNotMoveExpiring(): string {
    return this._found()
      ? ''
      : 'Nothing in your home expires soon (as of the last check).';
  }

  /** Move items of a root (the selection by default), once the user confirmed. */
  async move(
    rootId = this.panel.model.root?.id ?? '',
    paths = this.panel.listing.selection,
    known?: Record<string, string | null>
  ): Promise<void> {
    const model = this.panel.model;
    known = known ?? Private.knownExpiries(this.panel, paths);
    const { why, outcomes } = await moveToPersistent(
      {
        transfers: this.transfers,
        measure: (root, path) =>
          this.api.details(root, path).then(Private.measured),
        confirm: confirmMove
      },
      model.roots,
      rootId,
      paths,
      known
    );
    if (why) {
      Notification.warning(why, { autoClose: 5000 });
    } else if (outcomes.some(o => o.job)) {
      this.panel.transfers.toggle(true);
    }
  }

  /** Move what the last expiring-soon check found (in `rootId`, or the first root). */
  async moveExpiring(rootId?: string): Promise<void> {
    const found = this._found(rootId);
    if (!found) {
      Notification.info(this.whyNotMoveExpiring, { autoClose: 5000 });
      return;
    }
    const known: Record<string, string | null> = {};
    for (const item of found.items) {
      known[item.path] = item.expires;
    }
    await this.move(
      found.root.id,
      found.items.map(item => item.path),
      known
    );
  }

  private _found(
    rootId?: string
  ): { root: IRoot; items: IExpiring['items'] } | null {
    const found = this.expiring()?.found;
    if (!found) {
      return null;
    }
    return rootId
      ? (found.get(rootId) ?? null)
      : (Array.from(found.values())[0] ?? null);
  }
}

namespace Private {
  /** An item's size and expiry from its details (a folder's total, counted). */
  export function measured(details: IDetails): Omit<IMoveItem, 'path'> {
    const folder = details.objects !== undefined;
    return {
      bytes: (folder ? details.bytes : details.size) ?? null,
      approximate: folder && !!details.approximate,
      expires: details.expires ?? null
    };
  }

  /** Expiries the listing already shows (a file's date, a folder's earliest inside). */
  export function knownExpiries(
    panel: BucketPanel,
    paths: string[]
  ): Record<string, string | null> {
    const model = panel.model;
    const known: Record<string, string | null> = {};
    for (const entry of model.entries.filter(e => paths.includes(e.path))) {
      known[entry.path] =
        entry.expires ??
        (!isFolderEntry(entry)
          ? null
          : (model.folderExpiry(entry.path)?.expires ?? null));
    }
    return known;
  }
}
