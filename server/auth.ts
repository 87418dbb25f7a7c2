// API keys: only their SHA-256 is kept (a keys file can be read without giving the keys away);
// a request presents the key as "Authorization: Bearer <key>" or "X-API-Key: <key>". Each key
// has a rate limit, a token bucket refilled continuously, so bursts up to a minute's allowance
// pass and a steady excess gets 429 with Retry-After.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export interface StoredKey {
  name: string;
  sha256: string;
  /** Requests per minute; default 600. */
  ratePerMinute?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const DEFAULT_RATE = 600;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Adds a key to the keys file (made if absent) and returns the key itself, shown only this once. */
export function createApiKey(file: string, name: string, ratePerMinute = DEFAULT_RATE): string {
  const keys = existsSync(file) ? readKeys(file) : [];
  if (keys.some((k) => k.name === name))
    throw new Error(`${file} already has a key named ${name}; pick another name, or remove that entry first.`);
  if (!(ratePerMinute > 0)) throw new Error(`the rate limit must be a positive number of requests per minute, not ${ratePerMinute}.`);
  const key = `aielab_${randomBytes(24).toString('base64url')}`;
  keys.push({ name, sha256: hashKey(key), ratePerMinute });
  writeFileSync(file, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  return key;
}

export function readKeys(file: string): StoredKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not a keys file (${(error as Error).message}); make one with: aielab api-key add <name> --file ${file}`, {
      cause: error,
    });
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || !keys.every((k) => typeof k?.name === 'string' && /^[0-9a-f]{64}$/.test(k?.sha256)))
    throw new Error(`${file}: expected { "keys": [{ "name", "sha256", "ratePerMinute" }] } with 64-digit hex hashes.`);
  return keys as StoredKey[];
}

export class ApiKeys {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly keys: readonly StoredKey[],
    private readonly now: () => number = Date.now,
  ) {}

  /** The key's entry, or the reason the request is refused (401 or 429 with seconds to wait). */
  check(presented: string | undefined): { key: StoredKey } | { status: 401 | 429; message: string; retryAfter?: number } {
    if (!presented) return { status: 401, message: 'this server needs an API key: send "Authorization: Bearer <key>"' };
    const digest = Buffer.from(hashKey(presented), 'hex');
    const key = this.keys.find((k) => timingSafeEqual(Buffer.from(k.sha256, 'hex'), digest));
    if (!key) return { status: 401, message: 'the API key is not valid' };
    const rate = key.ratePerMinute ?? DEFAULT_RATE;
    const now = this.now();
    const bucket = this.buckets.get(key.name) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 60_000) * rate);
    bucket.at = now;
    this.buckets.set(key.name, bucket);
    if (bucket.tokens < 1)
      return {
        status: 429,
        message: `rate limit of ${rate} requests per minute reached for key ${key.name}`,
        retryAfter: Math.ceil(((1 - bucket.tokens) / rate) * 60),
      };
    bucket.tokens -= 1;
    return { key };
  }
}

/** The key a request presents, from either header. */
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const header = headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}
