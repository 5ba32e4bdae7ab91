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

/**
 * Prepare a hand-off and show it. A refusal (the server's guard, or any failure) is
 * reported as the server words it, which says what to do; nothing is shown then.
 */
export async function prepareAndHandOff(
  deps: IHandoffDependencies,
  prepare: () => Promise<IHandoff>,
  notes: IHandoffNotes = {}
): Promise<boolean> {
  let handoff: IHandoff;
  try {
    handoff = await prepare();
  } catch (error) {
    deps.report.error(`Not handed off: ${(error as Error).message}`);
    return false;
  }
  return handOff(deps, handoff, notes);
}

let defaults: IHandoffDependencies | null = null;

export function setHandoffDependencies(deps: IHandoffDependencies): void {
  defaults = deps;
}

function plugin(): IHandoffDependencies {
  if (!defaults) {
    throw new Error('leap-buckets: the hand-off dialog is not set up yet.');
  }
  return defaults;
}

/** handOff with the plugin's dependencies. */
export function showHandoff(
  handoff: IHandoff,
  notes: IHandoffNotes = {}
): Promise<boolean> {
  return handOff(plugin(), handoff, notes);
}

/** prepareAndHandOff with the plugin's dependencies. */
export function prepareAndShowHandoff(
  prepare: () => Promise<IHandoff>,
  notes: IHandoffNotes = {}
): Promise<boolean> {
  return prepareAndHandOff(plugin(), prepare, notes);
}
