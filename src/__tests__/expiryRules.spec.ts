import {
  expiresWithin,
  expiringMessage,
  expiryBadge,
  expiryTooltip,
  expiryWords
} from '../expiryRules';
import { sortEntries } from '../format';
import { IEntry } from '../tokens';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const at = (hours: number) => new Date(NOW + hours * 3600 * 1000).toISOString();

describe('expiryBadge', () => {
  it('says days, hours or due now, coloured by urgency', () => {
    expect(expiryBadge(at(6 * 24 + 5), NOW)).toEqual({
      text: '6d',
      urgency: 'later'
    });
    expect(expiryBadge(at(3 * 24 + 1), NOW)).toEqual({
      text: '3d',
      urgency: 'later'
    });
    expect(expiryBadge(at(3 * 24), NOW)).toEqual({
      text: '3d',
      urgency: 'soon'
    });
    expect(expiryBadge(at(25), NOW)).toEqual({ text: '1d', urgency: 'soon' });
    expect(expiryBadge(at(20.5), NOW)).toEqual({
      text: '20h',
      urgency: 'urgent'
    });
    expect(expiryBadge(at(0.2), NOW)).toEqual({
      text: '1h',
      urgency: 'urgent'
    });
    expect(expiryBadge(at(0), NOW)).toEqual({
      text: 'due now',
      urgency: 'urgent'
    });
    expect(expiryBadge(at(-30), NOW)).toEqual({
      text: 'due now',
      urgency: 'urgent'
    });
    expect(expiryBadge(null, NOW)).toBeNull();
    expect(expiryBadge('not a date', NOW)).toBeNull();
  });
});

describe('expiryTooltip', () => {
  it('gives the exact date, the rule, and the approximate mark', () => {
    const text = expiryTooltip(
      at(30),
      'deleted 7 days after creation (lifecycle rule 1)',
      NOW,
      true,
      2000
    );
    expect(text).toContain('2026-11-28 18:00 UTC');
    expect(text).toContain('lifecycle rule 1');
    expect(text).toContain('first 2,000 objects');
    expect(expiryTooltip(at(-1), null, NOW)).toMatch(/^Past its date/);
  });
});

describe('expiresWithin and sorting by expiry', () => {
  it('filters and sorts soonest first, the never-expiring last', () => {
    expect(expiresWithin(at(20), 1, NOW)).toBe(true);
    expect(expiresWithin(at(30), 1, NOW)).toBe(false);
    expect(expiresWithin(null, 7, NOW)).toBe(false);
    const file = (name: string, expires: string | null): IEntry => ({
      name,
      path: name,
      type: 'file',
      size: 1,
      modified: null,
      created: null,
      expires
    });
    const sorted = sortEntries(
      [file('a', at(50)), file('b', null), file('c', at(5))],
      { key: 'expires', ascending: true }
    );
    expect(sorted.map(e => e.name)).toEqual(['c', 'a', 'b']);
  });
});

describe('the expiring-soon words', () => {
  const root = {
    label: 'Scratch',
    url: 'gs://leap-scratch/',
    home: 'alice/'
  };

  it('says "due now" once past the date, else how long is left', () => {
    expect(expiryWords(at(-48), NOW)).toBe('due now');
    expect(expiryWords(at(0), NOW)).toBe('due now');
    expect(expiryWords(at(0.5), NOW)).toBe('expires in 1 hour');
    expect(expiryWords(at(11.9), NOW)).toBe('expires in 11 hours');
    expect(expiryWords(at(30), NOW)).toBe('expires in 1 day');
    expect(expiryWords(null, NOW)).toBe('no expiry known');
  });

  it('the warning puts what is past its date as due now, apart from what expires within the threshold', () => {
    const message = expiringMessage(
      root,
      [
        { path: 'alice/results/', expires: at(-20) },
        { path: 'alice/ocean.zarr/', expires: at(3) },
        { path: 'alice/a.nc', expires: at(12) }
      ],
      24,
      NOW
    );
    expect(message).toBe(
      'In your Scratch home (gs://leap-scratch/alice/): 1 item past its deletion date, ' +
        'due now: results; 2 items expire within 24 hours: ocean.zarr, a.nc.'
    );
  });

  it('names three items and counts the rest', () => {
    const items = ['a', 'b', 'c', 'd', 'e'].map(n => ({
      path: `alice/${n}`,
      expires: at(-1)
    }));
    expect(expiringMessage(root, items, 24, NOW)).toBe(
      'In your Scratch home (gs://leap-scratch/alice/): 5 items past their deletion date, due now: a, b, c and 2 more.'
    );
    expect(
      expiringMessage(root, [{ path: 'alice/x', expires: at(2) }], 24, NOW)
    ).toBe(
      'In your Scratch home (gs://leap-scratch/alice/): 1 item expires within 24 hours: x.'
    );
  });
});
