/**
 * When the delete dialog offers to hand a delete to Google's Storage batch operations, and
 * what its button says. DOM-free (jest tests it). The server decides what may be handed
 * off (POST handoff/delete refuses a plan whose listing is not complete); these rules only
 * decide what the user sees.
 */
import { IHandoffThreshold } from './tokens';

/** What the hand-off button does now. */
export type HandoffState =
  /** Not offered: no threshold (not GCS), or the plan is below it. */
  | 'hidden'
  /** Offered, but the plan's listing goes on: the manifest needs every object. */
  | 'counting'
  /** Offered, but the name is not typed yet. */
  | 'unconfirmed'
  | 'ready';

export interface IPlanSize {
  objects: number;
  bytes: number;
  complete: boolean;
}

/** Whether `plan` is large enough for the hand-off (counts so far, as they grow). */
export function isLarge(
  plan: IPlanSize,
  at: IHandoffThreshold | null
): boolean {
  return at !== null && (plan.objects >= at.objects || plan.bytes >= at.bytes);
}

/**
 * Whether the dialog gets a hand-off button at all: the button set is fixed when the dialog
 * opens, so a plan still counting gets one (shown once its counts cross the threshold).
 */
export function mayOfferHandoff(
  plan: IPlanSize,
  at: IHandoffThreshold | null
): boolean {
  return at !== null && (isLarge(plan, at) || !plan.complete);
}

export function handoffState(
  plan: IPlanSize,
  at: IHandoffThreshold | null,
  confirmed: boolean
): HandoffState {
  if (!isLarge(plan, at)) {
    return 'hidden';
  }
  if (!plan.complete) {
    return 'counting';
  }
  return confirmed ? 'ready' : 'unconfirmed';
}

/** The button's tooltip for each state. */
export function handoffTitle(state: HandoffState): string {
  switch (state) {
    case 'counting':
      return 'Waiting for the count to finish: the hand-off lists every object it deletes.';
    case 'unconfirmed':
      return 'Type the name first.';
    case 'ready':
      return 'Write these objects as a manifest in your folder and show the Storage batch operations job that deletes exactly them, for you to run with gcloud. Nothing is deleted here.';
    default:
      return '';
  }
}

/** "$1.23", "free", or "not estimated" for a cost line or total. */
export function usd(value: number | null): string {
  if (value === null) {
    return 'not estimated';
  }
  if (value === 0) {
    return 'free';
  }
  return value < 0.01 ? '< $0.01' : `$${value.toFixed(2)}`;
}
