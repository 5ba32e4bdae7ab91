/**
 * OSN's deletion requests (a pre-filled GitHub issue) and the HPC upload command; that
 * the command really uploads is checked against the emulators by test_hpc_upload.py.
 */
import {
  hpcUploadCommand,
  LOCAL_PLACEHOLDER,
  shellQuote,
  takesHpcUploads
} from '../hpcUpload';
import {
  countWording,
  DEFAULT_ISSUE_TEMPLATE,
  IDeletionRequest,
  issueBody,
  issueTitle,
  issueUrl,
  requestsDeletion
} from '../osnRules';
import { IRoot } from '../tokens';
import { scratch } from './fakes';

const inbox: IRoot = {
  id: 'osn-inbox',
  label: 'OSN inbox',
  provider: 's3',
  bucket: 'leap-pangeo-inbox',
  url: 's3://leap-pangeo-inbox/',
  home: '',
  writable: '',
  deletable: null,
  expiryDays: null,
  endpoint: 'https://nyu1.osn.mghpcc.org',
  anonymous: false
};
const manual: IRoot = {
  ...inbox,
  id: 'osn-manual',
  bucket: 'leap-pangeo-manual',
  url: 's3://leap-pangeo-manual/',
  writable: null,
  anonymous: true
};
const request: IDeletionRequest = {
  url: 's3://leap-pangeo-manual/old run/t&s.zarr/',
  objects: 1234,
  bytes: 5_600_000_000,
  approximate: false,
  user: 'alice'
};

describe('deletion requests', () => {
  it('apply to S3 roots with deleting off, not to GCS or deletable roots', () => {
    expect(requestsDeletion(manual)).toBe(true);
    expect(requestsDeletion(inbox)).toBe(true);
    expect(requestsDeletion(scratch)).toBe(false);
    expect(requestsDeletion({ ...inbox, deletable: '' })).toBe(false);
    expect(requestsDeletion(null)).toBe(false);
  });

  it('word the counts, singular and approximate', () => {
    expect(countWording(request)).toBe(
      '1,234 objects, 5.6 GB (5,600,000,000 bytes)'
    );
    expect(countWording({ ...request, objects: 1, bytes: 12 })).toBe(
      '1 object, 12 B (12 bytes)'
    );
    expect(countWording({ ...request, objects: 5000, approximate: true })).toBe(
      'at least 5,000 objects, at least 5.6 GB (5,600,000,000 bytes)'
    );
  });

  it('name the URL, counts and requester in the body', () => {
    const body = issueBody(request);
    expect(issueTitle(request)).toBe(
      'Delete s3://leap-pangeo-manual/old run/t&s.zarr/ from OSN'
    );
    expect(body).toContain('- URL: s3://leap-pangeo-manual/old run/t&s.zarr/');
    expect(body).toContain('- What lies there: 1,234 objects, 5.6 GB');
    expect(body).toContain('- Requested by: alice');
    expect(issueBody({ ...request, user: null })).toContain(
      'Requested by: (unknown user)'
    );
  });

  it('fill the template with URL-encoded values that decode back', () => {
    const url = issueUrl(DEFAULT_ISSUE_TEMPLATE, request);
    expect(
      url.startsWith(
        'https://github.com/leap-stc/data-management/issues/new?title='
      )
    ).toBe(true);
    expect(url).not.toContain(' ');
    expect(url).toContain('t%26s.zarr'); // an & in a key does not end the parameter
    const params = new URL(url).searchParams;
    expect(params.get('title')).toBe(issueTitle(request));
    expect(params.get('body')).toBe(issueBody(request));
  });

  it('follow a template of the setting, and refuse one that cannot work', () => {
    const url = issueUrl(
      '  https://git.example.org/new?body={body}&labels=delete ',
      request
    );
    expect(url).toBe(
      `https://git.example.org/new?body=${encodeURIComponent(issueBody(request))}&labels=delete`
    );
    expect(() => issueUrl('github.com/x?title={title}', request)).toThrow(
      /not an http\(s\) URL/
    );
    expect(() => issueUrl('https://github.com/x', request)).toThrow(
      /neither \{title\} nor \{body\}/
    );
  });
});

describe('the HPC upload command', () => {
  it('applies to S3 roots with a writable prefix', () => {
    expect(takesHpcUploads(inbox)).toBe(true);
    expect(takesHpcUploads(manual)).toBe(false);
    expect(takesHpcUploads(scratch)).toBe(false);
    expect(takesHpcUploads(null)).toBe(false);
  });

  it('defines the OSN remote from the environment, keys never embedded', () => {
    const text = hpcUploadCommand(inbox, 'alice/run1/');
    const lines = text.split('\n');
    expect(lines).toContain('export RCLONE_CONFIG_OSN_TYPE=s3');
    expect(lines).toContain('export RCLONE_CONFIG_OSN_PROVIDER=Ceph');
    expect(lines).toContain(
      'export RCLONE_CONFIG_OSN_ENDPOINT=https://nyu1.osn.mghpcc.org'
    );
    expect(lines).toContain(
      'export RCLONE_CONFIG_OSN_ACCESS_KEY_ID="$OSN_KEY"'
    );
    expect(lines).toContain(
      'export RCLONE_CONFIG_OSN_SECRET_ACCESS_KEY="$OSN_SECRET"'
    );
    expect(lines[lines.length - 1]).toBe(
      `rclone copy --progress --transfers 32 --checkers 32 ${LOCAL_PLACEHOLDER} osn:leap-pangeo-inbox/alice/run1/`
    );
  });

  it("quotes a folder the shell would split, and follows the root's endpoint", () => {
    const text = hpcUploadCommand(
      { ...inbox, endpoint: 'http://127.0.0.1:5555' },
      "it's a run/",
      '/scratch/my data'
    );
    expect(text).toContain('RCLONE_CONFIG_OSN_ENDPOINT=http://127.0.0.1:5555');
    expect(text).toContain(
      `rclone copy --progress --transfers 32 --checkers 32 '/scratch/my data' 'osn:leap-pangeo-inbox/it'\\''s a run/'`
    );
    expect(shellQuote('$HOME')).toBe("'$HOME'");
  });

  it('refuses roots without uploads, folders outside the prefix, no endpoint', () => {
    expect(() => hpcUploadCommand(manual, '')).toThrow(/open the OSN inbox/);
    expect(() =>
      hpcUploadCommand({ ...inbox, writable: 'alice/' }, 'bob/')
    ).toThrow(/only under s3:\/\/leap-pangeo-inbox\/alice\//);
    expect(() => hpcUploadCommand({ ...inbox, endpoint: null }, '')).toThrow(
      /no endpoint/
    );
  });
});
