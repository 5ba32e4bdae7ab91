/**
 * Bucket URLs: what users paste (gs://, s3://, and the https forms of Google's and the
 * OSN pod's web addresses) and the roots they open in.
 */
import { IRoot, Provider } from './tokens';

export interface IBucketUrl {
  provider: Provider;
  bucket: string;
  /** The key or prefix inside the bucket ('' for the bucket's top). */
  path: string;
}

/** Hosts of Google's web addresses for objects, with the path segments before the bucket. */
const GOOGLE_HOSTS: Record<string, string[]> = {
  'storage.googleapis.com': [],
  'storage.cloud.google.com': [],
  'console.cloud.google.com': ['storage', 'browser']
};

/**
 * Parse what a user pasted: `gs://bucket/path`, `s3://bucket/path`,
 * `https://storage.googleapis.com/bucket/path`, a Cloud console address, or
 * `https://<s3-endpoint>/bucket/path` when `s3Hosts` names that endpoint's host.
 * Returns null when the text is none of these.
 */
export function parseBucketUrl(
  text: string,
  s3Hosts: string[] = []
): IBucketUrl | null {
  const trimmed = text.trim().replace(/^['"]|['"]$/g, '');
  const scheme = /^(gs|gcs|s3):\/\/([^/?#]+)\/?([^?#]*)$/i.exec(trimmed);
  if (scheme) {
    const provider = scheme[1].toLowerCase() === 's3' ? 's3' : 'gcs';
    return { provider, bucket: scheme[2], path: decodePath(scheme[3]) };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return null;
  }
  const segments = url.pathname.split('/').slice(1);
  const before = GOOGLE_HOSTS[url.hostname];
  if (before) {
    // The console also has storage/browser/_details/<bucket>/<object>.
    const skip =
      before.length && segments[before.length] === '_details'
        ? before.length + 1
        : before.length;
    if (
      before.some((segment, i) => segments[i] !== segment) ||
      !segments[skip]
    ) {
      return null;
    }
    return {
      provider: 'gcs',
      bucket: segments[skip],
      path: decodePath(segments.slice(skip + 1).join('/'))
    };
  }
  if (s3Hosts.includes(url.host) || s3Hosts.includes(url.hostname)) {
    if (!segments[0]) {
      return null;
    }
    return {
      provider: 's3',
      bucket: segments[0],
      path: decodePath(segments.slice(1).join('/'))
    };
  }
  return null;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The hosts of the S3 roots' endpoints, so their https addresses parse. */
export function s3Hosts(roots: IRoot[]): string[] {
  const hosts = new Set<string>(['nyu1.osn.mghpcc.org']);
  for (const root of roots) {
    if (root.provider === 's3' && root.endpoint) {
      try {
        const url = new URL(root.endpoint);
        hosts.add(url.host);
        hosts.add(url.hostname);
      } catch {
        // not a URL: nothing to add
      }
    }
  }
  return [...hosts];
}

/**
 * The root a parsed URL opens in: the one of that provider and bucket whose home holds
 * the path, else the first of that bucket. Null when no root has the bucket.
 */
export function rootForUrl(roots: IRoot[], url: IBucketUrl): IRoot | null {
  const candidates = roots.filter(
    r => r.provider === url.provider && r.bucket === url.bucket
  );
  return (
    candidates.find(r => r.home && url.path.startsWith(r.home)) ??
    candidates[0] ??
    null
  );
}

/** The URL of a place in a root, as users and other tools write it. */
export function placeUrl(root: IRoot, path: string): string {
  return `${root.url}${path}`;
}

/** Why a pasted text cannot be opened; '' when it can. */
export function whyNotOpen(roots: IRoot[], text: string): string {
  const url = parseBucketUrl(text, s3Hosts(roots));
  if (!url) {
    return 'Paste an address such as gs://leap-scratch/<you>/data.zarr or s3://leap-pangeo-manual/CMIP6/.';
  }
  if (!rootForUrl(roots, url)) {
    const scheme = url.provider === 'gcs' ? 'gs' : 's3';
    const known = roots.map(r => r.url).join(', ');
    return `No root here shows ${scheme}://${url.bucket}/; the configured roots are ${known}.`;
  }
  return '';
}
