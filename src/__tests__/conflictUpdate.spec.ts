/**
 * Update in the conflict question (issue 19): offered when a folder meets a folder, a
 * warning that is never the default, unavailable (saying why) where nothing may be
 * replaced, and sent as `conflict: "update"`; the job's sentence counts what it skipped.
 */
import { ApiError } from '../request';
import { IJob, IRoot, ITransferRequest } from '../tokens';
import { transferMode, jobSentence } from '../transferRules';
import {
  conflictButtons,
  conflictDefaultButton,
  ConflictBody
} from '../widgets/conflictDialog';
import {
  conflictQuestion,
  conflictShape,
  ConflictAnswer,
  IConflictQuestion,
  UPDATE_DESCRIPTION,
  UPDATE_LABEL
} from '../workflows/conflict';
import { TransferFlow } from '../workflows/transfer';
import { job, manual, persistent, scratch } from './fakes';

const roots: IRoot[] = [scratch, persistent, manual];
const rootOf = (id: string) => roots.find(r => r.id === id);

describe('which choices the question offers', () => {
  it('offers Update when a folder meets a folder, Skip still the default', () => {
    const shape = conflictShape(
      { root: 'scratch', path: 'alice/run/' },
      { root: 'persistent', path: 'alice/' },
      rootOf
    );
    expect(shape).toEqual({ folders: true, updateBlocked: null });
    const question = conflictQuestion('run/ is there.', undefined, shape);
    expect(question.choices.map(c => c.policy)).toEqual([
      'skip',
      'rename',
      'update',
      'overwrite'
    ]);
    expect(question.defaultPolicy).toBe('skip');
    const buttons = conflictButtons(question);
    expect(buttons[conflictDefaultButton(question)].label).toBe('Skip');
    const update = buttons.find(b => b.label === UPDATE_LABEL)!;
    expect(update.displayType).toBe('warn');
    expect(update.caption).toBe(UPDATE_DESCRIPTION);
    expect(UPDATE_DESCRIPTION).toContain(
      'objects with the same size and checksum are skipped; the others are replaced'
    );
    const body = new ConflictBody(question);
    expect(
      body.node.querySelector('.jp-LeapBuckets-conflictUpdate')!.textContent
    ).toBe(UPDATE_DESCRIPTION);
  });

  it('does not offer Update for a file', () => {
    const shape = conflictShape(
      { root: 'scratch', path: 'alice/a.nc' },
      { root: 'persistent', path: 'alice/' },
      rootOf
    );
    expect(shape.folders).toBe(false);
    const question = conflictQuestion('a.nc is there.', undefined, shape);
    expect(question.choices.map(c => c.policy)).toEqual([
      'skip',
      'rename',
      'overwrite'
    ]);
    expect(question.unavailable).toEqual([]);
  });

  it('offers Update from a workspace folder into a bucket and back', () => {
    expect(
      conflictShape(
        { local: 'data/run/' },
        { root: 'scratch', path: 'alice/' },
        rootOf
      )
    ).toEqual({ folders: true, updateBlocked: null });
    expect(
      conflictShape(
        { root: 'scratch', path: 'alice/run/' },
        { local: 'data/' },
        rootOf
      )
    ).toEqual({ folders: true, updateBlocked: null });
  });

  it.each([
    [
      { ...persistent, deletable: null },
      'nothing in Persistent may be replaced'
    ],
    [
      { ...persistent, deletable: 'alice/mine/' },
      'in Persistent you may replace only inside gs://leap-persistent/alice/mine/'
    ]
  ])(
    'says why Update is unavailable where nothing may be replaced',
    (root, why) => {
      const shape = conflictShape(
        { root: 'scratch', path: 'alice/run/' },
        { root: 'persistent', path: 'alice/' },
        id => (id === 'persistent' ? root : rootOf(id))
      );
      expect(shape.updateBlocked).toContain(why);
      const question = conflictQuestion('run/ is there.', undefined, shape);
      expect(question.choices.map(c => c.policy)).not.toContain('update');
      expect(question.unavailable).toEqual([
        { label: UPDATE_LABEL, reason: shape.updateBlocked }
      ]);
      const body = new ConflictBody(question);
      expect(
        body.node.querySelector('.jp-LeapBuckets-conflictUnavailable')!
          .textContent
      ).toBe(shape.updateBlocked);
    }
  );
});

describe('the request Update sends', () => {
  async function answer(
    choice: ConflictAnswer,
    source = { root: 'scratch', path: 'alice/run/' }
  ) {
    const requests: ITransferRequest[] = [];
    const questions: IConflictQuestion[] = [];
    const flow = new TransferFlow({
      start: async request => {
        requests.push(request);
        if (request.conflict === 'fail') {
          throw new ApiError('conflict', 'run/ exists already.', 409);
        }
        return job('j');
      },
      ask: async question => {
        questions.push(question);
        return choice;
      },
      report: { info: () => undefined, error: () => undefined },
      rootOf
    });
    const [outcome] = await flow.transfer(
      [source],
      { root: 'persistent', path: 'alice/' },
      false
    );
    return { requests, questions, outcome };
  }

  it('sends conflict "update" after the question', async () => {
    const { requests, questions, outcome } = await answer('update');
    expect(questions[0].choices.map(c => c.policy)).toContain('update');
    expect(requests.map(r => r.conflict)).toEqual(['fail', 'update']);
    expect(outcome.request).toEqual({
      source: { root: 'scratch', path: 'alice/run/' },
      target: { root: 'persistent', path: 'alice/' },
      mode: transferMode('scratch', 'persistent', false),
      conflict: 'update'
    });
  });

  it('asks a file without Update', async () => {
    const { questions } = await answer('skip', {
      root: 'scratch',
      path: 'alice/a.nc'
    });
    expect(questions[0].choices.map(c => c.policy)).not.toContain('update');
  });
});

describe("an update's end sentence", () => {
  const urlOf = (id: string) => rootOf(id)?.url;
  const update = (fields: Partial<IJob>): IJob => ({
    ...job('j'),
    kind: 'transfer',
    state: 'done',
    mode: 'copy',
    conflict: 'update',
    source: { root: 'scratch', path: 'alice/run/' },
    target: { root: 'persistent', path: 'alice/' },
    ...fields
  });

  it('counts what it copied apart from what was already there, counts first', () => {
    expect(
      jobSentence(update({ objectsDone: 3, objectsSkipped: 2 }), urlOf)
    ).toBe(
      'Copied 1 item, skipped 2 already there, from gs://leap-scratch/alice/run/ to gs://leap-persistent/alice/.'
    );
    expect(
      jobSentence(update({ objectsDone: 3, objectsSkipped: 0 }), urlOf)
    ).toBe(
      'Copied 3 items from gs://leap-scratch/alice/run/ to gs://leap-persistent/alice/.'
    );
  });
});
