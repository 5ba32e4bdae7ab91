/**
 * A transfer and its conflict question, without DOM. One job per source; when the server
 * answers 409 `conflict` to a request made with `conflict: "fail"`, the user is asked
 * (through the injected `ask`, a dialog in the app) and the request is sent again with
 * the policy the answer maps to. The setting `onConflict` can answer for the user.
 */
import { ApiError } from '../request';
import { transferMode } from '../transferRules';
import {
  ConflictPolicy,
  IJob,
  IRoot,
  ITransferRequest,
  Place,
  TransferMode
} from '../tokens';
import {
  AskConflict,
  ConflictAnswer,
  conflictQuestion,
  conflictShape,
  DescribePlace,
  IConflictShape,
  IConflictSides,
  landingPlace,
  NO_SHAPE,
  readSides
} from './conflict';

export {
  AskConflict,
  ConflictAnswer,
  conflictQuestion,
  IConflictChoice,
  IConflictQuestion
} from './conflict';

/**
 * What to do when a transfer or upload would land on something (a setting). Not
 * 'update': the setting answers uploads too, which the server cannot update (a single
 * file has nothing to compare object by object), so Update is asked, folder by folder.
 */
export type ConflictSetting = 'ask' | Exclude<ConflictAnswer, 'update'>;

/** Says things to the user (notifications in the app). */
export interface IReporter {
  info(message: string): void;
  error(message: string): void;
}

/** The policy of a first request: 'fail' when the user is to be asked, else the setting. */
export function firstPolicy(setting: ConflictSetting): ConflictPolicy {
  return setting === 'ask' ? 'fail' : setting;
}

/** Whether an error is the conflict the user may be asked about. */
export function isAskableConflict(
  error: unknown,
  sent: ConflictPolicy
): error is ApiError {
  return (
    error instanceof ApiError && error.code === 'conflict' && sent === 'fail'
  );
}

/**
 * One request, asked again with the user's answer when it meets a conflict. Resolves with
 * what `send` resolved with, or null when the user cancelled (or chose "Skip" and
 * `sendSkip` is false: a single file skipped need not be sent at all); other errors are
 * thrown. `sides` reads both sides of the conflict for the question, once it is asked.
 */
export async function withConflictQuestion<T>(
  send: (conflict: ConflictPolicy) => Promise<T>,
  setting: ConflictSetting,
  ask: AskConflict,
  sendSkip = true,
  sides: () => Promise<IConflictSides> = Private.noSides,
  shape: IConflictShape = NO_SHAPE
): Promise<{ result: T; conflict: ConflictPolicy } | null> {
  let conflict = firstPolicy(setting);
  for (;;) {
    try {
      return { result: await send(conflict), conflict };
    } catch (error) {
      if (!isAskableConflict(error, conflict)) {
        throw error;
      }
      const answer = await ask(
        conflictQuestion(error.message, await sides(), shape)
      );
      if (!answer || (answer === 'skip' && !sendSkip)) {
        return null;
      }
      conflict = answer;
    }
  }
}

/** How one source's transfer went. */
export interface ITransferOutcome {
  source: Place;
  /** The request the job was started with (null when none was). */
  request: ITransferRequest | null;
  job: IJob | null;
  /** The user cancelled the conflict question. */
  declined: boolean;
  error: string | null;
}

export interface ITransferDeps {
  /** Start a job (JobsModel.startTransfer, which tracks it). */
  start(request: ITransferRequest): Promise<IJob>;
  ask: AskConflict;
  report: IReporter;
  /** Read one side of a conflict, for the question (none: sizes and times unknown). */
  describe?: DescribePlace;
  /** The root of an id, to tell whether Update may replace at the target (none: it may not). */
  rootOf?: (id: string) => IRoot | undefined;
}

/** Starts transfers as server jobs, asking the user on conflicts. */
export class TransferFlow {
  constructor(private readonly deps: ITransferDeps) {}

  /** What to do when something is in the way (the `onConflict` setting). */
  onConflict: ConflictSetting = 'ask';

  /**
   * Start one transfer per source into `target`. Within one root it moves, across roots
   * it copies (`modifier` switches; `forced` decides outright). `update` copies only
   * what differs (conflict "update", a drop with Shift), asking nothing.
   */
  async transfer(
    sources: Place[],
    target: Place,
    modifier: boolean,
    forced?: TransferMode,
    update = false
  ): Promise<ITransferOutcome[]> {
    const outcomes: ITransferOutcome[] = [];
    for (const source of sources) {
      const mode =
        forced ??
        transferMode(Private.rootOf(source), Private.rootOf(target), modifier);
      outcomes.push(await this._one(source, target, mode, update));
    }
    return outcomes;
  }

  private async _one(
    source: Place,
    target: Place,
    mode: TransferMode,
    update: boolean
  ): Promise<ITransferOutcome> {
    const outcome: ITransferOutcome = {
      source,
      request: null,
      job: null,
      declined: false,
      error: null
    };
    try {
      const send = (conflict: ConflictPolicy) =>
        this.deps.start({ source, target, mode, conflict });
      const answer = update
        ? { result: await send('update'), conflict: 'update' as const }
        : await withConflictQuestion(
            send,
            this.onConflict,
            this.deps.ask,
            true,
            () =>
              readSides(
                this.deps.describe,
                landingPlace(source, target),
                source
              ),
            conflictShape(source, target, this.deps.rootOf ?? (() => undefined))
          );
      if (!answer) {
        outcome.declined = true;
        return outcome;
      }
      outcome.job = answer.result;
      outcome.request = { source, target, mode, conflict: answer.conflict };
      if (answer.result.note) {
        this.deps.report.info(answer.result.note);
      }
    } catch (error) {
      outcome.error = (error as Error).message;
      this.deps.report.error(outcome.error);
    }
    return outcome;
  }
}

namespace Private {
  export async function noSides(): Promise<IConflictSides> {
    return { existing: null, incoming: null };
  }

  export function rootOf(place: Place): string {
    return 'root' in place ? place.root : '';
  }
}
