import {
  IListingState,
  listingStatus,
  OVERSCAN,
  visibleRows
} from '../listingRules';

const state = (over: Partial<IListingState> = {}): IListingState => ({
  loading: false,
  loadingAll: false,
  hasMore: false,
  hasError: false,
  hasRoot: true,
  shown: 0,
  loaded: 0,
  filtered: false,
  ...over
});

describe('listingStatus', () => {
  it('says the first page is loading, and shows no count yet', () => {
    expect(listingStatus(state({ loading: true }))).toEqual({
      status: 'Loading…',
      count: '',
      countTitle: ''
    });
  });

  it('says more pages are loading below what is shown', () => {
    const out = listingStatus(
      state({ loading: true, hasMore: true, shown: 1000, loaded: 1000 })
    );
    expect(out.status).toBe('Loading more…');
    expect(out.count).toBe('1,000+ items so far');
  });

  it('says an empty folder is empty, with a count of 0', () => {
    expect(listingStatus(state())).toEqual({
      status: 'This folder is empty.',
      count: '0 items',
      countTitle: ''
    });
  });

  it('says nothing of emptiness or counts when the folder failed to load', () => {
    expect(listingStatus(state({ hasError: true }))).toEqual({
      status: '',
      count: '',
      countTitle: ''
    });
  });

  it('points at End while pages wait', () => {
    const out = listingStatus(state({ hasMore: true, shown: 50, loaded: 50 }));
    expect(out.status).toMatch(/press End/);
    expect(out.count).toBe('50+ items so far');
  });

  it('counts what the expiry filter shows of what is loaded', () => {
    const out = listingStatus(state({ shown: 3, loaded: 40, filtered: true }));
    expect(out.count).toBe('3 of 40 items');
  });

  it('says it is loading to the end, and that Escape stops it', () => {
    const out = listingStatus(
      state({ loadingAll: true, hasMore: true, shown: 2000, loaded: 2000 })
    );
    expect(out.count).toBe('Loading to the end… 2,000+ items so far');
    expect(out.countTitle).toBe('Escape stops loading');
  });
});

describe('visibleRows', () => {
  it('renders the rows in view and OVERSCAN either side', () => {
    expect(visibleRows(100 * 26, 26 * 10, 26, 10_000)).toEqual({
      first: 100 - OVERSCAN,
      last: 110 + OVERSCAN
    });
  });

  it('stays within the rows there are', () => {
    expect(visibleRows(0, 600, 26, 5)).toEqual({ first: 0, last: 5 });
  });
});
