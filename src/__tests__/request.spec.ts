import { errorFromResponse } from '../request';

function response(status: number, body: string, statusText = ''): Response {
  return {
    status,
    statusText,
    ok: false,
    text: async () => body
  } as unknown as Response;
}

describe('errorFromResponse', () => {
  it('reads the server error format', async () => {
    const error = await errorFromResponse(
      response(
        404,
        JSON.stringify({
          error: { code: 'not-found', message: 'There is no folder x/.' }
        })
      )
    );
    expect(error.code).toBe('not-found');
    expect(error.message).toBe('There is no folder x/.');
    expect(error.status).toBe(404);
  });

  it('says what to do when the body is not the API format', async () => {
    const forbidden = await errorFromResponse(
      response(403, '<html>Forbidden</html>', 'Forbidden')
    );
    expect(forbidden.code).toBe('http-403');
    expect(forbidden.message).toMatch(/reload the page/);
    const broken = await errorFromResponse(response(502, '', 'Bad Gateway'));
    expect(broken.message).toBe('The server answered 502 Bad Gateway.');
  });
});
