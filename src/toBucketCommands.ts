/**
 * Copy to Bucket and Move to Bucket, from JupyterLab's file browser: two commands
 * (args {root?, path?}; without a root they open the folder picker), their submenus in
 * the file browser's context menu (one entry per writable root, then "Choose Folder…"),
 * and palette entries acting on the file browser's selection. What is offered, where it
 * goes and why not is workflows/toBucket.ts's; the jobs are TransferFlow's.
 */
import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, Notification } from '@jupyterlab/apputils';
import { FileBrowser, IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { MenuSvg } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';
import { Menu } from '@lumino/widgets';

import { IBucketsApi } from './api';
import { CommandIDs, PALETTE_CATEGORY } from './commands';
import { bucketIcon } from './icons';
import { IJob, TransferMode } from './tokens';
import { BucketPanel } from './widgets/panel';
import { pickBucketFolder } from './widgets/folderPicker';
import {
  entryFor,
  IToBucketEntry,
  localPaths,
  resultPlace,
  sendToBucket,
  targetFolder,
  writableRoots
} from './workflows/toBucket';
import { TransferFlow } from './workflows/transfer';

/** Files and folders of JupyterLab's file browser, as other extensions select them. */
export const FILE_ITEM_SELECTOR = '.jp-DirListing-item[data-isdir]';

export interface IToBucketOptions {
  api: IBucketsApi;
  panel: BucketPanel;
  transfers: TransferFlow;
  /** The file browsers; the commands act on the current one's selection. */
  browsers: IFileBrowserFactory | null;
  /** The default file browser, when there is no factory. */
  fileBrowser: FileBrowser | null;
  palette: ICommandPalette | null;
}

/** The commands' arguments. */
interface IArgs {
  root?: string;
  path?: string;
  /** Shown in the submenu: the label is the root's alone. */
  submenu?: boolean;
}

const MODES: [string, TransferMode][] = [
  [CommandIDs.copyToBucket, 'copy'],
  [CommandIDs.moveToBucket, 'move']
];

export class ToBucketCommands {
  constructor(
    private readonly app: JupyterFrontEnd,
    private readonly options: IToBucketOptions
  ) {
    const { commands } = app;
    for (const [id, mode] of MODES) {
      commands.addCommand(id, {
        label: args => this._label(mode, Private.parse(args)),
        caption: args => this._caption(mode, Private.parse(args)),
        icon: args => (Private.parse(args).submenu ? undefined : bucketIcon),
        isEnabled: args => this._why(mode, Private.parse(args)) === '',
        // Read-only roots never appear.
        isVisible: args => {
          const { root } = Private.parse(args);
          return root === undefined || this._writable(root);
        },
        execute: args => this.run(mode, Private.parse(args))
      });
    }
    this._menus = MODES.map(([id, mode]) => {
      // MenuSvg, as JupyterLab's own submenus: themed, with LabIcons.
      const menu = new MenuSvg({ commands });
      menu.id = `jp-LeapBuckets-${mode}ToBucket`;
      menu.title.label = mode === 'move' ? 'Move to Bucket' : 'Copy to Bucket';
      menu.title.icon = bucketIcon;
      app.contextMenu.addItem({
        type: 'submenu',
        submenu: menu,
        selector: FILE_ITEM_SELECTOR,
        rank: mode === 'move' ? 12.6 : 12.5
      });
      return [id, menu] as [string, Menu];
    });
    this._fill();
    const model = options.panel.model;
    const changed = () => {
      commands.notifyCommandChanged(CommandIDs.copyToBucket);
      commands.notifyCommandChanged(CommandIDs.moveToBucket);
    };
    model.changed.connect(() => {
      this._fill();
      changed();
    });
    // The palette's entries follow the file browsers' selections. FileBrowser's
    // selectionChanged signal is newer than JupyterLab 4.4 (which this extension
    // supports): there, menus and the palette ask isEnabled when they open.
    const watch = (browser: FileBrowser) =>
      (
        browser as Partial<Pick<FileBrowser, 'selectionChanged'>>
      ).selectionChanged?.connect(changed);
    const tracker = options.browsers?.tracker;
    tracker?.forEach(watch);
    tracker?.widgetAdded.connect((_, browser) => watch(browser));
    if (!tracker && options.fileBrowser) {
      watch(options.fileBrowser);
    }
  }

  /** The file browser's selection, as local paths of the server's disk. */
  get selection(): string[] {
    const { browsers, fileBrowser } = this.options;
    const browser = browsers?.tracker.currentWidget ?? fileBrowser;
    return browser
      ? localPaths(Array.from(browser.selectedItems(), item => item.path))
      : [];
  }

  /** Copy or move the selection to a root's target folder, or to a picked folder. */
  async run(mode: TransferMode, args: IArgs): Promise<void> {
    const paths = this.selection;
    const { panel, transfers, api } = this.options;
    const model = panel.model;
    let { root, path } = args;
    if (root === undefined) {
      const shown =
        model.root && model.root.writable !== null ? model.root : null;
      const start = shown ?? writableRoots(model.roots)[0];
      if (!start) {
        Notification.warning('No bucket here is writable for you.', {
          autoClose: 5000
        });
        return;
      }
      const picked = await pickBucketFolder({
        api,
        start: { root: start.id, path: targetFolder(start, model) },
        paths,
        mode
      });
      if (!picked) {
        return;
      }
      ({ root, path } = picked);
    }
    const { why, outcomes } = await sendToBucket(
      transfers,
      model.roots,
      model,
      paths,
      mode,
      root,
      path
    );
    if (why) {
      Notification.warning(why, { autoClose: 5000 });
    } else if (outcomes.some(o => o.job)) {
      panel.transfers.toggle(true);
    }
  }

  /** The end notification's action for a job from the workspace: show its result. */
  resultActions(job: IJob): Notification.IAction[] {
    const place = resultPlace(job);
    if (!place) {
      return [];
    }
    const { panel } = this.options;
    return [
      {
        label: 'Show in Buckets',
        caption: 'Open the folder it went to in the Buckets panel',
        callback: () => {
          this.app.shell.activateById(panel.id);
          void panel.model
            .open(place.root, place.folder)
            .then(() => panel.model.findEntry(place.select))
            .then(entry => entry && panel.listing.select([entry.path]));
        }
      }
    ];
  }

  private _writable(rootId: string): boolean {
    return writableRoots(this.options.panel.model.roots).some(
      r => r.id === rootId
    );
  }

  private _entry(mode: TransferMode, args: IArgs): IToBucketEntry | null {
    const model = this.options.panel.model;
    const root = model.roots.find(r => r.id === args.root);
    if (!root) {
      return null;
    }
    const path = args.path ?? targetFolder(root, model);
    return entryFor(root, path, this.selection, mode);
  }

  private _label(mode: TransferMode, args: IArgs): string {
    const verb = mode === 'move' ? 'Move' : 'Copy';
    if (args.root === undefined) {
      // Menus show no captions: a disabled entry says why in its label.
      const why = args.submenu ? this._why(mode, args) : '';
      return args.submenu
        ? `Choose Folder…${why ? ` (${why.replace(/\.$/, '')})` : ''}`
        : `${verb} to a Bucket Folder…`;
    }
    const label = this._entry(mode, args)?.label ?? args.root;
    return args.submenu ? label : `${verb} to ${label}`;
  }

  private _caption(mode: TransferMode, args: IArgs): string {
    if (args.root === undefined) {
      return (
        this._why(mode, args) ||
        `Pick a bucket folder to ${mode} the file browser's selection into`
      );
    }
    return this._entry(mode, args)?.caption ?? '';
  }

  private _why(mode: TransferMode, args: IArgs): string {
    if (args.root !== undefined) {
      return (
        this._entry(mode, args)?.why ??
        'That root is not configured, or the roots are still loading.'
      );
    }
    if (!writableRoots(this.options.panel.model.roots).length) {
      return 'No bucket here is writable for you.';
    }
    return this.selection.length
      ? ''
      : `Select files or folders in the file browser to ${mode} them.`;
  }

  /** One submenu entry per writable root, then "Choose Folder…"; palette entries too. */
  private _fill(): void {
    const roots = writableRoots(this.options.panel.model.roots);
    const key = roots.map(r => r.id).join('|');
    if (key === this._filled) {
      return;
    }
    this._filled = key;
    for (const [command, menu] of this._menus) {
      menu.clearItems();
      for (const root of roots) {
        menu.addItem({ command, args: { root: root.id, submenu: true } });
      }
      menu.addItem({ type: 'separator' });
      menu.addItem({ command, args: { submenu: true } });
    }
    const palette = this.options.palette;
    if (palette) {
      this._palette.forEach(item => item.dispose());
      this._palette = [];
      for (const [command] of MODES) {
        for (const root of roots) {
          this._palette.push(
            palette.addItem({
              command,
              args: { root: root.id },
              category: PALETTE_CATEGORY
            })
          );
        }
        this._palette.push(
          palette.addItem({ command, category: PALETTE_CATEGORY })
        );
      }
    }
  }

  private _menus: [string, Menu][];
  private _filled: string | null = null;
  private _palette: { dispose(): void }[] = [];
}

namespace Private {
  export function parse(args: ReadonlyPartialJSONObject): IArgs {
    return {
      root: typeof args.root === 'string' ? args.root : undefined,
      path: typeof args.path === 'string' ? args.path : undefined,
      submenu: args.submenu === true
    };
  }
}
