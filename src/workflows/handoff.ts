/**
 * A prepared hand-off, shown, and followed once the user says they ran it: the dialog
 * (widgets/handoffDialog.ts's askHandoff) and the follow (HandoffsModel) are given, so
 * jest tests the flow without DOM. The plugin sets the module's default dependencies once
 * (`setHandoffDependencies`); the delete dialog's hand-off and the transfer hand-off both
 * end here, through `showHandoff`.
 */
import { IHandoff } from '../tokens';

export interface IHandoffNotes {
  conflict?: string;
  runningJob?: string;
}

export interface IHandoffDependencies {
  ask: (
    handoff: IHandoff,
    notes: IHandoffNotes,
    canFollow: boolean
  ) => Promise<'follow' | 'close'>;
  /** Keep it on the server; the jobs pane lists it. Null: following is not available. */
  follow: ((handoff: IHandoff) => Promise<unknown>) | null;
  report: { info(message: string): void; error(message: string): void };
}

/** Show `handoff`; follow it if asked. Resolves whether it is followed. */
export async function handOff(
  deps: IHandoffDependencies,
  handoff: IHandoff,
  notes: IHandoffNotes = {}
): Promise<boolean> {
  const choice = await deps.ask(handoff, notes, deps.follow !== null);
  if (choice !== 'follow' || !deps.follow) {
    return false;
  }
  try {
    await deps.follow(handoff);
  } catch (error) {
    deps.report.error(
      `${handoff.name} is not followed: ${(error as Error).message} Follow it with: ${handoff.follow}`
    );
    return false;
  }
  deps.report.info(
    `The jobs pane follows ${handoff.name}; Check Status there asks Google where it is.`
  );
  return true;
}

let defaults: IHandoffDependencies | null = null;

export function setHandoffDependencies(deps: IHandoffDependencies): void {
  defaults = deps;
}

/** handOff with the plugin's dependencies. */
export function showHandoff(
  handoff: IHandoff,
  notes: IHandoffNotes = {}
): Promise<boolean> {
  if (!defaults) {
    throw new Error('leap-buckets: the hand-off dialog is not set up yet.');
  }
  return handOff(defaults, handoff, notes);
}
