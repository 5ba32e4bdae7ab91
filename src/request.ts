import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** The base path of the server extension's routes. */
export const API_NAMESPACE = 'leap-buckets/api';

/**
 * An error the server answered with: `{"error": {"code", "message"}}`, or a network
 * failure (code `network`).
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Turn a non-OK response into an ApiError, reading the server's error JSON if any.
 */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
    const body = JSON.parse(text);
    if (body && body.error && typeof body.error.message === 'string') {
      return new ApiError(
        String(body.error.code || 'error'),
        body.error.message,
        response.status
      );
    }
    if (body && typeof body.message === 'string') {
      return new ApiError('error', body.message, response.status);
    }
  } catch {
    // not JSON: fall through
  }
  const reason =
    response.status === 403
      ? 'You are not logged in to Jupyter any more; reload the page.'
      : `The server answered ${response.status} ${response.statusText}.`;
  return new ApiError(`http-${response.status}`, reason, response.status);
}

/**
 * Call the server extension: the one place that speaks HTTP.
 *
 * @param endPoint route and query, e.g. `list?root=scratch&path=demo/`
 */
export async function requestAPI<T>(
  endPoint = '',
  init: RequestInit = {},
  settings: ServerConnection.ISettings = ServerConnection.makeSettings()
): Promise<T> {
  const url = URLExt.join(settings.baseUrl, API_NAMESPACE, endPoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ApiError(
      'network',
      'The Jupyter server did not answer; check that it is still running, then retry.',
      0
    );
  }
  if (!response.ok) {
    throw await errorFromResponse(response);
  }
  return (await response.json()) as T;
}
