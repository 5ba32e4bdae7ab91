/**
 * "Request Deletion…" where deletes are off (OSN by default): deletions on OSN go through
 * LEAP's Data and Compute team, so the panel pre-fills a GitHub issue for them (in
 * leap-stc/data-management by default; the URL template is a setting). DOM-free.
 */
import { formatSize } from './format';
import { IRoot } from './tokens';

export const DEFAULT_ISSUE_TEMPLATE =
  'https://github.com/leap-stc/data-management/issues/new?title={title}&body={body}';

/** Whether deletions in the root are requested rather than done: S3 with deletes off. */
export function requestsDeletion(root: IRoot | null): boolean {
  return !!root && root.provider === 's3' && root.deletable === null;
}

/** What lies under the item, as GET details counted it. */
export interface IDeletionRequest {
  url: string;
  objects: number;
  bytes: number;
  /** The count stopped at the server's bound: there are at least this many. */
  approximate: boolean;
  user: string | null;
}

/** "1 object, 12.0 MB", "at least 5,000 objects, at least 1.2 TB". */
export function countWording(request: IDeletionRequest): string {
  const atLeast = request.approximate ? 'at least ' : '';
  const noun = request.objects === 1 ? 'object' : 'objects';
  return `${atLeast}${request.objects.toLocaleString('en-US')} ${noun}, ${atLeast}${formatSize(request.bytes)} (${request.bytes.toLocaleString('en-US')} bytes)`;
}

export function issueTitle(request: IDeletionRequest): string {
  return `Delete ${request.url} from OSN`;
}

export function issueBody(request: IDeletionRequest): string {
  return [
    'Please delete this from OSN:',
    '',
    `- URL: ${request.url}`,
    `- What lies there: ${countWording(request)}`,
    `- Requested by: ${request.user || '(unknown user)'}`,
    '',
    '(Prepared by the LEAP Buckets panel in JupyterLab.)'
  ].join('\n');
}

/**
 * The new-issue URL: the template with {title} and {body} replaced by the URL-encoded
 * values. Throws, saying what to fix, for a template that is not an http(s) URL or
 * names neither placeholder.
 */
export function issueUrl(template: string, request: IDeletionRequest): string {
  const trimmed = template.trim();
  if (!/^https?:\/\//.test(trimmed)) {
    throw new Error(
      `The deletion request URL template "${template}" is not an http(s) URL: fix it in Settings → LEAP Buckets.`
    );
  }
  if (!trimmed.includes('{title}') && !trimmed.includes('{body}')) {
    throw new Error(
      'The deletion request URL template has neither {title} nor {body}: add them in Settings → LEAP Buckets.'
    );
  }
  return trimmed
    .split('{title}')
    .join(encodeURIComponent(issueTitle(request)))
    .split('{body}')
    .join(encodeURIComponent(issueBody(request)));
}
