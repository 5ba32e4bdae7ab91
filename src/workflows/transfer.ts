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
  ITransferRequest,
  Place,
  TransferMode
} from '../tokens';

/** What to do when a transfer or upload would land on something (a setting). */
export type ConflictSetting = 'ask' | Exclude<ConflictPolicy, 'fail'>;

/** One answer of the conflict question: its button's label and the policy it sends. */
export interface IConflictChoice {
  label: string;
  policy: Exclude<ConflictPolicy, 'fail'>;
  /** Overwriting destroys: its button is a warning. */
  destructive: boolean;
}

/** The question asked when something is already where a transfer or upload goes. */
export interface IConflictQuestion {
  title: string;
  /** The server's sentence saying what is in the way. */
  message: string;
  choices: IConflictChoice[];
}

/** Asks the user; resolves with the chosen policy, or null when they cancelled. */
export type AskConflict = (
  question: IConflictQuestion
) => Promise<Exclude<ConflictPolicy, 'fail'> | null>;

/** Says things to the user (notifications in the app). */
export interface IReporter {
  info(message: string): void;
  error(message: string): void;
}

/** The question for the server's conflict message. */
export function conflictQuestion(message: string): IConflictQuestion {
  return {
    title: 'Already there',
    message,
    choices: [
      { label: 'Skip', policy: 'skip', destructive: false },
      { label: 'Keep both', policy: 'rename', destructive: false },
      { label: 'Overwrite', policy: 'overwrite', destructive: true }
    ]
  };
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
 * thrown.
 */
export async function withConflictQuestion<T>(
  send: (conflict: ConflictPolicy) => Promise<T>,
  setting: ConflictSetting,
  ask: AskConflict,
  sendSkip = true
): Promise<{ result: T; conflict: ConflictPolicy } | null> {
  let conflict = firstPolicy(setting);
  for (;;) {
    try {
      return { result: await send(conflict), conflict };
    } catch (error) {
      if (!isAskableConflict(error, conflict)) {
        throw error;
      }
      const answer = await ask(conflictQuestion(error.message));
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
}

/** Starts transfers as server jobs, asking the user on conflicts. */
export class TransferFlow {
  constructor(private readonly deps: ITransferDeps) {}

  /** What to do when something is in the way (the `onConflict` setting). */
  onConflict: ConflictSetting = 'ask';

  /**
   * Start one transfer per source into `target`. Within one root it moves, across roots
   * it copies (`modifier` switches; `forced` decides outright).
   */
  async transfer(
    sources: Place[],
    target: Place,
    modifier: boolean,
    forced?: TransferMode
  ): Promise<ITransferOutcome[]> {
    const outcomes: ITransferOutcome[] = [];
    for (const source of sources) {
      const mode =
        forced ??
        transferMode(Private.rootOf(source), Private.rootOf(target), modifier);
      outcomes.push(await this._one(source, target, mode));
    }
    return outcomes;
  }

  private async _one(
    source: Place,
    target: Place,
    mode: TransferMode
  ): Promise<ITransferOutcome> {
    const outcome: ITransferOutcome = {
      source,
      request: null,
      job: null,
      declined: false,
      error: null
    };
    try {
      const answer = await withConflictQuestion(
        conflict => this.deps.start({ source, target, mode, conflict }),
        this.onConflict,
        this.deps.ask
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
  export function rootOf(place: Place): string {
    return 'root' in place ? place.root : '';
  }
}
