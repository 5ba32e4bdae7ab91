import { formatDate } from '../format';
import { ApiError } from '../request';
import { IJob, ITransferRequest, Place } from '../tokens';
import { UploadQueue } from '../workflows/uploadQueue';
import {
  conflictButtons,
  conflictDefaultButton,
  ConflictBody
} from '../widgets/conflictDialog';
import {
  conflictQuestion,
  defaultChoiceIndex,
  describeSide,
  IConflictQuestion,
  landingPlace
} from '../workflows/conflict';
import { TransferFlow } from '../workflows/transfer';
import { job } from './fakes';

const OLD = '2026-11-20T08:30:00Z';
const NEW = '2026-11-29T17:45:00Z';

describe('the conflict question', () => {
  const question = conflictQuestion('a.nc is already there.', {
    existing: { size: 1_200_000, modified: OLD },
    incoming: { size: 3400, modified: NEW }
  });

  it('makes Skip, which changes nothing, the default, never Overwrite', () => {
    expect(question.defaultPolicy).toBe('skip');
    const index = defaultChoiceIndex(question);
    expect(question.choices[index].label).toBe('Skip');
    expect(question.choices[index].destructive).toBe(false);
    // Even a question whose default named a destructive choice falls back to a safe one.
    const odd: IConflictQuestion = { ...question, defaultPolicy: 'overwrite' };
    expect(odd.choices[defaultChoiceIndex(odd)].policy).toBe('skip');
  });

  it('names both sides by size and modified time', () => {
    expect(question.sides).toEqual({
      existing: `Existing: 1.2 MB, modified ${formatDate(OLD)}`,
      incoming: `Incoming: 3.4 KB, modified ${formatDate(NEW)}`
    });
    expect(question.overwriteNote).toBe(
      `Overwrite replaces the existing item (1.2 MB, modified ${formatDate(OLD)}) ` +
        `with the incoming one (3.4 KB, modified ${formatDate(NEW)}); the existing item cannot be recovered.`
    );
  });

  it('says what it does not know', () => {
    expect(describeSide(null)).toBe('size and modified time unknown');
    expect(describeSide({ size: null, modified: NEW })).toBe(
      `size unknown, modified ${formatDate(NEW)}`
    );
    expect(
      describeSide({ size: 5000, modified: null, approximate: true })
    ).toBe('at least 5.0 KB, modified time unknown');
    expect(conflictQuestion('x').sides.existing).toBe(
      'Existing: size and modified time unknown'
    );
  });

  it('finds where the transfer lands, as the server names it', () => {
    const from: Place = { root: 'scratch', path: 'alice/run/a.nc' };
    expect(landingPlace(from, { root: 'persistent', path: 'alice/' })).toEqual({
      root: 'persistent',
      path: 'alice/a.nc'
    });
    expect(landingPlace(from, { root: 'persistent', path: '' })).toEqual({
      root: 'persistent',
      path: 'a.nc'
    });
    expect(landingPlace(from, { root: 'scratch', path: 'alice/b.nc' })).toEqual(
      { root: 'scratch', path: 'alice/b.nc' }
    );
    expect(
      landingPlace({ root: 'scratch', path: 'alice/x.zarr/' }, { local: 'nb/' })
    ).toEqual({ local: 'nb/x.zarr' });
  });
});

describe('the conflict dialog', () => {
  const question = conflictQuestion('a.nc is already there.', {
    existing: { size: 10, modified: OLD },
    incoming: { size: 20, modified: NEW }
  });

  it('has Enter on Skip: the default button is Skip, Overwrite a warning', () => {
    const buttons = conflictButtons(question);
    expect(buttons.map(b => b.label)).toEqual([
      'Cancel',
      'Skip',
      'Keep both',
      'Overwrite'
    ]);
    expect(buttons[conflictDefaultButton(question)].label).toBe('Skip');
    expect(buttons[3].displayType).toBe('warn');
    expect(buttons[3].caption).toBe(question.overwriteNote);
  });

  it('renders the two sides and what Overwrite replaces', () => {
    const body = new ConflictBody(question);
    expect(
      Array.from(body.node.querySelectorAll('[data-side]')).map(
        li => li.textContent
      )
    ).toEqual([question.sides.existing, question.sides.incoming]);
    expect(
      body.node.querySelector('.jp-LeapBuckets-conflictOverwrite')!.textContent
    ).toBe(question.overwriteNote);
  });
});

describe('both sides are read for the question', () => {
  it('a transfer reads the existing item where it lands and the source', async () => {
    const read: Place[] = [];
    const questions: IConflictQuestion[] = [];
    const requests: ITransferRequest[] = [];
    const flow = new TransferFlow({
      start: async request => {
        requests.push(request);
        if (request.conflict === 'fail') {
          throw new ApiError('conflict', 'a.nc exists already.', 409);
        }
        return job('j');
      },
      ask: async question => {
        questions.push(question);
        return null;
      },
      report: { info: () => undefined, error: () => undefined },
      describe: async place => {
        read.push(place);
        return 'root' in place && place.root === 'persistent'
          ? { size: 100, modified: OLD }
          : { size: 200, modified: NEW };
      }
    });
    const [outcome] = await flow.transfer(
      [{ root: 'scratch', path: 'alice/a.nc' }],
      { root: 'persistent', path: 'alice/' },
      false
    );
    expect(read).toEqual([
      { root: 'persistent', path: 'alice/a.nc' },
      { root: 'scratch', path: 'alice/a.nc' }
    ]);
    expect(questions[0].existing).toEqual({ size: 100, modified: OLD });
    expect(questions[0].incoming).toEqual({ size: 200, modified: NEW });
    expect(outcome.declined).toBe(true);
    expect(requests).toHaveLength(1); // cancelled: not sent again
  });

  it('an unreadable side is unknown, and the question is still asked', async () => {
    const questions: IConflictQuestion[] = [];
    const flow = new TransferFlow({
      start: async () => {
        throw new ApiError('conflict', 'x exists already.', 409);
      },
      ask: async question => {
        questions.push(question);
        return null;
      },
      report: { info: () => undefined, error: () => undefined },
      describe: async () => {
        throw new Error('gone');
      }
    });
    await flow.transfer(
      [{ root: 'scratch', path: 'alice/x' }],
      { root: 'scratch', path: 'alice/y/' },
      false
    );
    expect(questions[0].sides.existing).toBe(
      'Existing: size and modified time unknown'
    );
  });

  it("an upload reads the existing object and takes the file's own size and time", async () => {
    const questions: IConflictQuestion[] = [];
    const read: Place[] = [];
    const queue = new UploadQueue({
      upload: async (_file, _target, conflict) => {
        if (conflict === 'fail') {
          throw new ApiError('conflict', 'a.csv exists already.', 409);
        }
        return job('u', { state: 'done' }) as IJob;
      },
      cancelJob: async () => undefined,
      ask: async question => {
        questions.push(question);
        return 'skip';
      },
      report: { info: () => undefined, error: () => undefined },
      describe: async place => {
        read.push(place);
        return { size: 7, modified: OLD };
      }
    });
    const file = new File([new Uint8Array(12)], 'a.csv', {
      lastModified: Date.parse(NEW)
    });
    const [item] = await queue.add([{ file, folder: 'sub/' }], {
      root: 'scratch',
      path: 'alice/'
    });
    expect(read).toEqual([{ root: 'scratch', path: 'alice/sub/a.csv' }]);
    expect(questions[0].existing).toEqual({ size: 7, modified: OLD });
    expect(questions[0].incoming).toEqual({
      size: 12,
      modified: new Date(Date.parse(NEW)).toISOString()
    });
    expect(item.state).toBe('skipped');
  });
});
