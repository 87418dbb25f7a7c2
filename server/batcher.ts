// Dynamic batching, as Triton's dynamic_batching does it: requests wait in a queue for at most
// `maxDelayMs`, and whatever has gathered by then (up to `maxBatch` rows) runs as one call, each
// request getting its own rows of the result back. One model call for many small requests is
// where a server's throughput comes from; the delay bounds what it costs a lone request. With a
// delay of 0 nothing waits on purpose: what queued while the model was busy (two calls at a time)
// runs together as soon as a call finishes, so batches grow with the load and vanish without it.

export interface Tensor {
  dims: number[];
  data: Float32Array | BigInt64Array;
}

export type Feeds = Record<string, Tensor>;

export interface BatchResult {
  outputs: Feeds;
  queueMs: number;
  /** Rows in the model call this request was part of. */
  batchRows: number;
  /** The first request of its call: the one that reports the call (a batch is counted once). */
  leader: boolean;
}

interface Waiting {
  feeds: Feeds;
  rows: number;
  enqueued: number;
  resolve(result: BatchResult): void;
  reject(error: unknown): void;
}

/** Model calls at once when batching without a delay: one running, one being prepared. */
const CALLS_AT_ONCE = 2;

export class Batcher {
  private queue: Waiting[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private running = 0;

  constructor(
    private readonly run: (feeds: Feeds) => Promise<Feeds>,
    readonly maxBatch: number,
    readonly maxDelayMs: number,
  ) {}

  /** Rows waiting now (a gauge for /metrics). */
  get waiting(): number {
    return this.queue.reduce((n, w) => n + w.rows, 0);
  }

  submit(feeds: Feeds, rows: number): Promise<BatchResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ feeds, rows, enqueued: performance.now(), resolve, reject });
      if (this.waiting >= this.maxBatch) this.flush();
      // Requests read from the sockets in this turn of the event loop join the same call.
      else if (this.maxDelayMs <= 0) this.immediate ??= setImmediate(() => this.flush());
      else this.timer ??= setTimeout(() => this.flush(), this.maxDelayMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    while (this.queue.length && (this.maxDelayMs > 0 || this.running < CALLS_AT_ONCE)) {
      const batch = this.take();
      void this.runBatch(batch);
    }
  }

  /** Requests from the front whose rows fit one batch and whose other dimensions agree. */
  private take(): Waiting[] {
    const first = this.queue.shift() as Waiting;
    const batch = [first];
    let rows = first.rows;
    const key = shapeKey(first.feeds);
    for (let i = 0; i < this.queue.length && rows < this.maxBatch;) {
      const next = this.queue[i] as Waiting;
      if (rows + next.rows <= this.maxBatch && shapeKey(next.feeds) === key) {
        batch.push(next);
        rows += next.rows;
        this.queue.splice(i, 1);
      } else i++;
    }
    return batch;
  }

  private async runBatch(batch: Waiting[]): Promise<void> {
    this.running++;
    const started = performance.now();
    const rows = batch.reduce((n, w) => n + w.rows, 0);
    try {
      const outputs = await this.run(batch.length === 1 ? (batch[0] as Waiting).feeds : concat(batch.map((w) => w.feeds)));
      let at = 0;
      for (const w of batch) {
        w.resolve({
          outputs: batch.length === 1 ? outputs : slice(outputs, at, w.rows, rows),
          queueMs: started - w.enqueued,
          batchRows: rows,
          leader: at === 0,
        });
        at += w.rows;
      }
    } catch (error) {
      if (batch.length === 1) (batch[0] as Waiting).reject(error);
      // One request the model cannot take (a token id past its embedding table) fails the whole
      // call: each is run again alone, so only that one fails and the others are answered.
      else for (const w of batch) await this.runAlone(w);
    } finally {
      this.running--;
      // Without a delay, what queued while the model was busy runs now.
      if (this.maxDelayMs <= 0 && this.queue.length) this.flush();
    }
  }

  private async runAlone(w: Waiting): Promise<void> {
    const started = performance.now();
    try {
      w.resolve({ outputs: await this.run(w.feeds), queueMs: started - w.enqueued, batchRows: w.rows, leader: true });
    } catch (error) {
      w.reject(error);
    }
  }
}

function shapeKey(feeds: Feeds): string {
  return Object.entries(feeds)
    .map(([name, t]) => `${name}:${t.dims.slice(1).join('x')}`)
    .join(',');
}

function concat(list: Feeds[]): Feeds {
  const out: Feeds = {};
  for (const name of Object.keys(list[0] as Feeds)) {
    const parts = list.map((f) => f[name] as Tensor);
    const length = parts.reduce((n, p) => n + p.data.length, 0);
    const data = parts[0]!.data instanceof BigInt64Array ? new BigInt64Array(length) : new Float32Array(length);
    let at = 0;
    for (const p of parts) {
      (data as Float32Array).set(p.data as Float32Array, at);
      at += p.data.length;
    }
    out[name] = { dims: [parts.reduce((n, p) => n + (p.dims[0] as number), 0), ...parts[0]!.dims.slice(1)], data };
  }
  return out;
}

/** Rows [from, from + count) of every output whose first dimension is the batch. */
function slice(outputs: Feeds, from: number, count: number, batchRows: number): Feeds {
  const out: Feeds = {};
  for (const [name, t] of Object.entries(outputs)) {
    if (t.dims[0] !== batchRows) {
      out[name] = t;
      continue;
    }
    const per = t.data.length / batchRows;
    out[name] = { dims: [count, ...t.dims.slice(1)], data: t.data.slice(from * per, (from + count) * per) as Float32Array };
  }
  return out;
}
