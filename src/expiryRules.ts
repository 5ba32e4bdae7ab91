/**
 * Pure rules for expiry badges: the short text, the urgency, the tooltip, the filter.
 * Google deletes asynchronously, up to about a day after an object's date, so an object
 * past its date is "due now", never shown as gone.
 */
export type Urgency = 'later' | 'soon' | 'urgent';

export interface IBadge {
  text: string;
  urgency: Urgency;
}

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;

/** "6d" (more than 3 days: later), "2d" (up to 3 days: soon), "20h" or "due now" (urgent). */
export function expiryBadge(
  expires: string | null | undefined,
  now: number
): IBadge | null {
  if (!expires) {
    return null;
  }
  const left = Date.parse(expires) - now;
  if (Number.isNaN(left)) {
    return null;
  }
  if (left <= 0) {
    return { text: 'due now', urgency: 'urgent' };
  }
  if (left < DAY) {
    return {
      text: `${Math.max(1, Math.floor(left / HOUR))}h`,
      urgency: 'urgent'
    };
  }
  return {
    text: `${Math.floor(left / DAY)}d`,
    urgency: left <= 3 * DAY ? 'soon' : 'later'
  };
}

/** The badge's tooltip: the exact date, the rule, and what "approximate" means. */
export function expiryTooltip(
  expires: string,
  rule: string | null | undefined,
  now: number,
  approximate = false,
  scanned = 0
): string {
  const date = new Date(expires);
  const when = `${date.toLocaleString()} (${date.toISOString().slice(0, 16).replace('T', ' ')} UTC)`;
  const lines = [
    Date.parse(expires) <= now
      ? `Past its date (${when}): the bucket deletes it any time now.`
      : `Deleted by the bucket from ${when}; Google deletes up to a day after that.`
  ];
  if (rule) {
    lines.push(`Rule: ${rule}.`);
  }
  if (approximate) {
    lines.push(
      `Approximate: the earliest of the first ${scanned.toLocaleString()} objects inside.`
    );
  }
  return lines.join('\n');
}

/** Whether something with this expiry goes within `days` days from now. */
export function expiresWithin(
  expires: string | null | undefined,
  days: number,
  now: number
): boolean {
  return !!expires && Date.parse(expires) - now <= days * DAY;
}

/**
 * When something expires, in words: "due now" once past its date (the bucket may delete
 * it any time), else "expires in 11 hours" / "in 3 days"; "no expiry known" without one.
 */
export function expiryWords(
  expires: string | null | undefined,
  now: number
): string {
  const left = expires ? Date.parse(expires) - now : NaN;
  if (Number.isNaN(left)) {
    return 'no expiry known';
  }
  if (left <= 0) {
    return 'due now';
  }
  const hours = Math.max(1, Math.floor(left / HOUR));
  if (left < DAY) {
    return `expires in ${hours} hour${hours === 1 ? '' : 's'}`;
  }
  const days = Math.floor(left / DAY);
  return `expires in ${days} day${days === 1 ? '' : 's'}`;
}

/**
 * The expiring-soon warning: what in the home is past its date ("due now") and what
 * expires within the threshold, a few names each.
 */
export function expiringMessage(
  root: { label: string; url: string; home: string },
  items: { path: string; expires: string }[],
  hours: number,
  now: number
): string {
  const names = (list: typeof items) => {
    const all = list.map(i =>
      i.path.slice(root.home.length).replace(/\/$/, '')
    );
    return (
      all.slice(0, 3).join(', ') +
      (all.length > 3 ? ` and ${all.length - 3} more` : '')
    );
  };
  const count = (n: number) => `${n} item${n === 1 ? '' : 's'}`;
  const due = items.filter(i => Date.parse(i.expires) <= now);
  const soon = items.filter(i => !due.includes(i));
  const parts: string[] = [];
  if (due.length) {
    parts.push(
      `${count(due.length)} past ${due.length === 1 ? 'its' : 'their'} deletion date, due now: ${names(due)}`
    );
  }
  if (soon.length) {
    parts.push(
      `${count(soon.length)} expire${soon.length === 1 ? 's' : ''} within ${hours} hours: ${names(soon)}`
    );
  }
  return `In your ${root.label} home (${root.url}${root.home}): ${parts.join('; ')}.`;
}
