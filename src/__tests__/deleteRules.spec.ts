import {
  sampleView,
  canDelete,
  confirmName,
  needsTypedName,
  whyNotDelete
} from '../deleteRules';
import { IRoot } from '../tokens';

const scratch: IRoot = {
  id: 'scratch',
  label: 'Scratch',
  provider: 'gcs',
  bucket: 'leap-scratch',
  url: 'gs://leap-scratch/',
  home: 'alice/',
  writable: 'alice/',
  deletable: 'alice/',
  expiryDays: 7
};
const manual: IRoot = {
  ...scratch,
  id: 'manual',
  label: 'OSN manual',
  provider: 's3',
  url: 's3://m/',
  home: '',
  writable: null,
  deletable: null,
  expiryDays: null
};

describe('canDelete', () => {
  it('allows only what lies strictly inside the deletable prefix', () => {
    expect(canDelete(scratch, 'alice/run.zarr/')).toBe(true);
    expect(canDelete(scratch, 'alice/a.nc')).toBe(true);
    expect(canDelete(scratch, 'alice/')).toBe(false);
    expect(canDelete(scratch, 'alice')).toBe(false);
    expect(canDelete(scratch, 'alice-old/x')).toBe(false);
    expect(canDelete(scratch, 'bob/x')).toBe(false);
    expect(canDelete(scratch, '')).toBe(false);
    expect(canDelete(manual, 'CMIP6/tas.zarr/')).toBe(false);
    expect(canDelete(null, 'alice/x')).toBe(false);
  });
});

describe('whyNotDelete', () => {
  it('says why the button is off, or nothing', () => {
    expect(whyNotDelete(scratch, ['alice/a.nc'])).toBe('');
    expect(whyNotDelete(scratch, [])).toMatch(/Select/);
    expect(whyNotDelete(scratch, ['alice/a', 'alice/b'])).toMatch(/one item/);
    expect(whyNotDelete(manual, ['x'])).toBe('Deleting is off in OSN manual.');
    expect(whyNotDelete(scratch, ['bob/x'])).toBe(
      'You can delete only inside gs://leap-scratch/alice/.'
    );
  });
});

describe('confirmName', () => {
  it('is the last segment, without the folder slash', () => {
    expect(confirmName('alice/run1/ocean.zarr/')).toBe('ocean.zarr');
    expect(confirmName('alice/a.nc')).toBe('a.nc');
    expect(needsTypedName('zarr')).toBe(true);
    expect(needsTypedName('folder')).toBe(true);
    expect(needsTypedName('file')).toBe(false);
  });
});

describe('sampleView (what the delete dialog lists)', () => {
  it('leaves folder markers out of the sample, and counts them for the objects line', () => {
    expect(
      sampleView({
        objects: 3,
        sample: ['alice/d/.keep', 'alice/d/a.nc', 'alice/d/sub/.keep']
      })
    ).toEqual({ shown: ['alice/d/a.nc'], markers: 2, more: 0 });
  });

  it('names as "more" only what the sample does not hold', () => {
    expect(
      sampleView({ objects: 12, sample: ['alice/d/.keep', 'alice/d/a'] })
    ).toEqual({ shown: ['alice/d/a'], markers: 1, more: 10 });
    expect(sampleView({ objects: 1, sample: ['alice/x.keep'] }).shown).toEqual([
      'alice/x.keep'
    ]);
  });
});
