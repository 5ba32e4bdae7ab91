/**
 * "Copy Upload Command for HPC" in the OSN inbox: what to paste on an HPC login node to
 * push a local folder into the inbox with rclone. The OSN remote is defined through
 * rclone's RCLONE_CONFIG_<REMOTE>_<KEY> environment variables so nothing is written to the
 * user's rclone.conf, and the keys are read from the user's own $OSN_KEY and $OSN_SECRET:
 * the clipboard never holds a secret. No imports at run time: test_hpc_upload.py loads the
 * compiled module (lib/hpcUpload.js) by itself and runs its text against the emulators.
 */

/** The part of a root (GET roots) the command needs. */
export interface IUploadRoot {
  provider: string;
  bucket: string;
  writable: string | null;
  endpoint?: string | null;
}

/** Where the user puts their own folder; they edit it after pasting. */
export const LOCAL_PLACEHOLDER = '/path/to/your/folder';

/** Whether the root takes uploads from HPC: an S3 root (OSN) with a writable prefix. */
export function takesHpcUploads(root: IUploadRoot | null): boolean {
  return !!root && root.provider === 's3' && root.writable !== null;
}

/** A word for a POSIX shell: single-quoted unless it is plainly safe. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word)
    ? word
    : `'${word.replace(/'/g, "'\\''")}'`;
}

/**
 * The lines to paste: the remote's variables, then `rclone copy` of the local folder into
 * `folder` (a key prefix ending in "/", or "" for the bucket's root). Throws, saying what
 * to do, when the root takes no uploads or the folder lies outside its writable prefix.
 */
export function hpcUploadCommand(
  root: IUploadRoot,
  folder: string,
  local: string = LOCAL_PLACEHOLDER
): string {
  if (!takesHpcUploads(root)) {
    throw new Error(
      `s3://${root.bucket}/ takes no uploads from HPC: open the OSN inbox.`
    );
  }
  if (!folder.startsWith(root.writable!)) {
    throw new Error(
      `You can write only under s3://${root.bucket}/${root.writable}: open a folder there.`
    );
  }
  if (!root.endpoint) {
    throw new Error(
      `The server names no endpoint for s3://${root.bucket}/: ask your hub's admins to set the root's endpoint.`
    );
  }
  const target = `osn:${root.bucket}/${folder}`;
  return [
    `# Upload a folder to s3://${root.bucket}/${folder} (OSN) with rclone.`,
    '# Set OSN_KEY and OSN_SECRET to the OSN keys LEAP gave you, and',
    `# replace ${LOCAL_PLACEHOLDER} with your folder.`,
    'export RCLONE_CONFIG_OSN_TYPE=s3',
    'export RCLONE_CONFIG_OSN_PROVIDER=Ceph',
    `export RCLONE_CONFIG_OSN_ENDPOINT=${shellQuote(root.endpoint)}`,
    'export RCLONE_CONFIG_OSN_ACCESS_KEY_ID="$OSN_KEY"',
    'export RCLONE_CONFIG_OSN_SECRET_ACCESS_KEY="$OSN_SECRET"',
    // OSN users may not create buckets: rclone would otherwise try to.
    'export RCLONE_CONFIG_OSN_NO_CHECK_BUCKET=true',
    // From an HPC login node, about 150 ms from OSN, rclone's defaults (4 transfers, 8
    // checkers) wait on round trips: 32 of each pushed 500 small files and four of 32 MiB
    // 4.5x faster (`scripts/bench hpc-push`, docs/benchmarks.md). Multipart chunks stay at
    // rclone's 5 MiB x 4, so 32 large files hold about 640 MiB at most.
    `rclone copy --progress --transfers 32 --checkers 32 ${shellQuote(local)} ${shellQuote(target)}`
  ].join('\n');
}
