import {
  handoffState,
  handoffTitle,
  isLarge,
  mayOfferHandoff,
  usd
} from '../handoffRules';
import { IDeletePlan, IHandoff } from '../tokens';
import { HandoffBody } from '../widgets/handoffDialog';
import { deleteDialogOptions, HANDOFF_BUTTON } from '../widgets/deleteDialog';
import { DeletePlanModel, planAndDelete } from '../workflows/deletePlan';
import { deletePlan, job } from './fakes';

const AT = { objects: 1000, bytes: 10_000 };

const prepared: IHandoff = {
  service: 'Storage batch operations',
  name: 'projects/p/locations/global/jobs/j',
  request: { method: 'POST', url: 'https://x/jobs?jobId=j', body: { a: 1 } },
  gcloud: 'gcloud storage batch-operations jobs create j --delete-object',
  cost: {
    lines: [
      { what: '1,200 object deletes', usd: 0 },
      { what: 'batch operations', usd: null }
    ],
    totalUsd: null,
    note: 'needs Storage Intelligence'
  },
  objects: 1200,
  bytes: 2048,
  manifest: 'gs://leap-scratch/demo/leap-buckets-handoff/j.csv',
  follow: 'gcloud storage batch-operations jobs describe j'
};

describe('handoffRules', () => {
  it('offers the hand-off from the threshold on, by objects or by bytes', () => {
    const small = { objects: 999, bytes: 9_999, complete: true };
    expect(isLarge(small, AT)).toBe(false);
    expect(isLarge({ ...small, objects: 1000 }, AT)).toBe(true);
    expect(isLarge({ ...small, bytes: 10_000 }, AT)).toBe(true);
    expect(isLarge({ ...small, objects: 10 ** 9 }, null)).toBe(false);
  });

  it('gives a still-counting plan a button, shown once it is large and enabled once complete and typed', () => {
    const counting = { objects: 10, bytes: 10, complete: false };
    expect(mayOfferHandoff(counting, AT)).toBe(true);
    expect(mayOfferHandoff({ ...counting, complete: true }, AT)).toBe(false);
    expect(handoffState(counting, AT, true)).toBe('hidden');
    expect(handoffState({ ...counting, objects: 5000 }, AT, true)).toBe(
      'counting'
    );
    const done = { objects: 5000, bytes: 10, complete: true };
    expect(handoffState(done, AT, false)).toBe('unconfirmed');
    expect(handoffState(done, AT, true)).toBe('ready');
    expect(handoffTitle('counting')).toMatch(/count to finish/);
    expect(handoffTitle('ready')).toMatch(/Nothing is deleted here/);
  });

  it('writes costs as a person reads them', () => {
    expect(usd(null)).toBe('not estimated');
    expect(usd(0)).toBe('free');
    expect(usd(0.000005)).toBe('< $0.01');
    expect(usd(2.5)).toBe('$2.50');
  });
});

describe('the delete dialog with a hand-off', () => {
  const api = {
    planDelete: async () => deletePlan(),
    getPlan: async () => deletePlan(),
    dropPlan: async () => undefined
  };

  it('has the hand-off button between Cancel and Delete, never the default', () => {
    const large = new DeletePlanModel(deletePlan(), api, Date.now, AT);
    const options = deleteDialogOptions(large);
    expect(options.buttons.map(b => b.label)).toEqual([
      'Cancel',
      'Hand off to Google…',
      'Delete'
    ]);
    expect(options.buttons[1].className).toContain(HANDOFF_BUTTON);
    expect(options.defaultButton).toBe(2); // Delete, once the name is typed
    const small = new DeletePlanModel(
      deletePlan({ objects: 3 }),
      api,
      Date.now,
      AT
    );
    expect(deleteDialogOptions(small).buttons.map(b => b.label)).toEqual([
      'Cancel',
      'Delete'
    ]);
    const notGcs = new DeletePlanModel(deletePlan(), api, Date.now, null);
    expect(deleteDialogOptions(notGcs).buttons).toHaveLength(2);
  });

  async function run(
    choice: boolean | 'handoff',
    typed: string,
    plan: IDeletePlan = deletePlan()
  ) {
    const log: string[] = [];
    const outcome = await planAndDelete(
      {
        api: {
          planDelete: async () => plan,
          getPlan: async () => plan,
          dropPlan: async token => {
            log.push(`drop ${token}`);
          }
        },
        startDelete: async (token, confirm) => {
          log.push(`delete ${token} ${confirm}`);
          return job('d1', { kind: 'delete' });
        },
        confirm: async model => {
          model.typed = typed;
          return choice;
        },
        handoff: {
          at: AT,
          prepare: async (token, confirm) => {
            log.push(`handoff ${token} ${confirm}`);
            return prepared;
          }
        },
        followInterval: 1
      },
      'scratch',
      plan.path
    );
    return { outcome, log };
  }

  it('hands a confirmed large plan off, and deletes nothing', async () => {
    const { outcome, log } = await run('handoff', 'ocean.zarr');
    expect(outcome).toEqual({ state: 'handed-off', handoff: prepared });
    expect(log).toEqual(['handoff t ocean.zarr']);
  });

  it('neither hands off nor deletes when the name is wrong, or the plan is below the threshold', async () => {
    expect((await run('handoff', 'ocean')).log).toEqual(['drop t']);
    const small = deletePlan({ objects: 5, bytes: 5 });
    const { outcome, log } = await run('handoff', 'ocean.zarr', small);
    expect(outcome).toEqual({ state: 'declined' });
    expect(log).toEqual(['drop t']);
  });

  it('shows the command with a Copy button, the manifest, the costs and the request', () => {
    const body = new HandoffBody(prepared);
    const text = body.node.textContent!;
    expect(text).toMatch(/Nothing has been deleted/);
    expect(
      body.node.querySelector('[data-block="gcloud"] pre')!.textContent
    ).toBe(prepared.gcloud);
    expect(text).toContain(prepared.manifest);
    expect(text).toContain('not estimated');
    expect(
      JSON.parse(body.node.querySelector('details pre')!.textContent!)
    ).toEqual({ a: 1 });
  });
});
