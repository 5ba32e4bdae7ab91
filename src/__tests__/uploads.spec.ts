import { IBucketsApi } from '../api';
import { ApiError } from '../request';
import { IJob, IUploadRequest } from '../tokens';
import { UPLOAD_CHUNK, uploadFile } from '../uploads';

function job(id: string): IJob {
  return {
    id,
    kind: 'transfer',
    label: 'Upload',
    state: 'running',
    objectsDone: 0,
    objectsTotal: 1,
    bytesDone: 0,
    bytesTotal: null,
    error: null
  };
}

/** Records what the uploader sends; `closeAfter` chunks, then answers like a cancelled job. */
class RecordingApi {
  started: IUploadRequest[] = [];
  chunks: { id: string; offset: number; size: number }[] = [];
  constructor(private closeAfter = Infinity) {}
  async startUpload(request: IUploadRequest): Promise<IJob> {
    this.started.push(request);
    return job('j1');
  }
  async sendChunk(id: string, offset: number, chunk: Blob): Promise<IJob> {
    if (this.chunks.length >= this.closeAfter) {
      throw new ApiError('upload-closed', 'This upload is cancelled.', 409);
    }
    this.chunks.push({ id, offset, size: chunk.size });
    return { ...job(id), bytesDone: offset + chunk.size };
  }
}

function blob(size: number, name: string): Blob & { name: string } {
  return Object.assign(new Blob([new Uint8Array(size)]), { name });
}

describe('uploadFile', () => {
  it('announces the file, then sends it in order, chunk by chunk', async () => {
    const api = new RecordingApi();
    const size = 2 * UPLOAD_CHUNK + 5;
    const started: string[] = [];
    const result = await uploadFile(
      api as unknown as IBucketsApi,
      blob(size, 'a.nc'),
      { root: 'scratch', path: 'demo/x/' },
      'fail',
      j => started.push(j.id)
    );
    expect(api.started).toEqual([
      {
        target: { root: 'scratch', path: 'demo/x/' },
        name: 'a.nc',
        size,
        conflict: 'fail'
      }
    ]);
    expect(api.chunks).toEqual([
      { id: 'j1', offset: 0, size: UPLOAD_CHUNK },
      { id: 'j1', offset: UPLOAD_CHUNK, size: UPLOAD_CHUNK },
      { id: 'j1', offset: 2 * UPLOAD_CHUNK, size: 5 }
    ]);
    expect(started).toEqual(['j1']);
    expect(result.bytesDone).toBe(size);
  });

  it('sends no chunk for an empty file', async () => {
    const api = new RecordingApi();
    await uploadFile(
      api as unknown as IBucketsApi,
      blob(0, 'empty'),
      { root: 'scratch', path: '' },
      'fail'
    );
    expect(api.started).toHaveLength(1);
    expect(api.chunks).toHaveLength(0);
  });

  it('stops quietly when the job was cancelled', async () => {
    const api = new RecordingApi(1);
    const result = await uploadFile(
      api as unknown as IBucketsApi,
      blob(3 * UPLOAD_CHUNK, 'b'),
      { root: 'scratch', path: '' },
      'fail'
    );
    expect(api.chunks).toHaveLength(1);
    expect(result.state).toBe('cancelled');
  });

  it('passes other errors on', async () => {
    const api = new RecordingApi();
    api.sendChunk = async () => {
      throw new ApiError('storage-error', 'The bucket refused.', 502);
    };
    await expect(
      uploadFile(
        api as unknown as IBucketsApi,
        blob(10, 'c'),
        { root: 'scratch', path: '' },
        'fail'
      )
    ).rejects.toThrow('The bucket refused.');
  });
});
