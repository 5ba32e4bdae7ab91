import { CommandRegistry } from '@lumino/commands';
import { Signal } from '@lumino/signaling';
import { ContextMenu } from '@lumino/widgets';

import { IBucketsApi } from '../api';
import { CommandIDs } from '../commands';
import { BucketBrowserModel } from '../model';
import { ITransferRequest } from '../tokens';
import { ToBucketCommands } from '../toBucketCommands';
import { TransferFlow } from '../workflows/transfer';
import { job, manual, persistent, scratch, settle } from './fakes';

/** The commands in a registry and context menu of their own, over a fake file browser. */
function setup(selected: string[]) {
  const requests: ITransferRequest[] = [];
  const api = {
    getRoots: async () => ({
      user: 'alice',
      roots: [scratch, persistent, manual]
    }),
    listPage: async () => ({ entries: [], cursor: null })
  } as unknown as IBucketsApi;
  const model = new BucketBrowserModel(api);
  const commands = new CommandRegistry();
  const contextMenu = new ContextMenu({ commands });
  const opened: boolean[] = [];
  const panel = {
    id: 'leap-buckets-panel',
    model,
    transfers: { toggle: (open: boolean) => opened.push(open) },
    listing: { select: () => undefined }
  };
  const browser = {
    selection: selected,
    selectedItems: function* () {
      for (const path of browser.selection) {
        yield { path };
      }
    },
    selectionChanged: new Signal<unknown, void>({})
  };
  const transfers = new TransferFlow({
    start: async request => {
      requests.push(request);
      return job(`j${requests.length}`);
    },
    ask: async () => null,
    report: { info: () => undefined, error: () => undefined }
  });
  const app = { commands, contextMenu, shell: { activateById: () => 0 } };
  const toBucket = new ToBucketCommands(app as any, {
    api,
    panel: panel as any,
    transfers,
    browsers: null,
    fileBrowser: browser as any,
    palette: null
  });
  return { commands, contextMenu, model, browser, requests, opened, toBucket };
}

describe('Copy to Bucket / Move to Bucket commands', () => {
  it('list the writable roots in the file browser items’ submenus', async () => {
    const { contextMenu, model } = setup(['notebooks/run']);
    await model.initialize('scratch');
    const item = document.createElement('li');
    item.className = 'jp-DirListing-item';
    item.dataset.isdir = 'true';
    document.body.appendChild(item);
    const open = (event: Event) => contextMenu.open(event as MouseEvent);
    document.addEventListener('contextmenu', open);
    item.dispatchEvent(new MouseEvent('contextmenu', { bubbles: true }));
    document.removeEventListener('contextmenu', open);
    const submenus = contextMenu.menu.items.filter(i => i.type === 'submenu');
    expect(submenus.map(i => i.label)).toEqual([
      'Copy to Bucket',
      'Move to Bucket'
    ]);
    expect(submenus[0].submenu!.items.map(i => i.label)).toEqual([
      'Scratch',
      'Persistent',
      '',
      'Choose Folder…'
    ]);
    contextMenu.menu.close();
    item.remove();
  });

  it('are enabled on a selection, and say why not without one', async () => {
    const { commands, model, browser } = setup([]);
    await model.initialize('scratch');
    const args = { root: 'scratch', submenu: true };
    expect(commands.isEnabled(CommandIDs.copyToBucket, args)).toBe(false);
    expect(commands.label(CommandIDs.copyToBucket, args)).toBe(
      'Scratch (Select files or folders in the file browser to copy them)'
    );
    expect(commands.label(CommandIDs.copyToBucket, { submenu: true })).toBe(
      'Choose Folder… (Select files or folders in the file browser to copy them)'
    );
    browser.selection = ['notebooks/run'];
    expect(commands.label(CommandIDs.copyToBucket, { submenu: true })).toBe(
      'Choose Folder…'
    );
    expect(commands.isEnabled(CommandIDs.copyToBucket, args)).toBe(true);
    expect(commands.label(CommandIDs.moveToBucket, { root: 'scratch' })).toBe(
      'Move to Scratch'
    );
    expect(
      commands.caption(CommandIDs.moveToBucket, { root: 'scratch' })
    ).toMatch(/^Move run to gs:\/\/leap-scratch\/alice\//);
    expect(commands.label(CommandIDs.copyToBucket, {})).toBe(
      'Copy to a Bucket Folder…'
    );
    // A read-only root never shows.
    expect(
      commands.isVisible(CommandIDs.copyToBucket, { root: 'osn-manual' })
    ).toBe(false);
  });

  it('start a job per selected item into the folder the panel shows', async () => {
    const { commands, model, requests, opened } = setup([
      'notebooks/a.nc',
      'RTC:notebooks/run/'
    ]);
    await model.initialize('scratch');
    await model.open('scratch', 'alice/run1/');
    await commands.execute(CommandIDs.moveToBucket, { root: 'scratch' });
    await settle();
    expect(requests.map(r => [r.source, r.target, r.mode])).toEqual([
      [
        { local: 'notebooks/a.nc' },
        { root: 'scratch', path: 'alice/run1/' },
        'move'
      ],
      [
        { local: 'notebooks/run' },
        { root: 'scratch', path: 'alice/run1/' },
        'move'
      ]
    ]);
    expect(opened).toEqual([true]);
  });

  it('offer to show a finished job from the workspace in the panel', () => {
    const { toBucket } = setup([]);
    const done = job('j', {
      state: 'done',
      source: { local: 'notebooks/run/' },
      target: { root: 'scratch', path: 'alice/run/' }
    });
    expect(toBucket.resultActions(done).map(a => a.label)).toEqual([
      'Show in Buckets'
    ]);
    expect(
      toBucket.resultActions({ ...done, source: { root: 'x', path: 'a' } })
    ).toEqual([]);
  });
});
