import { ApiError } from '../request';
import { IDeletePlan } from '../tokens';
import {
  DeletePlanModel,
  expiredMessage,
  IDeleteDeps,
  planAndDelete
} from '../workflows/deletePlan';
import { deletePlan, job } from './fakes';

/** A server's plan routes and a user who types `typed` and presses Delete (or not). */
function setup(
  options: {
    plan?: IDeletePlan;
    typed?: string;
    press?: boolean;
    /** Seconds that pass while the dialog is open. */
    dwell?: number;
    later?: IDeletePlan[];
    refuse?: ApiError;
    startError?: ApiError;
  } = {}
) {
  let clock = 1_000_000;
  const log: string[] = [];
  const shown: IDeletePlan[][] = [];
  const later = [...(options.later ?? [])];
  const deps: IDeleteDeps = {
    api: {
      planDelete: async (root, path) => {
        log.push(`plan ${root} ${path}`);
        if (options.refuse) {
          throw options.refuse;
        }
        return options.plan ?? deletePlan();
      },
      getPlan: async token => {
        log.push(`follow ${token}`);
        return later.shift() ?? later[0] ?? deletePlan();
      },
      dropPlan: async token => {
        log.push(`drop ${token}`);
      }
    },
    startDelete: async (token, confirm) => {
      log.push(`delete ${token} ${confirm}`);
      if (options.startError) {
        throw options.startError;
      }
      return job('d1', { kind: 'delete' });
    },
    confirm: async (model: DeletePlanModel) => {
      const seen: IDeletePlan[] = [model.plan];
      shown.push(seen);
      model.changed.connect(() => {
        if (seen[seen.length - 1] !== model.plan) {
          seen.push(model.plan);
        }
      });
      if (options.later?.length) {
        // Wait until the follow has read every later answer.
        while (!model.plan.complete) {
          await new Promise(resolve => setTimeout(resolve, 2));
        }
      }
      model.typed = options.typed ?? '';
      clock += (options.dwell ?? 5) * 1000;
      return options.press ?? true;
    },
    planning: name => {
      log.push(`planning ${name}`);
      return error => log.push(`planned ${error ?? 'ok'}`);
    },
    now: () => clock,
    followInterval: 1
  };
  return { deps, log, shown };
}

describe('planAndDelete', () => {
  it('plans, and once the name is typed starts the delete with it as confirm', async () => {
    const { deps, log } = setup({ typed: 'ocean.zarr' });
    const outcome = await planAndDelete(
      deps,
      'scratch',
      'demo/run/ocean.zarr/'
    );
    expect(outcome).toEqual({
      state: 'started',
      job: expect.objectContaining({ id: 'd1' })
    });
    expect(log).toEqual([
      'planning ocean.zarr',
      'plan scratch demo/run/ocean.zarr/',
      'planned ok',
      'delete t ocean.zarr'
    ]);
  });

  it('deletes nothing and drops the plan when the name is mistyped or the dialog cancelled', async () => {
    for (const options of [
      { typed: 'ocean.zar', press: true },
      { typed: 'ocean.zarr', press: false }
    ]) {
      const { deps, log } = setup(options);
      const outcome = await planAndDelete(
        deps,
        'scratch',
        'demo/run/ocean.zarr/'
      );
      expect(outcome).toEqual({ state: 'declined' });
      expect(log.filter(l => l.startsWith('delete'))).toEqual([]);
      expect(log).toContain('drop t');
    }
  });

  it('needs no typed name for a file', async () => {
    const { deps, log } = setup({
      plan: deletePlan({ path: 'demo/a.nc', type: 'file', zarr: false })
    });
    const outcome = await planAndDelete(deps, 'scratch', 'demo/a.nc');
    expect(outcome.state).toBe('started');
    expect(log).toContain('delete t a.nc');
  });

  it('never sends a plan whose token expired while the dialog was open', async () => {
    const { deps, log } = setup({
      plan: deletePlan({ tokenSecondsLeft: 60 }),
      typed: 'ocean.zarr',
      dwell: 61
    });
    const outcome = await planAndDelete(
      deps,
      'scratch',
      'demo/run/ocean.zarr/'
    );
    expect(outcome).toEqual({
      state: 'expired',
      message: expiredMessage('ocean.zarr')
    });
    expect(log.filter(l => l.startsWith('delete'))).toEqual([]);
    expect(log).toContain('drop t');
  });

  it('says the plan expired when the server says so', async () => {
    const { deps } = setup({
      typed: 'ocean.zarr',
      startError: new ApiError('plan-expired', 'The plan expired.', 410)
    });
    const outcome = await planAndDelete(
      deps,
      'scratch',
      'demo/run/ocean.zarr/'
    );
    expect(outcome.state).toBe('expired');
  });

  it('reports a refused plan and shows no dialog', async () => {
    const { deps, log, shown } = setup({
      refuse: new ApiError(
        'outside-home',
        'You can delete only inside gs://leap-scratch/demo/.',
        403
      )
    });
    const outcome = await planAndDelete(deps, 'scratch', 'other/x');
    expect(outcome).toEqual({
      state: 'unplanned',
      message: 'You can delete only inside gs://leap-scratch/demo/.'
    });
    expect(shown).toEqual([]);
    expect(log).toContain(
      'planned You can delete only inside gs://leap-scratch/demo/.'
    );
  });

  it('follows a plan still being listed until it is complete, the dialog seeing each count', async () => {
    const { deps, log, shown } = setup({
      plan: deletePlan({ complete: false, objects: 1000 }),
      later: [
        deletePlan({ complete: false, objects: 3000 }),
        deletePlan({ complete: true, objects: 4200 })
      ],
      typed: 'ocean.zarr'
    });
    await planAndDelete(deps, 'scratch', 'demo/run/ocean.zarr/');
    expect(shown[0].map(p => p.objects)).toEqual([1000, 3000, 4200]);
    expect(log.filter(l => l.startsWith('follow'))).toHaveLength(2);
  });
});

describe('DeletePlanModel', () => {
  it('expires tokenSecondsLeft after its answer', () => {
    let now = 0;
    const model = new DeletePlanModel(
      deletePlan({ tokenSecondsLeft: 900 }),
      setup().deps.api,
      () => now
    );
    expect(model.expiresAt).toBe(900_000);
    now = 899_999;
    expect(model.expired).toBe(false);
    now = 900_000;
    expect(model.expired).toBe(true);
  });
});
