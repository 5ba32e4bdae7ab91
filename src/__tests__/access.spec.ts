import {
  accessMark,
  ICommandContext,
  labelWithWhy,
  shortWhy,
  whyNotRemove,
  withWhy
} from '../commandRules';
import { IRoot } from '../tokens';
import { entry, manual, scratch } from './fakes';

const inbox: IRoot = {
  ...manual,
  id: 'osn-inbox',
  label: 'OSN inbox',
  writable: '',
  deletable: null
};

function ctx(
  root: IRoot | null,
  folder: string,
  selected: string[] = []
): ICommandContext {
  return { root, folder, selection: selected.map(path => entry(path)) };
}

describe('accessMark: where the user cannot write, said before trying', () => {
  it('marks nothing where the user writes', () => {
    expect(accessMark(scratch, 'alice/')).toBeNull();
    expect(accessMark(scratch, 'alice/run1/')).toBeNull();
    expect(accessMark(inbox, '')).toBeNull();
    expect(accessMark(null, '')).toBeNull();
  });

  it('marks a read-only root', () => {
    expect(accessMark(manual, 'CMIP6/')).toEqual({
      kind: 'read-only',
      text: 'Read-only: browse and copy',
      title:
        'OSN manual is read-only: you can browse it and copy from it, not write in it.'
    });
  });

  it('marks the top of a bucket as read-only here, naming the user’s folder', () => {
    const mark = accessMark(scratch, '');
    expect(mark?.kind).toBe('read-only');
    expect(mark?.text).toBe('Read-only here: you write in alice/');
    expect(mark?.title).toContain('gs://leap-scratch/alice/');
  });

  it('marks another user’s folder, and one beside the user’s own, as not yours', () => {
    expect(accessMark(scratch, 'bob/')).toMatchObject({
      kind: 'not-yours',
      text: 'Not yours: you write in alice/'
    });
    // "alice-old/" starts like "alice/" but is someone else's.
    expect(accessMark(scratch, 'alice-old/')?.kind).toBe('not-yours');
  });
});

describe('shortWhy: why a menu item that writes is off, in its label', () => {
  it('says nothing when the command can act', () => {
    expect(shortWhy('newFolder', ctx(scratch, 'alice/'))).toBe('');
    expect(shortWhy('rename', ctx(scratch, 'alice/', ['alice/a.nc']))).toBe('');
    expect(
      labelWithWhy('Rename…', 'rename', ctx(scratch, 'alice/', ['alice/a.nc']))
    ).toBe('Rename…');
  });

  it('says read-only in a read-only root', () => {
    const here = ctx(manual, 'CMIP6/', ['CMIP6/tas.zarr/']);
    expect(labelWithWhy('Rename…', 'rename', here)).toBe('Rename… (read-only)');
    expect(labelWithWhy('Delete…', 'delete', here)).toBe('Delete… (read-only)');
    expect(labelWithWhy('Upload…', 'upload', here)).toBe('Upload… (read-only)');
  });

  it('says not yours in another user’s folder', () => {
    const here = ctx(scratch, 'bob/', ['bob/x.nc']);
    expect(shortWhy('newFolder', here)).toBe('not yours');
    expect(shortWhy('delete', here)).toBe('not yours');
    expect(shortWhy('rename', here)).toBe('not yours');
    expect(shortWhy('newFolder', ctx(scratch, ''))).toBe('read-only');
  });

  it('names the home folder and roots without deletes', () => {
    expect(shortWhy('delete', ctx(scratch, '', ['alice/']))).toBe('your home');
    expect(shortWhy('rename', ctx(inbox, '', ['x.nc']))).toBe(
      'no deleting here'
    );
  });

  it('leaves reasons about the selection to the caption', () => {
    expect(shortWhy('rename', ctx(scratch, 'alice/'))).toBe('');
    expect(
      shortWhy('delete', ctx(scratch, 'alice/', ['alice/a', 'alice/b']))
    ).toBe('');
    expect(shortWhy('details', ctx(scratch, 'alice/'))).toBe('');
  });
});

describe('whyNotRemove', () => {
  it('names the first path that cannot be removed', () => {
    expect(whyNotRemove(scratch, ['alice/a', 'alice/b'])).toBe('');
    expect(whyNotRemove(scratch, ['alice/a', 'bob/b'])).toBe('not yours');
    expect(whyNotRemove(manual, ['x'])).toBe('read-only');
    expect(withWhy('Move to Persistent…', 'not yours')).toBe(
      'Move to Persistent… (not yours)'
    );
    expect(withWhy('Move to Persistent…', '')).toBe('Move to Persistent…');
  });
});
