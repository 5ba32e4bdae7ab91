import { ApiError } from '../request';
import { UsageModel } from '../usageModel';
import {
  chartBars,
  formatCost,
  formatShare,
  IUsage,
  IUsageEntry,
  monthlyCost,
  nextPoll,
  priceNote,
  statusText,
  usageRows,
  usageTitle,
  whereToMeasure,
  whyNotDeleteRow,
  whyNotMoveRow
} from '../usageRules';
import { UsageView } from '../widgets/usageView';
import { deferred, manual, persistent, scratch, settle } from './fakes';

const GIB = 1024 ** 3;
const inbox = {
  ...manual,
  id: 'osn-inbox',
  label: 'OSN inbox',
  writable: '',
  anonymous: false
};

function item(
  path: string,
  bytes: number,
  extra: Partial<IUsageEntry> = {}
): IUsageEntry {
  const folder = path.endsWith('/');
  return {
    path,
    name: path.replace(/\/$/, '').split('/').pop()!,
    type: folder ? 'directory' : 'file',
    objects: 1,
    bytes,
    oldest: '2026-11-20T10:00:00Z',
    newest: '2026-11-29T10:00:00Z',
    approximate: false,
    ...extra
  };
}

function usage(entries: IUsageEntry[], extra: Partial<IUsage> = {}): IUsage {
  return {
    root: 'scratch',
    path: 'alice/',
    url: 'gs://leap-scratch/alice/',
    entries,
    complete: true,
    approximate: false,
    scanned: entries.reduce((n, e) => n + e.objects, 0),
    maxObjects: 200000,
    objects: entries.reduce((n, e) => n + e.objects, 0),
    bytes: entries.reduce((n, e) => n + e.bytes, 0),
    startedAt: '2026-11-30T12:00:00Z',
    expiryWindows: [1, 3, 7],
    pricePerGiBMonth: 0.02,
    priceSource: "Google's list price for STANDARD storage in us-central1",
    storageClass: 'STANDARD',
    ...extra
  };
}

describe('usage rules', () => {
  it('titles the view by root and home', () => {
    expect(usageTitle('Scratch', 'alice/')).toBe('Space Used: Scratch / alice');
    expect(usageTitle('OSN inbox', '')).toBe('Space Used: OSN inbox');
  });

  it('estimates the monthly cost per GiB, and none without a price', () => {
    expect(monthlyCost(50 * GIB, 0.02)).toBeCloseTo(1.0);
    expect(formatCost(monthlyCost(50 * GIB, 0.02))).toBe('$1.00');
    expect(formatCost(monthlyCost(1234 * GIB, 0.02))).toBe('$24.68');
    expect(formatCost(monthlyCost(1000, 0.02))).toBe('< $0.01');
    expect(formatCost(monthlyCost(0, 0.02))).toBe('$0.00');
    expect(formatCost(monthlyCost(GIB, null))).toBe('—');
  });

  it('gives each row its share, largest first, and marks what is approximate', () => {
    const rows = usageRows(
      usage([
        item('alice/small.txt', 1000),
        item('alice/run/', 3000, { objects: 1234, approximate: true }),
        item('alice/empty/', 0)
      ])
    );
    expect(rows.map(r => r.name)).toEqual(['run/', 'small.txt', 'empty/']);
    expect(rows.map(r => r.shareText)).toEqual(['75.0 %', '25.0 %', '0 %']);
    expect(rows[0].objects).toBe('1,234+');
    expect(rows[0].size).toBe('3.0 KB+');
    expect(rows[1].size).toBe('1.0 KB');
    expect(formatShare(0.0004)).toBe('< 0.1 %');
  });

  it('says what expires when, and nothing outside Scratch', () => {
    const within = [
      { days: 1, objects: 0, bytes: 0 },
      { days: 3, objects: 2, bytes: 2_000_000 },
      { days: 7, objects: 3, bytes: 15_000_000 }
    ];
    const [row] = usageRows(
      usage([
        item('alice/run/', 15_000_000, { expires: { earliest: null, within } })
      ])
    );
    expect(row.expires).toEqual(['3 d: 2.0 MB', '7 d: 15.0 MB']);
    const [plain] = usageRows(
      usage([item('alice/run/', 10)], { expiryWindows: null })
    );
    expect(plain.expires).toEqual([]);
  });

  it('charts the largest items and gathers the rest in one bar', () => {
    const rows = usageRows(
      usage([
        item('alice/a/', 800),
        item('alice/b/', 400),
        item('alice/c', 100),
        item('alice/d', 100)
      ])
    );
    const bars = chartBars(rows, 3);
    expect(bars.map(b => b.label)).toEqual(['a/', 'b/', '2 others']);
    expect(bars.map(b => b.width)).toEqual([1, 0.5, 0.25]);
    expect(bars[2].path).toBeNull();
    expect(bars[2].text).toBe('200 B (14.3 %)');
    expect(chartBars(rows, 4).map(b => b.label)).toEqual([
      'a/',
      'b/',
      'c',
      'd'
    ]);
  });

  it('says how the scan goes and how it ended', () => {
    expect(statusText(null, null)).toBe('Scanning…');
    expect(
      statusText(usage([], { complete: false, scanned: 12345 }), null)
    ).toBe('Scanning… 12,345 objects so far');
    expect(statusText(usage([item('alice/a', 5)]), null)).toMatch(
      /^Complete: 1 object, 5 B/
    );
    expect(
      statusText(
        usage([item('alice/a', 5)], { approximate: true, maxObjects: 1000 }),
        null
      )
    ).toMatch(/^Approximate \(stopped at 1,000 objects\)/);
    expect(statusText(usage([]), 'There is no root')).toBe('There is no root');
    expect(nextPoll(usage([], { complete: false }))).toBe(500);
    expect(nextPoll(usage([]))).toBeNull();
    expect(priceNote(usage([], { pricePerGiBMonth: null }))).toMatch(
      /No price/
    );
    expect(priceNote(usage([]))).toMatch(
      /\$0\.02 per GiB-month \(Google's list price/
    );
  });

  it('measures a writable root: the one asked for, the open one, else the first', () => {
    const roots = [manual, scratch, persistent, inbox];
    expect(whereToMeasure(roots, null)).toEqual({
      root: scratch,
      path: 'alice/'
    });
    expect(whereToMeasure(roots, persistent)).toEqual({
      root: persistent,
      path: 'alice/'
    });
    expect(whereToMeasure(roots, manual)?.root).toBe(scratch);
    expect(whereToMeasure(roots, scratch, { root: 'osn-inbox' })).toEqual({
      root: inbox,
      path: ''
    });
    expect(whereToMeasure(roots, null, { root: 'osn-manual' })?.root).toBe(
      scratch
    );
    expect(whereToMeasure([manual], null)).toBeNull();
  });

  it('offers delete inside the deletable prefix and move only in Scratch', () => {
    expect(whyNotDeleteRow(scratch, 'alice/run/')).toBe('');
    expect(whyNotDeleteRow(inbox, 'run/')).toMatch(/delete only inside/);
    expect(whyNotMoveRow([scratch, persistent], scratch, 'alice/run/')).toBe(
      ''
    );
    expect(whyNotMoveRow([scratch], scratch, 'alice/run/')).toMatch(
      /No persistent/
    );
    expect(
      whyNotMoveRow([scratch, persistent], persistent, 'alice/run/')
    ).toBeNull();
  });
});

describe('UsageModel', () => {
  it('polls while the scan goes on, then stops', async () => {
    const answers = [
      usage([], { complete: false, scanned: 0 }),
      usage([item('alice/a', 5)], { complete: false, scanned: 1 }),
      usage([item('alice/a', 5), item('alice/b', 7)])
    ];
    const asked: boolean[] = [];
    const waits: number[] = [];
    const model = new UsageModel(
      scratch,
      'alice/',
      async (_root, _path, refresh) => {
        asked.push(refresh);
        return answers[asked.length - 1];
      },
      async ms => {
        waits.push(ms);
      }
    );
    await model.load(true);
    expect(asked).toEqual([true, false, false]);
    expect(waits).toEqual([500, 500]);
    expect(model.usage?.entries.length).toBe(2);
    expect(model.scanning).toBe(false);
  });

  it('keeps the server’s error, and a later load replaces an earlier one', async () => {
    const first = deferred<IUsage>();
    let calls = 0;
    const model = new UsageModel(scratch, 'alice/', async () => {
      calls++;
      if (calls === 1) {
        return first.promise;
      }
      throw new ApiError(
        'not-found',
        'There is no folder gs://leap-scratch/alice/.',
        404
      );
    });
    const older = model.load();
    await model.load();
    expect(model.error).toBe('There is no folder gs://leap-scratch/alice/.');
    first.resolve(usage([item('alice/a', 5)]));
    await older;
    expect(model.usage).toBeNull(); // the older answer came too late to count
    expect(model.scanning).toBe(false);
  });
});

describe('UsageView', () => {
  it('renders rows with their actions and forwards them', async () => {
    const removed: string[] = [];
    const moved: string[] = [];
    const opened: string[] = [];
    const model = new UsageModel(scratch, 'alice/', async () =>
      usage([item('alice/run/', 3000), item('alice/notes.txt', 1000)])
    );
    const view = new UsageView({
      model,
      roots: () => [scratch, persistent],
      measurable: () => [scratch, persistent],
      remove: path => removed.push(path),
      move: path => moved.push(path),
      switchTo: () => undefined,
      openFolder: path => opened.push(path)
    });
    await model.load();
    await settle();
    const rows = Array.from(
      view.node.querySelectorAll('tbody tr')
    ) as HTMLElement[];
    expect(rows.map(r => r.dataset.path)).toEqual([
      'alice/run/',
      'alice/notes.txt'
    ]);
    expect(rows[0].textContent).toContain('75.0 %');
    expect(view.node.querySelectorAll('.jp-LeapBuckets-usageBar').length).toBe(
      2
    );
    const buttons = rows[1].querySelectorAll('button');
    (buttons[0] as HTMLButtonElement).click();
    (buttons[1] as HTMLButtonElement).click();
    expect(removed).toEqual(['alice/notes.txt']);
    expect(moved).toEqual(['alice/notes.txt']);
    (rows[0].querySelector('a') as HTMLElement).click();
    expect(opened).toEqual(['alice/run/']);
    expect(rows[1].querySelector('a')).toBeNull(); // a file has nothing inside
    expect(
      view.node.querySelector('.jp-LeapBuckets-usageStatus')?.textContent
    ).toMatch(/^Complete/);
    view.dispose();
    expect(model.isDisposed).toBe(true);
  });
});
