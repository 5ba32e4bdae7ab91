import { EXPIRY_CONCURRENCY, FolderExpiries } from '../folderExpiries';
import { IFolderExpiry } from '../tokens';

/** An API whose answers the test gives out by hand. */
function api() {
  const asked: string[] = [];
  const waiting: ((value: IFolderExpiry) => void)[] = [];
  return {
    asked,
    answerAll: async () => {
      while (waiting.length) {
        waiting.shift()!({ expires: '2026-12-08T00:00:00Z' } as IFolderExpiry);
        await new Promise(resolve => setTimeout(resolve, 0));
      }
    },
    folderExpiry: (root: string, path: string) => {
      asked.push(`${root}|${path}`);
      return new Promise<IFolderExpiry>(resolve => waiting.push(resolve));
    }
  };
}

const paths = (n: number) => Array.from({ length: n }, (_, i) => `f${i}/`);

describe('FolderExpiries', () => {
  it('asks a few at a time, each folder once, and says when each answer comes', async () => {
    const server = api();
    const answered: string[] = [];
    const expiries = new FolderExpiries(server, root => answered.push(root));
    expiries.request('scratch', paths(10));
    expiries.request('scratch', paths(10)); // asked already: not again
    expect(server.asked).toHaveLength(EXPIRY_CONCURRENCY);
    await server.answerAll();
    expect(server.asked).toHaveLength(10);
    expect(new Set(server.asked).size).toBe(10);
    expect(answered).toHaveLength(10);
    expect(expiries.get('scratch', 'f3/')?.expires).toBe(
      '2026-12-08T00:00:00Z'
    );
    expect(expiries.get('persistent', 'f3/')).toBeUndefined();
  });

  it('asks again for what was dropped from the queue before it was asked', async () => {
    const server = api();
    const expiries = new FolderExpiries(server, () => undefined);
    expiries.request('scratch', paths(6));
    expiries.dropQueue(); // the user went elsewhere: f4/ and f5/ never asked
    await server.answerAll();
    expect(server.asked).toHaveLength(EXPIRY_CONCURRENCY);
    expiries.request('scratch', ['f5/']);
    expect(server.asked).toContain('scratch|f5/');
  });

  it("forgets a root's answers on refresh, and only that root's", async () => {
    const server = api();
    const expiries = new FolderExpiries(server, () => undefined);
    expiries.request('scratch', ['a/']);
    expiries.request('persistent', ['a/']);
    await server.answerAll();
    expiries.forget('scratch');
    expect(expiries.get('scratch', 'a/')).toBeUndefined();
    expect(expiries.get('persistent', 'a/')).toBeDefined();
    expiries.request('scratch', ['a/']);
    expect(server.asked.filter(k => k === 'scratch|a/')).toHaveLength(2);
  });
});
