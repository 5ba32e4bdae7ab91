/**
 * One listing row: icon and name, size (or the Zarr tag), modified time, and on roots
 * whose objects expire, the expiry badge. Plain DOM; the listing windows them.
 */
import { fileIcon, folderIcon, LabIcon } from '@jupyterlab/ui-components';

import { expiryBadge, expiryTooltip } from '../expiryRules';
import { formatRelative, formatSize, splitName } from '../format';
import { isStoreType, storeTag, typeLabel } from '../entryKinds';
import { storeIcon } from '../icons';
import { BucketBrowserModel } from '../model';
import { IEntry } from '../tokens';

function icon(entry: IEntry): LabIcon {
  return isStoreType(entry.type)
    ? storeIcon(entry.type)
    : entry.type === 'directory'
      ? folderIcon
      : fileIcon;
}

/** The expires cell: a badge coloured by urgency, the date and rule in its tooltip. */
export function expiryCell(
  model: BucketBrowserModel,
  entry: IEntry,
  now: number
): HTMLElement {
  const cell = document.createElement('span');
  cell.className = 'jp-LeapBuckets-col-expires';
  const isFolder = entry.path.endsWith('/'); // a reference file is a store and a file
  const folder = isFolder ? model.folderExpiry(entry.path) : undefined;
  const expires = isFolder ? folder?.expires : entry.expires;
  const badge = expiryBadge(expires, now);
  if (badge && expires) {
    const pill = document.createElement('span');
    pill.className = `jp-LeapBuckets-expiry jp-mod-${badge.urgency}`;
    pill.dataset.urgency = badge.urgency;
    pill.textContent = folder?.approximate ? `≤${badge.text}` : badge.text;
    pill.title = expiryTooltip(
      expires,
      entry.expiresRule ?? folder?.rule,
      now,
      folder?.approximate,
      folder?.scanned
    );
    cell.appendChild(pill);
  }
  return cell;
}

export function row(
  entry: IEntry,
  index: number,
  expires: HTMLElement | null = null
): HTMLElement {
  const el = document.createElement('div');
  el.className = 'jp-LeapBuckets-row';
  el.setAttribute('role', 'option');
  el.dataset.index = String(index);
  el.dataset.path = entry.path;
  el.dataset.type = entry.type;
  el.title = [
    entry.name,
    typeLabel(entry),
    entry.size !== null ? `Size: ${formatSize(entry.size)}` : '',
    entry.modified ? `Modified: ${entry.modified}` : '',
    entry.expires ? `Expires: ${entry.expires}` : ''
  ]
    .filter(Boolean)
    .join('\n');
  const name = document.createElement('span');
  name.className = 'jp-LeapBuckets-col-name';
  const iconEl = document.createElement('span');
  icon(entry).element({
    container: iconEl,
    tag: 'span',
    className: 'jp-LeapBuckets-icon',
    elementPosition: 'center'
  });
  name.appendChild(iconEl);
  // Cut in the middle, not at the end: the head shrinks with an ellipsis while the
  // tail (the end of the stem and the extension) stays, so part-00001 and part-00002
  // still differ in a narrow sidebar. The full name is the row's tooltip.
  const { head, tail } = splitName(entry.name);
  const text = document.createElement('span');
  text.className = 'jp-LeapBuckets-name';
  text.setAttribute('aria-label', entry.name);
  const headEl = document.createElement('span');
  headEl.className = 'jp-LeapBuckets-nameHead';
  headEl.textContent = head;
  text.appendChild(headEl);
  if (tail) {
    const tailEl = document.createElement('span');
    tailEl.className = 'jp-LeapBuckets-nameTail';
    tailEl.textContent = tail;
    text.appendChild(tailEl);
  }
  name.appendChild(text);
  const size = document.createElement('span');
  size.className = 'jp-LeapBuckets-col-size';
  size.textContent = formatSize(entry.size);
  if (storeTag(entry)) {
    // Stores have no size of their own to show, so their column says what they are
    // (a reference file shows its size too).
    const tag = document.createElement('span');
    tag.className = 'jp-LeapBuckets-tag';
    tag.dataset.kind = entry.type;
    tag.textContent = storeTag(entry);
    size.appendChild(tag);
  }
  const modified = document.createElement('span');
  modified.className = 'jp-LeapBuckets-col-modified';
  modified.textContent = formatRelative(entry.modified, Date.now());
  modified.title = entry.modified ?? '';
  el.append(name, size, modified);
  if (expires) {
    el.appendChild(expires);
  }
  return el;
}

/**
 * Replace `container`'s rows with the model's entries [first, last); answers the folders
 * among them (whose earliest expiry the listing asks for).
 */
export function fillRows(
  container: HTMLElement,
  model: BucketBrowserModel,
  first: number,
  last: number
): string[] {
  const fragment = document.createDocumentFragment();
  const now = Date.now();
  const folders: string[] = [];
  for (let i = first; i < last; i++) {
    const entry = model.entries[i];
    fragment.appendChild(
      row(entry, i, model.expiry ? expiryCell(model, entry, now) : null)
    );
    if (entry.path.endsWith('/')) {
      folders.push(entry.path);
    }
  }
  container.replaceChildren(fragment);
  return folders;
}

/** Show which column the listing is sorted by, and which way. */
export function markSort(
  header: HTMLElement,
  sort: { key: string; ascending: boolean }
): void {
  header.querySelectorAll<HTMLElement>('[data-sort]').forEach(cell => {
    const active = cell.dataset.sort === sort.key;
    cell.classList.toggle('jp-mod-selected', active);
    cell.classList.toggle('jp-mod-descending', active && !sort.ascending);
  });
}
