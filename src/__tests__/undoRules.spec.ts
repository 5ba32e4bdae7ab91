import { IDetails, IJob } from '../tokens';
import {
  IMovedState,
  movedState,
  refusalMessage,
  undoneMessage,
  undoRequest,
  whyChanged,
  whyNoUndo,
  whyNotAsMoved
} from '../undoRules';
import { job, manual, persistent, scratch } from './fakes';

const roots = [scratch, persistent, manual];

/** A finished move of alice/run1/ into alice/out/. */
function moved(extra: Partial<IJob> = {}): IJob {
  return job('m', {
    state: 'done',
    mode: 'move',
    conflict: 'fail',
    source: { root: 'scratch', path: 'alice/run1/' },
    target: { root: 'scratch', path: 'alice/out/run1/' },
    objectsDone: 2,
    objectsTotal: 2,
    bytesDone: 30,
    bytesTotal: 30,
    ...extra
  });
}

const state: IMovedState = {
  objects: 2,
  bytes: 30,
  modified: '2026-11-30T10:00:00Z',
  etag: null,
  generation: null,
  md5: null,
  approximate: false
};

describe('whyNoUndo: which finished moves offer Undo', () => {
  it('offers it for a move into a new place, or a renamed one', () => {
    expect(whyNoUndo(moved(), roots)).toBe('');
    expect(whyNoUndo(moved({ conflict: 'rename' }), roots)).toBe('');
    // across roots too, where the user may delete at the target
    expect(
      whyNoUndo(
        moved({ target: { root: 'persistent', path: 'alice/run1/' } }),
        roots
      )
    ).toBe('');
  });

  it('offers none for copies, deletes and moves that did not finish', () => {
    expect(whyNoUndo(moved({ mode: 'copy' }), roots)).toMatch(/Only a move/);
    expect(whyNoUndo(moved({ kind: 'delete' }), roots)).toMatch(/Only a move/);
    expect(whyNoUndo(moved({ state: 'failed' }), roots)).toMatch(/finished/);
    expect(whyNoUndo(moved({ state: 'cancelled' }), roots)).toMatch(/finished/);
  });

  it('offers none when part was skipped or failed, or the move merged or overwrote', () => {
    expect(whyNoUndo(moved({ objectsSkipped: 1 }), roots)).toMatch(/skipped/);
    expect(whyNoUndo(moved({ objectsFailed: 1 }), roots)).toMatch(/failed/);
    expect(whyNoUndo(moved({ conflict: 'skip' }), roots)).toMatch(
      /already there/
    );
    expect(whyNoUndo(moved({ conflict: 'overwrite' }), roots)).toMatch(
      /already there/
    );
    expect(whyNoUndo(moved({ conflict: undefined }), roots)).not.toBe('');
  });

  it('offers none for more objects than can be checked for changes', () => {
    expect(whyNoUndo(moved({ objectsDone: 20000 }), roots)).toBe('');
    expect(whyNoUndo(moved({ objectsDone: 20001 }), roots)).toBe(
      'Undo checks at most 20,000 objects for changes, and this move had more.'
    );
  });

  it('offers none to or from the workspace disk', () => {
    expect(
      whyNoUndo(moved({ source: { local: 'data/run1/' } }), roots)
    ).toMatch(/between buckets/);
    expect(
      whyNoUndo(moved({ target: { local: 'data/run1/' } }), roots)
    ).toMatch(/between buckets/);
  });

  it('offers none where the user could not delete the moved objects or write them back', () => {
    expect(
      whyNoUndo(
        moved({ target: { root: 'osn-manual', path: 'x/run1/' } }),
        roots
      )
    ).toMatch(/cannot delete in OSN manual/);
    expect(
      whyNoUndo(
        moved({ source: { root: 'scratch', path: 'bob/run1/' } }),
        roots
      )
    ).toMatch(/cannot write in Scratch/);
  });
});

describe('undoRequest: the move back', () => {
  it('moves the target back to exactly the source, never overwriting', () => {
    expect(undoRequest(moved())).toEqual({
      source: { root: 'scratch', path: 'alice/out/run1/' },
      // without its "/": the name to write, not a folder to put "run1/" into
      target: { root: 'scratch', path: 'alice/run1' },
      mode: 'move',
      conflict: 'fail'
    });
  });

  it('moves a renamed file back under its old name', () => {
    const renamed = moved({
      conflict: 'rename',
      source: { root: 'scratch', path: 'alice/a.nc' },
      target: { root: 'scratch', path: 'alice/out/a (1).nc' }
    });
    expect(undoRequest(renamed)).toMatchObject({
      source: { root: 'scratch', path: 'alice/out/a (1).nc' },
      target: { root: 'scratch', path: 'alice/a.nc' }
    });
  });
});

describe('movedState', () => {
  it('reads a folder’s totals and a file’s own metadata', () => {
    const folder: IDetails = {
      name: 'run1',
      path: 'alice/out/run1/',
      url: '',
      modified: '2026-11-30T10:00:00Z',
      objects: 2,
      bytes: 30,
      approximate: false
    };
    expect(movedState(folder)).toEqual(state);
    const file: IDetails = {
      name: 'a.nc',
      path: 'alice/a.nc',
      url: '',
      size: 7,
      modified: 't',
      etag: 'e',
      generation: 'g',
      md5: 'm'
    };
    expect(movedState(file)).toEqual({
      objects: 1,
      bytes: 7,
      modified: 't',
      etag: 'e',
      generation: 'g',
      md5: 'm',
      approximate: false
    });
  });
});

describe('whether anything changed', () => {
  it('finds the state as the job wrote it, or says it was written to meanwhile', () => {
    expect(whyNotAsMoved(moved(), state)).toBe('');
    expect(whyNotAsMoved(moved(), { ...state, objects: 3 })).toBe(
      'was written to while it was moved'
    );
    expect(whyNotAsMoved(moved(), { ...state, bytes: 31 })).not.toBe('');
    expect(whyNotAsMoved(moved(), { ...state, approximate: true })).toMatch(
      /more objects than Undo can check/
    );
  });

  it('compares objects, bytes, time, etag, generation and checksum', () => {
    expect(whyChanged(state, { ...state })).toBe('');
    expect(whyChanged(state, null)).toBe('is no longer there');
    expect(whyChanged(state, { ...state, objects: 3 })).toBe(
      'now holds 3 objects, not 2'
    );
    expect(whyChanged(state, { ...state, objects: 1 })).toBe(
      'now holds 1 object, not 2'
    );
    expect(whyChanged(state, { ...state, bytes: 2048 })).toBe(
      'is 2.0 KB now, not 30 B'
    );
    for (const change of [
      { modified: '2026-11-30T11:00:00Z' },
      { etag: 'other' },
      { generation: '2' },
      { md5: 'x' }
    ]) {
      expect(whyChanged(state, { ...state, ...change })).toBe(
        'was changed after the move'
      );
    }
    expect(whyChanged(state, { ...state, approximate: true })).toMatch(
      /more objects/
    );
  });
});

describe('the messages', () => {
  it('fit a notification (140 characters) for ordinary names', () => {
    const message = refusalMessage(
      'alice/results/2026/run-001.nc',
      'was changed after the move'
    );
    expect(message).toBe(
      'Undo not done: alice/results/2026/run-001.nc was changed after the move. Nothing was moved back or overwritten.'
    );
    expect(message.length).toBeLessThanOrEqual(140);
  });

  it('say where an undone move is again', () => {
    expect(
      undoneMessage(
        job('u', { target: { root: 'scratch', path: 'alice/run1/' } })
      )
    ).toBe('Undone: run1/ is back in alice/.');
    expect(
      undoneMessage(job('u', { target: { root: 'scratch', path: 'a.nc' } }))
    ).toBe('Undone: a.nc is back in the top of its bucket.');
    expect(
      undoneMessage(job('u', { label: 'Move x', target: { local: 'x' } }))
    ).toBe('Move x: done.');
  });
});
