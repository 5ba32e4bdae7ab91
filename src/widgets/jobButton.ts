/**
 * A small action button of the jobs pane. `data` marks the action (and whose), read by
 * the pane's one click handler, so rows are rebuilt freely without listeners of their own.
 */
export function jobButton(
  text: string,
  caption: string,
  data: Record<string, string>
): HTMLButtonElement {
  const el = document.createElement('button');
  el.className = 'jp-mod-styled jp-LeapBuckets-jobAction';
  Object.assign(el.dataset, data);
  el.textContent = text;
  el.title = caption;
  return el;
}
