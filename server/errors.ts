// How a request can fail, in one place: the status each error is answered with, the reason label
// /metrics counts it under, and the message the client reads. A refusal names the problem and what
// was expected; a failure inside the server gives nothing away.

/** The statuses the server refuses a request with, each with its reason label in /metrics. */
const REASONS = {
  400: 'bad_request',
  401: 'unauthorized',
  404: 'not_found',
  413: 'too_large',
  422: 'bad_request',
  429: 'rate_limited',
} as const;

export type RefusalStatus = keyof typeof REASONS;

/** A request the server refuses: the message tells the client what was wrong and what it takes. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: RefusalStatus = 400,
  ) {
    super(message);
  }
}

/** An error Fastify raises itself (a body over the limit, a malformed header) carries its status. */
type ServerError = Error & { statusCode?: number };

/** A RequestError's own status; a 4xx Fastify raised as it is; anything else is the server's fault. */
export function statusOf(error: ServerError): number {
  if (error instanceof RequestError) return error.status;
  return error.statusCode && error.statusCode < 500 ? error.statusCode : 500;
}

/** The error reason label for an HTTP status. */
export function reasonOf(status: number): string {
  if (status >= 500) return 'internal';
  return REASONS[status as RefusalStatus] ?? 'bad_request';
}

/** What the client reads: the refusal's own message, Fastify's body limit in our words, and nothing of a failure. */
export function clientMessage(error: ServerError, status: number, maxBodyBytes: number): string {
  if (status >= 500) return 'the server failed to answer this request; its log has the details';
  if (status === 413 && !(error instanceof RequestError))
    return `the request body is larger than this server's limit of ${maxBodyBytes} bytes`;
  return error.message;
}
