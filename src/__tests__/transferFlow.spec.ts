import { ApiError } from '../request';
import { ITransferRequest } from '../tokens';
import {
  conflictQuestion,
  IConflictQuestion,
  TransferFlow
} from '../workflows/transfer';
import { job } from './fakes';

/** A server that answers 409 conflict to requests with conflict "fail" for `taken`. */
function setup(taken: string[] = [], answer: string | null = 'rename') {
  const requests: ITransferRequest[] = [];
  const questions: IConflictQuestion[] = [];
  const said: string[] = [];
  const flow = new TransferFlow({
    start: async request => {
      requests.push(request);
      const path = 'root' in request.source ? request.source.path : '';
      if (path === 'alice/broken') {
        throw new ApiError('storage-error', 'The bucket refused.', 502);
      }
      if (taken.includes(path) && request.conflict === 'fail') {
        throw new ApiError('conflict', `${path} is already there.`, 409);
      }
      return job(`j${requests.length}`, {
        note: path === 'alice/far' ? 'The bytes leave Google.' : null
      });
    },
    ask: async question => {
      questions.push(question);
      return answer as any;
    },
    report: {
      info: message => said.push(`info: ${message}`),
      error: message => said.push(`error: ${message}`)
    }
  });
  return { flow, requests, questions, said };
}

const target = { root: 'scratch', path: 'alice/into/' };

describe('the conflict question', () => {
  it('offers skip, keep both and overwrite, overwrite marked destructive', () => {
    const question = conflictQuestion('a.nc is already there.');
    expect(question.message).toBe('a.nc is already there.');
    expect(
      question.choices.map(c => [c.label, c.policy, c.destructive])
    ).toEqual([
      ['Skip', 'skip', false],
      ['Keep both', 'rename', false],
      ['Overwrite', 'overwrite', true]
    ]);
  });
});

describe('TransferFlow', () => {
  it('sends an update (a drop with Shift) as one request, asking nothing', async () => {
    const { flow, requests, questions } = setup(['alice/run1/']);
    const [outcome] = await flow.transfer(
      [{ root: 'scratch', path: 'alice/run1/' }],
      { root: 'persistent', path: 'alice/' },
      false,
      'copy',
      true
    );
    expect(questions).toEqual([]);
    expect(requests).toEqual([
      {
        source: { root: 'scratch', path: 'alice/run1/' },
        target: { root: 'persistent', path: 'alice/' },
        mode: 'copy',
        conflict: 'update'
      }
    ]);
    expect(outcome.request?.conflict).toBe('update');
  });

  it('asks on a conflict and sends the request again with the answer', async () => {
    const { flow, requests, questions } = setup(['alice/a.nc'], 'rename');
    const [outcome] = await flow.transfer(
      [{ root: 'scratch', path: 'alice/a.nc' }],
      target,
      false
    );
    expect(questions.map(q => q.message)).toEqual([
      'alice/a.nc is already there.'
    ]);
    expect(requests.map(r => r.conflict)).toEqual(['fail', 'rename']);
    expect(requests[1]).toEqual({
      source: { root: 'scratch', path: 'alice/a.nc' },
      target,
      mode: 'move',
      conflict: 'rename'
    });
    expect(outcome.job?.id).toBe('j2');
    expect(outcome.request?.conflict).toBe('rename');
  });

  it('maps overwrite and skip to the policies the API takes', async () => {
    for (const answer of ['overwrite', 'skip']) {
      const { flow, requests } = setup(['alice/a.nc'], answer);
      await flow.transfer(
        [{ root: 'scratch', path: 'alice/a.nc' }],
        target,
        false
      );
      expect(requests.map(r => r.conflict)).toEqual(['fail', answer]);
    }
  });

  it('starts nothing more when the question is cancelled', async () => {
    const { flow, requests } = setup(['alice/a.nc'], null);
    const [outcome] = await flow.transfer(
      [{ root: 'scratch', path: 'alice/a.nc' }],
      target,
      false
    );
    expect(requests).toHaveLength(1);
    expect(outcome).toMatchObject({ declined: true, job: null, error: null });
  });

  it('answers for the user when the setting says what to do', async () => {
    const { flow, requests, questions } = setup(['alice/a.nc']);
    flow.onConflict = 'overwrite';
    await flow.transfer(
      [{ root: 'scratch', path: 'alice/a.nc' }],
      target,
      false
    );
    expect(questions).toHaveLength(0);
    expect(requests.map(r => r.conflict)).toEqual(['overwrite']);
  });

  it('reports other errors without asking, and goes on with the next source', async () => {
    const { flow, requests, questions, said } = setup();
    const outcomes = await flow.transfer(
      [
        { root: 'scratch', path: 'alice/broken' },
        { root: 'scratch', path: 'alice/b.nc' }
      ],
      target,
      false
    );
    expect(questions).toHaveLength(0);
    expect(requests).toHaveLength(2);
    expect(outcomes.map(o => o.error)).toEqual(['The bucket refused.', null]);
    expect(said).toEqual(['error: The bucket refused.']);
  });

  it('moves within a root, copies across roots, the modifier switching; a forced mode wins', async () => {
    const { flow, requests } = setup();
    const source = { root: 'scratch', path: 'alice/a.nc' };
    await flow.transfer([source], target, false);
    await flow.transfer([source], target, true);
    await flow.transfer(
      [source],
      { root: 'persistent', path: 'alice/' },
      false
    );
    await flow.transfer([source], { local: 'work/' }, true);
    await flow.transfer([source], { local: 'work/' }, false, 'move');
    expect(requests.map(r => r.mode)).toEqual([
      'move',
      'copy',
      'copy',
      'move',
      'move'
    ]);
  });

  it("tells the job's note", async () => {
    const { flow, said } = setup();
    await flow.transfer(
      [{ root: 'scratch', path: 'alice/far' }],
      { root: 'osn-inbox', path: '' },
      false
    );
    expect(said).toEqual(['info: The bytes leave Google.']);
  });
});
