import {
  dropPlan,
  isMacPlatform,
  modifierName,
  placeName,
  rootStripText,
  whyNotOnto
} from '../dropRules';
import { IRoot, Place } from '../tokens';
import { manual, persistent, scratch } from './fakes';

/** The OSN inbox: writable anywhere, nothing deletable. */
const inbox: IRoot = {
  ...manual,
  id: 'osn-inbox',
  label: 'OSN inbox',
  writable: '',
  deletable: null
};
const roots = [scratch, persistent, manual, inbox];
const mine: Place = { root: 'scratch', path: 'alice/run1/a.nc' };
const folder: Place = { root: 'scratch', path: 'alice/run1/' };

describe('dropPlan: what the drag image says', () => {
  it('moves within a root, naming the folder, and says which key copies', () => {
    expect(
      dropPlan(
        roots,
        [mine],
        { root: 'scratch', path: 'alice/out/' },
        false,
        false
      )
    ).toEqual({
      mode: 'move',
      text: 'Move to alice/out/',
      hint: 'Hold Ctrl to copy',
      update: false
    });
  });

  it('copies with the modifier held, and says which key moves', () => {
    expect(
      dropPlan(
        roots,
        [mine],
        { root: 'scratch', path: 'alice/out/' },
        true,
        false
      )
    ).toEqual({
      mode: 'copy',
      text: 'Copy to alice/out/',
      hint: 'Hold Ctrl to move',
      update: false
    });
  });

  it('copies to another root by default, naming the root; on a Mac Option switches', () => {
    expect(
      dropPlan(
        roots,
        [mine],
        { root: 'persistent', path: 'alice/' },
        false,
        true
      )
    ).toEqual({
      mode: 'copy',
      text: 'Copy to Persistent: alice/',
      hint: 'Hold Option to move',
      update: false
    });
    expect(
      dropPlan(roots, [mine], { root: 'osn-inbox', path: '' }, true, false)
    ).toMatchObject({ mode: 'move', text: 'Move to OSN inbox' });
  });

  it('names the top of the root and the workspace disk', () => {
    // Nothing in the inbox may be deleted, so a drop within it copies.
    expect(
      dropPlan(
        roots,
        [{ root: 'osn-inbox', path: 'x/a' }],
        { root: 'osn-inbox', path: '' },
        false,
        false
      )
    ).toEqual({
      mode: 'copy',
      text: 'Copy to the top of OSN inbox',
      hint: 'a stays where it is: it is not yours to move.',
      update: false
    });
    expect(dropPlan(roots, [mine], { local: 'data/' }, false, false)).toEqual({
      mode: 'copy',
      text: 'Copy to the workspace folder data/',
      hint: 'Hold Ctrl to move',
      update: false
    });
    expect(placeName(roots, { local: '' }, false)).toBe(
      "the workspace's top folder"
    );
  });

  it('copies files from the workspace unless the modifier moves them', () => {
    const local: Place = { local: 'notebooks/a.nc' };
    const target: Place = { root: 'scratch', path: 'alice/' };
    expect(dropPlan(roots, [local], target, false, false)).toMatchObject({
      mode: 'copy',
      text: 'Copy to Scratch: alice/'
    });
    expect(dropPlan(roots, [local], target, true, false).mode).toBe('move');
  });

  it('refuses a read-only root and a folder that is not the user’s, saying why', () => {
    expect(
      dropPlan(
        roots,
        [mine],
        { root: 'osn-manual', path: 'CMIP6/' },
        false,
        false
      )
    ).toEqual({
      mode: null,
      text: 'OSN manual is read-only: nothing can go here.',
      hint: '',
      update: false
    });
    const notMine = dropPlan(
      roots,
      [mine],
      { root: 'scratch', path: 'bob/' },
      true,
      false
    );
    expect(notMine.mode).toBeNull();
    expect(notMine.text).toBe(
      'Not yours: in Scratch you can write only inside alice/.'
    );
    // The top of the bucket, above the user's own folder, is not writable either.
    expect(
      dropPlan(roots, [mine], { root: 'scratch', path: '' }, false, false).mode
    ).toBeNull();
    expect(
      dropPlan(roots, [mine], { root: 'gone', path: '' }, false, false).text
    ).toMatch(/no root gone/);
  });

  it('refuses a drop onto itself, into itself, or where it already is', () => {
    expect(
      dropPlan(
        roots,
        [folder],
        { root: 'scratch', path: 'alice/run1/' },
        false,
        false
      )
    ).toMatchObject({ mode: null, text: 'run1 cannot go into itself.' });
    expect(
      dropPlan(
        roots,
        [folder],
        { root: 'scratch', path: 'alice/run1/sub/' },
        false,
        false
      ).mode
    ).toBeNull();
    expect(
      dropPlan(
        roots,
        [mine],
        { root: 'scratch', path: 'alice/run1/' },
        true,
        false
      )
    ).toMatchObject({ mode: null, text: 'a.nc is already in alice/run1/.' });
    // A sibling whose name starts like the folder's is not inside it.
    expect(
      dropPlan(
        roots,
        [folder],
        { root: 'scratch', path: 'alice/run10/' },
        false,
        false
      ).mode
    ).toBe('move');
  });

  it('copies what the user may not delete, and says it stays', () => {
    const theirs: Place = { root: 'scratch', path: 'bob/data.nc' };
    const into: Place = { root: 'scratch', path: 'alice/' };
    for (const modifier of [false, true]) {
      expect(dropPlan(roots, [theirs], into, modifier, false)).toEqual({
        mode: 'copy',
        text: 'Copy to alice/',
        hint: 'data.nc stays where it is: it is not yours to move.',
        update: false
      });
    }
    // Out of a read-only root with the modifier: still a copy.
    expect(
      dropPlan(
        roots,
        [{ root: 'osn-manual', path: 'CMIP6/tas.zarr/' }],
        into,
        true,
        false
      )
    ).toMatchObject({ mode: 'copy', text: 'Copy to Scratch: alice/' });
  });

  it('refuses an empty drag', () => {
    expect(
      dropPlan(roots, [], { root: 'scratch', path: 'alice/' }, false, false)
        .mode
    ).toBeNull();
  });
});

describe('whyNotOnto', () => {
  it('lets sources of other roots and the disk land anywhere', () => {
    expect(whyNotOnto({ local: 'a' }, 'scratch', 'alice/')).toBe('');
    expect(whyNotOnto(folder, 'persistent', 'alice/run1/')).toBe('');
  });

  it('names the top of the bucket', () => {
    expect(whyNotOnto({ root: 'scratch', path: 'a.nc' }, 'scratch', '')).toBe(
      'a.nc is already in the top of the bucket.'
    );
  });
});

describe('the modifier', () => {
  it('is Ctrl, or Option on a Mac', () => {
    expect(modifierName(false)).toBe('Ctrl');
    expect(modifierName(true)).toBe('Option');
    expect(isMacPlatform('MacIntel')).toBe(true);
    expect(isMacPlatform('Linux x86_64')).toBe(false);
    expect(isMacPlatform('Win32')).toBe(false);
  });

  it('is named on the drop strip only where the rows can be moved', () => {
    expect(rootStripText(false, true)).toEqual({
      text: 'Drop on a root to copy there:',
      hint: 'Hold Ctrl to move'
    });
    expect(rootStripText(true, false).hint).toBe('');
  });
});

describe('dropPlan with Shift: update, copying only what differs', () => {
  it('updates a folder where it may replace, and says what is skipped', () => {
    const plan = dropPlan(
      roots,
      [folder],
      { root: 'persistent', path: 'alice/' },
      false,
      false,
      true
    );
    expect(plan).toEqual({
      mode: 'copy',
      text: 'Update in Persistent: alice/: copy only what differs',
      hint: 'Objects with the same size and checksum are skipped.',
      update: true
    });
  });

  it('updates within a root as a copy, never a move', () => {
    const plan = dropPlan(
      roots,
      [folder],
      { root: 'scratch', path: 'alice/out/' },
      false,
      false,
      true
    );
    expect(plan).toMatchObject({ mode: 'copy', update: true });
  });

  it('offers Shift in the hint only where a folder could be updated', () => {
    const into: Place = { root: 'persistent', path: 'alice/' };
    expect(dropPlan(roots, [folder], into, false, false).hint).toBe(
      'Hold Ctrl to move · Shift to update'
    );
    expect(dropPlan(roots, [mine], into, false, false).hint).not.toMatch(
      /Shift/
    );
  });

  it('falls back to the plain drop, saying why, for files and where nothing may be replaced', () => {
    const file = dropPlan(
      roots,
      [mine],
      { root: 'persistent', path: 'alice/' },
      false,
      false,
      true
    );
    expect(file).toMatchObject({
      mode: 'copy',
      update: false,
      hint: 'Shift updates folders only.'
    });
    const inboxDrop = dropPlan(
      roots,
      [folder],
      { root: 'osn-inbox', path: 'run/' },
      false,
      false,
      true
    );
    expect(inboxDrop.update).toBe(false);
    expect(inboxDrop.mode).toBe('copy');
    expect(inboxDrop.hint).toMatch(/^Update is unavailable/);
  });

  it('updates into the workspace, which is the user’s own', () => {
    const plan = dropPlan(
      roots,
      [folder],
      { local: 'data/' },
      false,
      false,
      true
    );
    expect(plan).toMatchObject({ mode: 'copy', update: true });
    expect(plan.text).toBe(
      'Update in the workspace folder data/: copy only what differs'
    );
  });
});
