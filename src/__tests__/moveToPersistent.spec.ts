import { ApiError } from '../request';
import { IRoot, ITransferRequest } from '../tokens';
import {
  IMoveSummary,
  moveDestination,
  moveSummary,
  moveToPersistent,
  persistentRoot,
  whyNotMove
} from '../workflows/moveToPersistent';
import { TransferFlow } from '../workflows/transfer';
import { MoveSummaryBody } from '../widgets/moveDialog';
import { job, manual, persistent, scratch } from './fakes';

const roots = [scratch, persistent, manual];

function flow(taken: string[] = []) {
  const requests: ITransferRequest[] = [];
  const transfers = new TransferFlow({
    start: async request => {
      requests.push(request);
      const path = 'root' in request.source ? request.source.path : '';
      if (taken.includes(path) && request.conflict === 'fail') {
        throw new ApiError('conflict', `${path} is in persistent.`, 409);
      }
      return job(`j${requests.length}`);
    },
    ask: async () => 'rename',
    report: { info: () => undefined, error: () => undefined }
  });
  return { transfers, requests };
}

const NOW = Date.parse('2026-11-30T12:00:00Z');
const HOUR = 3600 * 1000;
const at = (hours: number) => new Date(NOW + hours * HOUR).toISOString();

/** The move's dependencies: sizes from a table, and a confirmation that answers `yes`. */
function deps(
  taken: string[] = [],
  yes = true,
  sizes: Record<string, number | null> = {}
) {
  const { transfers, requests } = flow(taken);
  const summaries: IMoveSummary[] = [];
  return {
    requests,
    summaries,
    deps: {
      transfers,
      measure: async (_root: string, path: string) => {
        if (!(path in sizes)) {
          throw new Error('no details');
        }
        return { bytes: sizes[path], expires: null };
      },
      confirm: async (summary: IMoveSummary) => {
        summaries.push(summary);
        return yes;
      },
      now: () => NOW
    }
  };
}

describe('move to persistent', () => {
  it('moves to the root named persistent, else a writable root that keeps things', () => {
    expect(persistentRoot(roots, scratch)?.id).toBe('persistent');
    const keep: IRoot = { ...persistent, id: 'keep' };
    expect(persistentRoot([scratch, keep, manual], scratch)?.id).toBe('keep');
    expect(persistentRoot([scratch, manual], scratch)).toBeNull();
  });

  it('keeps the place relative to the home', () => {
    expect(moveDestination(scratch, persistent, 'alice/run1/a.nc')).toEqual({
      root: 'persistent',
      path: 'alice/run1/'
    });
    expect(moveDestination(scratch, persistent, 'alice/run1/')).toEqual({
      root: 'persistent',
      path: 'alice/'
    });
    expect(
      moveDestination(
        scratch,
        { ...persistent, home: 'keep/alice/' },
        'alice/x.zarr/'
      )
    ).toEqual({ root: 'persistent', path: 'keep/alice/' });
  });

  it('says why it cannot move', () => {
    expect(whyNotMove(roots, persistent, ['alice/a'])).toMatch(
      /Only what expires/
    );
    expect(whyNotMove(roots, scratch, [])).toBe('Select what to move.');
    expect(whyNotMove(roots, scratch, ['bob/a'])).toBe(
      'You can move only what lies inside gs://leap-scratch/alice/.'
    );
    expect(whyNotMove([scratch], scratch, ['alice/a'])).toBe(
      'No persistent root is configured.'
    );
    expect(whyNotMove(roots, scratch, ['alice/a', 'alice/b/'])).toBe('');
  });

  it('starts one move job per item, into its place in persistent, once confirmed', async () => {
    const {
      deps: d,
      requests,
      summaries
    } = deps([], true, {
      'alice/run1/a.nc': 1000,
      'alice/ocean.zarr/': 2500
    });
    const { why, declined, outcomes } = await moveToPersistent(
      d,
      roots,
      'scratch',
      ['alice/run1/a.nc', 'alice/ocean.zarr/']
    );
    expect(why).toBe('');
    expect(declined).toBe(false);
    expect(summaries).toHaveLength(1);
    expect(outcomes.map(o => o.job?.id)).toEqual(['j1', 'j2']);
    expect(requests).toEqual([
      {
        source: { root: 'scratch', path: 'alice/run1/a.nc' },
        target: { root: 'persistent', path: 'alice/run1/' },
        mode: 'move',
        conflict: 'fail'
      },
      {
        source: { root: 'scratch', path: 'alice/ocean.zarr/' },
        target: { root: 'persistent', path: 'alice/' },
        mode: 'move',
        conflict: 'fail'
      }
    ]);
  });

  it('starts nothing until the summary is confirmed, and nothing when it is not', async () => {
    const {
      deps: d,
      requests,
      summaries
    } = deps([], false, {
      'alice/a.nc': 10
    });
    let confirmed: (yes: boolean) => void = () => undefined;
    d.confirm = summary => {
      summaries.push(summary);
      return new Promise<boolean>(resolve => (confirmed = resolve));
    };
    const moving = moveToPersistent(d, roots, 'scratch', ['alice/a.nc']);
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(summaries).toHaveLength(1); // asked…
    expect(requests).toEqual([]); // …and nothing started meanwhile
    confirmed(false);
    const { declined, outcomes } = await moving;
    expect(declined).toBe(true);
    expect(outcomes).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('asks when the item is already in persistent and moves with the answer', async () => {
    const { deps: d, requests } = deps(['alice/a.nc']);
    await moveToPersistent(d, roots, 'scratch', ['alice/a.nc']);
    expect(requests.map(r => r.conflict)).toEqual(['fail', 'rename']);
  });

  it('starts nothing, and asks nothing, when it cannot move', async () => {
    const { deps: d, requests, summaries } = deps();
    const { why, outcomes } = await moveToPersistent(d, roots, 'scratch', [
      'bob/a.nc'
    ]);
    expect(why).toMatch(/only what lies inside/);
    expect(outcomes).toEqual([]);
    expect(summaries).toEqual([]);
    expect(requests).toEqual([]);
  });
});

describe('the move summary', () => {
  it('lists the items, their total size and the persistent home as a URL', () => {
    const summary = moveSummary(
      scratch,
      persistent,
      [
        { path: 'alice/run1/a.nc', bytes: 1500, expires: at(11.5) },
        {
          path: 'alice/ocean.zarr/',
          bytes: 2_000_000,
          expires: at(50)
        }
      ],
      NOW
    );
    expect(summary.title).toBe('Move 2 items to Persistent?');
    expect(summary.destination).toBe('gs://leap-persistent/alice/');
    expect(summary.total).toBe('2.0 MB in 2 items');
    expect(summary.items.map(i => `${i.name} — ${i.size}, ${i.when}`)).toEqual([
      'run1/a.nc — 1.5 KB, expires in 11 hours',
      'ocean.zarr — 2.0 MB, expires in 2 days'
    ]);
    expect(summary.note).toContain('gs://leap-persistent/alice/');
    expect(summary.note).toContain('gs://leap-scratch/alice/');
    expect(summary.confirmLabel).toBe('Move');
  });

  it('says "due now" for what is past its deletion date, never "within 24 hours"', () => {
    const summary = moveSummary(
      scratch,
      persistent,
      [
        { path: 'alice/old.csv', bytes: 10, expires: at(-30) },
        { path: 'alice/now.csv', bytes: 10, expires: at(0) },
        { path: 'alice/soon.csv', bytes: 10, expires: at(0.2) }
      ],
      NOW
    );
    expect(summary.items.map(i => [i.name, i.when, i.due])).toEqual([
      ['old.csv', 'due now', true],
      ['now.csv', 'due now', true],
      ['soon.csv', 'expires in 1 hour', false]
    ]);
    expect(summary.items.map(i => i.when).join(' ')).not.toMatch(/24 hours/);
  });

  it('says "at least" when a size is unknown or was counted up to a bound', () => {
    const summary = moveSummary(
      scratch,
      persistent,
      [
        {
          path: 'alice/big.zarr/',
          bytes: 5000,
          approximate: true,
          expires: null
        },
        { path: 'alice/x.nc', bytes: null, expires: null }
      ],
      NOW
    );
    expect(summary.total).toBe('at least 5.0 KB in 2 items');
    expect(summary.items.map(i => `${i.size}, ${i.when}`)).toEqual([
      'at least 5.0 KB, no expiry known',
      'size unknown, no expiry known'
    ]);
  });

  it('takes known expiries where the details carry none, and sizes from the details', async () => {
    const { deps: d, summaries } = deps([], false, { 'alice/results/': 42 });
    await moveToPersistent(d, roots, 'scratch', ['alice/results/'], {
      'alice/results/': at(-1)
    });
    expect(summaries[0].items).toEqual([
      {
        path: 'alice/results/',
        name: 'results',
        size: '42 B',
        when: 'due now',
        due: true
      }
    ]);
    expect(summaries[0].total).toBe('42 B in 1 item');
  });
});

describe('the move dialog', () => {
  it('renders each item with its size and expiry, the total and the destination', () => {
    const summary = moveSummary(
      scratch,
      persistent,
      [
        { path: 'alice/results/', bytes: 100, expires: at(-5) },
        { path: 'alice/a.nc', bytes: 900, expires: at(3) }
      ],
      NOW
    );
    const body = new MoveSummaryBody(summary);
    const items = Array.from(body.node.querySelectorAll('li'));
    expect(items.map(li => [li.textContent, li.dataset.due])).toEqual([
      ['results — 100 B, due now', 'now'],
      ['a.nc — 900 B, expires in 3 hours', 'later']
    ]);
    expect(body.node.querySelector('[data-fact="total"]')!.textContent).toBe(
      '1.0 KB in 2 items'
    );
    expect(
      body.node.querySelector('[data-fact="destination"]')!.textContent
    ).toBe('gs://leap-persistent/alice/');
  });
});
