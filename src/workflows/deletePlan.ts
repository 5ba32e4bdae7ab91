/**
 * Plan → confirm → delete, without DOM. The server plans the delete (what lies under the
 * path; its listing may go on after the first answer, and the plan is followed until it
 * is complete), the user reads the plan and, for folders and stores, types the name
 * (the path's last segment, which the server checks again as `confirm`), and the
 * confirmed plan starts a delete job. A plan's token lives `tokenSecondsLeft` seconds
 * from its answer; an expired one is never sent, the user is told to delete again.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { IBucketsApi } from '../api';
import { confirmName, needsTypedName } from '../deleteRules';
import { HandoffState, handoffState, mayOfferHandoff } from '../handoffRules';
import { ApiError } from '../request';
import { IDeletePlan, IHandoff, IHandoffThreshold, IJob } from '../tokens';

/** How often a plan whose listing is still under way is asked for again (ms). */
export const FOLLOW_INTERVAL = 500;

type PlanApi = Pick<IBucketsApi, 'planDelete' | 'getPlan' | 'dropPlan'>;

/** One plan on its way to being confirmed: what the confirmation dialog renders. */
export class DeletePlanModel {
  constructor(
    plan: IDeletePlan,
    private readonly api: PlanApi,
    private readonly now: () => number = Date.now,
    /** From what size the delete may go to Google's batch operations (null: never). */
    readonly handoffAt: IHandoffThreshold | null = null
  ) {
    this._plan = plan;
    this._expiresAt = now() + plan.tokenSecondsLeft * 1000;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** The plan as last answered (its counts grow while the server lists). */
  get plan(): IDeletePlan {
    return this._plan;
  }

  /** What the user types to confirm: the path's last segment. */
  get confirmText(): string {
    return confirmName(this._plan.path);
  }

  /** Whether the name must be typed (folders and stores; a file needs only the button). */
  get needsTypedName(): boolean {
    return needsTypedName(this._plan.type);
  }

  /**
   * What the dialog's focus starts on and Enter does. A folder or store is confirmed by
   * typing its name, a deliberate act: the focus is in the name, and Enter there deletes
   * once the name is right. A file needs no typed name, so the focus starts on Cancel and
   * Enter cancels: Delete then a reflexive Enter must not destroy it.
   */
  get focus(): 'name' | 'cancel' {
    return this.needsTypedName ? 'name' : 'cancel';
  }

  /** What the user has typed so far. */
  get typed(): string {
    return this._typed;
  }
  set typed(value: string) {
    if (value !== this._typed) {
      this._typed = value;
      this._changed.emit();
    }
  }

  /** Whether the user has confirmed what they must (typed the exact name, if asked). */
  get confirmed(): boolean {
    return !this.needsTypedName || this._typed === this.confirmText;
  }

  /** Whether the dialog carries a hand-off button (fixed when it opens). */
  get mayHandOff(): boolean {
    return mayOfferHandoff(this._plan, this.handoffAt);
  }

  /** What the hand-off button does now (as the counts grow and the name is typed). */
  get handoff(): HandoffState {
    return handoffState(this._plan, this.handoffAt, this.confirmed);
  }

  /** When the plan's token stops being accepted (ms since the epoch, this clock). */
  get expiresAt(): number {
    return this._expiresAt;
  }

  get expired(): boolean {
    return this.now() >= this._expiresAt;
  }

  /**
   * Ask for the plan again every `interval` ms until its listing is complete or `stop()`
   * is called. A plan that can no longer be followed (expired, server gone) stops quietly:
   * starting the delete will say what is wrong.
   */
  async follow(interval = FOLLOW_INTERVAL): Promise<void> {
    this._following = true;
    while (this._following && !this._plan.complete) {
      await new Promise(resolve => setTimeout(resolve, interval));
      if (!this._following) {
        break;
      }
      try {
        const next = await this.api.getPlan(this._plan.plan);
        if (this._following) {
          this._plan = next;
          this._changed.emit();
        }
      } catch {
        break;
      }
    }
    this._following = false;
  }

  stop(): void {
    this._following = false;
  }

  /** Give the plan up: the server stops its listing. */
  async drop(): Promise<void> {
    this.stop();
    await this.api.dropPlan(this._plan.plan).catch(() => undefined);
  }

  private _plan: IDeletePlan;
  private _typed = '';
  private _expiresAt: number;
  private _following = false;
  private _changed = new Signal<this, void>(this);
}

export type DeleteOutcome =
  | { state: 'started'; job: IJob }
  /** Prepared for Google's batch operations: nothing deleted here. */
  | { state: 'handed-off'; handoff: IHandoff }
  | { state: 'declined' }
  | { state: 'expired'; message: string }
  /** The server refused to plan (already told through `planning`). */
  | { state: 'unplanned'; message: string }
  /** The confirmed plan did not start. */
  | { state: 'failed'; message: string };

export interface IDeleteDeps {
  api: PlanApi;
  /** Start the confirmed plan as a job (JobsModel.startDelete, which tracks it). */
  startDelete(plan: string, confirm: string): Promise<IJob>;
  /**
   * Show the plan and resolve true once the user confirmed (the delete dialog), or
   * 'handoff' when they chose to hand the delete to Google instead.
   */
  confirm(model: DeletePlanModel): Promise<boolean | 'handoff'>;
  /** For a GCS root that offers it: the threshold, and the call that prepares it. */
  handoff?: {
    at: IHandoffThreshold;
    prepare(plan: string, confirm: string): Promise<IHandoff>;
  };
  /**
   * Called as planning starts with the item's name; the function it returns is called
   * when the plan came (null) or failed (the error's sentence).
   */
  planning?: (name: string) => (error: string | null) => void;
  now?: () => number;
  followInterval?: number;
}

/** The sentence for a plan that expired before it was confirmed. */
export function expiredMessage(name: string): string {
  return `The plan to delete ${name} expired before it was confirmed; delete it again to see what it holds now.`;
}

/** Plan the delete of `path`, have the user confirm it, and start the job. */
export async function planAndDelete(
  deps: IDeleteDeps,
  root: string,
  path: string
): Promise<DeleteOutcome> {
  const name = confirmName(path);
  const planned = deps.planning?.(name);
  let model: DeletePlanModel;
  try {
    model = new DeletePlanModel(
      await deps.api.planDelete(root, path),
      deps.api,
      deps.now,
      deps.handoff?.at ?? null
    );
  } catch (error) {
    const message = (error as Error).message;
    planned?.(message);
    return { state: 'unplanned', message };
  }
  planned?.(null);
  void model.follow(deps.followInterval);
  let confirmed: boolean | 'handoff';
  try {
    confirmed = await deps.confirm(model);
  } finally {
    model.stop();
  }
  if (!confirmed || !model.confirmed) {
    await model.drop();
    return { state: 'declined' };
  }
  if (model.expired) {
    await model.drop();
    return { state: 'expired', message: expiredMessage(name) };
  }
  try {
    if (confirmed === 'handoff' && deps.handoff && model.handoff === 'ready') {
      return {
        state: 'handed-off',
        handoff: await deps.handoff.prepare(model.plan.plan, model.confirmText)
      };
    }
    if (confirmed === 'handoff') {
      await model.drop();
      return { state: 'declined' };
    }
    return {
      state: 'started',
      job: await deps.startDelete(model.plan.plan, model.confirmText)
    };
  } catch (error) {
    if (error instanceof ApiError && error.code === 'plan-expired') {
      return { state: 'expired', message: expiredMessage(name) };
    }
    return { state: 'failed', message: (error as Error).message };
  }
}
