// HTTP for an API that must stay synchronous (`track` logs as each call returns, like the file
// store): a worker thread runs fetch while the caller sleeps in Atomics.wait, then the caller takes
// the answer off a MessagePort with receiveMessageOnPort, without going back to the event loop.
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface HttpResponse {
  status: number;
  contentType: string;
  body: Uint8Array;
}

/** No answer at all: the server is unreachable, or it did not answer in time. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
  }
}

// Plain JavaScript evaluated in the worker, so it runs the same from sources, tests and bundles.
// It posts the answer before raising the flag: the caller, once woken, always finds it queued.
const WORKER = `
const { workerData } = require('node:worker_threads');
const { port, flag } = workerData;
port.on('message', async ({ id, request, timeoutMs }) => {
  let answer;
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(timeoutMs) });
    answer = { id, status: response.status, contentType: response.headers.get('content-type') || '', body: new Uint8Array(await response.arrayBuffer()) };
  } catch (error) {
    const timedOut = error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    answer = { id, failure: timedOut ? 'timed out' : String((error && error.cause && (error.cause.code || error.cause.message)) || (error && error.message) || error), timedOut };
  }
  port.postMessage(answer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface Answer extends Partial<HttpResponse> {
  id: number;
  failure?: string;
  timedOut?: boolean;
}

let channel: { worker: Worker; port: MessagePort; flag: Int32Array } | undefined;
let lastId = 0;

function open(): NonNullable<typeof channel> {
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(WORKER, { eval: true, workerData: { port: port2, flag }, transferList: [port2] });
  // The worker waits for requests forever; it must not keep a finished script alive.
  worker.unref();
  worker.on('exit', () => {
    if (channel?.worker === worker) channel = undefined;
  });
  return { worker, port: port1, flag };
}

/** Sends a request and blocks until its answer comes, or throws HttpFailure. */
export function syncFetch(request: HttpRequest, timeoutMs: number): HttpResponse {
  channel ??= open();
  const { port, flag } = channel;
  const id = ++lastId;
  Atomics.store(flag, 0, 0);
  port.postMessage({ id, request, timeoutMs });
  // The worker aborts its fetch at timeoutMs; the extra second lets that answer arrive first.
  const deadline = Date.now() + timeoutMs + 1000;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || Atomics.wait(flag, 0, 0, left) === 'timed-out') throw new HttpFailure('timed out', true);
    Atomics.store(flag, 0, 0);
    // Answers to requests that timed out earlier may still be queued: skip them.
    for (let received = receiveMessageOnPort(port); received; received = receiveMessageOnPort(port)) {
      const answer = received.message as Answer;
      if (answer.id !== id) continue;
      if (answer.failure !== undefined) throw new HttpFailure(answer.failure, answer.timedOut === true);
      return { status: answer.status as number, contentType: answer.contentType as string, body: answer.body as Uint8Array };
    }
  }
}
