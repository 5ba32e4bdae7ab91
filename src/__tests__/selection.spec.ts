import { keyTarget, RowSelection, TYPE_AHEAD_MS } from '../selection';
import { IEntry } from '../tokens';

const names = [
  'atmos.zarr',
  'many',
  'notes',
  'ocean.zarr',
  'precip_v3',
  'README.md'
];
const entries: IEntry[] = names.map(name => ({
  name,
  path: `demo/${name}`,
  type: 'file',
  size: 1,
  modified: null,
  created: null,
  expires: null
}));
const picked = (s: RowSelection) => [...s.paths].map(p => p.slice(5)).sort();

describe('RowSelection', () => {
  it('selects one row, toggles with Ctrl, extends with Shift from the anchor', () => {
    const s = new RowSelection();
    s.click(entries, 1, false, false);
    expect(picked(s)).toEqual(['many']);
    s.click(entries, 3, false, true);
    expect(picked(s)).toEqual(['many', 'ocean.zarr']);
    s.click(entries, 1, false, true);
    expect(picked(s)).toEqual(['ocean.zarr']);
    s.click(entries, 5, true, false); // from the anchor (the last Ctrl-click, 1) to 5
    expect(picked(s)).toEqual([
      'README.md',
      'many',
      'notes',
      'ocean.zarr',
      'precip_v3'
    ]);
    expect([s.anchor, s.focus]).toEqual([1, 5]);
    s.click(entries, 4, false, false);
    s.click(entries, 3, true, false);
    expect(picked(s)).toEqual(['ocean.zarr', 'precip_v3']);
  });

  it('moves with the keyboard and extends with Shift', () => {
    const s = new RowSelection();
    s.moveTo(entries, keyTarget('ArrowDown', s.focus, entries.length), false);
    expect(picked(s)).toEqual(['atmos.zarr']);
    s.moveTo(entries, keyTarget('ArrowDown', s.focus, entries.length), true);
    s.moveTo(entries, keyTarget('ArrowDown', s.focus, entries.length), true);
    expect(picked(s)).toEqual(['atmos.zarr', 'many', 'notes']);
    s.moveTo(entries, keyTarget('End', s.focus, entries.length), false);
    expect(picked(s)).toEqual(['README.md']);
    expect(keyTarget('ArrowDown', 5, 6)).toBe(5);
    expect(keyTarget('ArrowUp', 0, 6)).toBe(0);
    expect(keyTarget('Home', 4, 6)).toBe(0);
    expect(keyTarget('ArrowDown', -1, 0)).toBe(-1);
    expect(keyTarget('x', 2, 6)).toBe(-1);
  });

  it('jumps by type-ahead, joining keys typed in quick succession', () => {
    const s = new RowSelection();
    expect(s.typeAhead(entries, 'n', 1000)).toBe(2); // notes
    expect(s.typeAhead(entries, 'O', 1000 + TYPE_AHEAD_MS - 1)).toBe(2); // "no": still notes
    expect(s.typeAhead(entries, 'x', 1000 + TYPE_AHEAD_MS)).toBe(-1); // "nox": nothing
  });

  it('starts a new type-ahead search after a pause', () => {
    const s = new RowSelection();
    expect(s.typeAhead(entries, 'o', 0)).toBe(3); // ocean.zarr
    expect(s.typeAhead(entries, 'c', 100)).toBe(3); // "oc"
    expect(s.typeAhead(entries, 'p', 100 + TYPE_AHEAD_MS + 1)).toBe(4); // a new search: "p"
    expect(picked(s)).toEqual(['precip_v3']);
    expect(s.typeAhead(entries, 'z', 5000)).toBe(-1);
    expect(picked(s)).toEqual(['precip_v3']); // no match keeps the selection
  });

  it('selects given paths, all, or none', () => {
    const s = new RowSelection();
    expect(s.select(entries, ['demo/notes', 'demo/gone'])).toBe(2);
    expect(picked(s)).toEqual(['notes']);
    s.selectAll(entries);
    expect(s.paths.size).toBe(6);
    s.clear();
    expect([s.paths.size, s.anchor, s.focus]).toEqual([0, -1, -1]);
  });
});
