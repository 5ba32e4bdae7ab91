/**
 * Undo of a finished move, without DOM. When a move ends, `offer` says whether it can be
 * undone (undoRules.whyNoUndo) and reads what it wrote at once; `undo` reads it again,
 * and only if nothing changed starts the move back (POST transfers, mode move, conflict
 * fail: the guard checks it as any transfer, and nothing at the original place is
 * overwritten). Whatever stops it is said in one notification that tells what happened.
 */
import { ApiError } from '../request';
import { IDetails, IJob, IRoot, ITransferRequest } from '../tokens';
import {
  IMovedState,
  movedState,
  refusalMessage,
  undoRequest,
  whyChanged,
  whyNoUndo,
  whyNotAsMoved
} from '../undoRules';

export interface IMoveUndoDeps {
  roots(): IRoot[];
  /** GET details: a file's metadata or a folder's totals; ApiError not-found when gone. */
  details(root: string, path: string): Promise<IDetails>;
  /** Start a transfer job (JobsModel.startTransfer, which tracks it). */
  start(request: ITransferRequest): Promise<IJob>;
  report: {
    info(message: string): void;
    /** Undo refused: the user is told why, and that nothing moved. */
    warning(message: string): void;
    error(message: string): void;
  };
}

export class MoveUndo {
  constructor(private readonly deps: IMoveUndoDeps) {}

  /**
   * Whether the ended `job` can be undone. If it can, what it wrote is read now, to be
   * compared when the user asks for Undo.
   */
  offer(job: IJob): boolean {
    if (this._undos.has(job.id) || whyNoUndo(job, this.deps.roots())) {
      return false;
    }
    const state = this._read(job);
    // Not swallowed: `undo` awaits it again and says why it failed. This only keeps an
    // Undo never clicked from logging an unhandled rejection.
    state.catch(() => undefined);
    this._moves.set(job.id, { job, state });
    return true;
  }

  /** Whether `id` is a move back started by `undo`. */
  isUndo(id: string): boolean {
    return this._undos.has(id);
  }

  /**
   * Move the job's objects back if nothing changed since it ended; the job of the move
   * back, or null when Undo was refused (and the user told why).
   */
  async undo(id: string): Promise<IJob | null> {
    const move = this._moves.get(id);
    if (!move) {
      this.deps.report.warning(
        'Undo not done: this page no longer knows that move (it was undone, or the page reloaded). Nothing was moved back.'
      );
      return null;
    }
    if (this._busy.has(id)) {
      return null; // a second click while the first is being checked
    }
    this._busy.add(id);
    try {
      return await this._undo(move);
    } finally {
      this._busy.delete(id);
    }
  }

  private async _undo(move: IMove): Promise<IJob | null> {
    const request = undoRequest(move.job);
    const moved = request.source as { root: string; path: string };
    const what = moved.path;
    const refuse = (why: string) => {
      this.deps.report.warning(refusalMessage(what, why));
      return null;
    };
    let before: IMovedState | null;
    let now: IMovedState | null;
    try {
      before = await move.state;
      now = await this._read(move.job);
    } catch (error) {
      return refuse(
        `could not be read to check it: ${(error as Error).message}`
      );
    }
    if (!before) {
      return refuse('was gone when the move ended');
    }
    const why =
      whyNotAsMoved(move.job, before) || whyChanged(before, now ?? null);
    if (why) {
      return refuse(why);
    }
    let job: IJob;
    try {
      job = await this.deps.start(request);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'conflict') {
        const back = (request.target as { path: string }).path;
        return refuse(`stays: something is at ${back} again`);
      }
      this.deps.report.error(
        `Undo not done: ${(error as Error).message} Nothing was moved back.`
      );
      return null;
    }
    this._moves.delete(move.job.id);
    this._undos.add(job.id);
    return job;
  }

  /** What is at the job's target now; null when nothing is. */
  private async _read(job: IJob): Promise<IMovedState | null> {
    const target = job.target as { root: string; path: string };
    try {
      return movedState(await this.deps.details(target.root, target.path));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not-found') {
        return null;
      }
      throw error;
    }
  }

  private _moves = new Map<string, IMove>();
  private _undos = new Set<string>();
  private _busy = new Set<string>();
}

interface IMove {
  job: IJob;
  /** What the move wrote, read when it ended. */
  state: Promise<IMovedState | null>;
}
