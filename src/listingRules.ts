/**
 * What the listing shows besides its rows, and which rows it renders: DOM-free, so jest
 * checks them (widgets/listing.ts renders what these say).
 */
import { countText } from './format';

/** Rows rendered above and below the visible ones. */
export const OVERSCAN = 20;

/** What these rules need of the panel's model. */
export interface IListingState {
  loading: boolean;
  loadingAll: boolean;
  hasMore: boolean;
  hasError: boolean;
  hasRoot: boolean;
  shown: number;
  loaded: number;
  filtered: boolean;
}

/** The status line and the item count under the listing. */
export interface IListingStatus {
  /** The status line; '' hides it. */
  status: string;
  /** The item count ("2,600 items"); '' hides it. */
  count: string;
  /** The count's tooltip. */
  countTitle: string;
}

export function listingStatus(state: IListingState): IListingStatus {
  let status = '';
  if (state.loading) {
    status = state.shown ? 'Loading more…' : 'Loading…';
  } else if (!state.hasError && state.hasRoot && state.shown === 0) {
    status = 'This folder is empty.';
  } else if (state.hasMore) {
    status = 'More below: scroll on, or press End to load to the last item.';
  }
  const count =
    state.hasRoot && !state.hasError && (state.shown || !state.loading)
      ? countText({
          shown: state.shown,
          loaded: state.loaded,
          complete: !state.hasMore,
          filtered: state.filtered
        })
      : '';
  return {
    status,
    count: state.loadingAll ? `Loading to the end… ${count}` : count,
    countTitle: state.loadingAll ? 'Escape stops loading' : ''
  };
}

/** The rows [first, last) to render for a scroll position, with OVERSCAN rows either side. */
export function visibleRows(
  scrollTop: number,
  height: number,
  rowHeight: number,
  rows: number
): { first: number; last: number } {
  return {
    first: Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN),
    last: Math.min(rows, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN)
  };
}
