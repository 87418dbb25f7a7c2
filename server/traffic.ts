// Traffic split between versions of a model, for a canary or an A/B test: a request that names no
// version goes to one of the model's versions with the probability of its weight (KServe's
// canaryTrafficPercent, generalised to any number of versions). A request that carries a routing
// key (`X-Routing-Key`, a user id say) always goes to the same version, so one user sees one
// variant for the whole test; the others are spread at random. A request that names its version
// gets that version. Each answer says which version made it, and /metrics counts per version.
import { createHash } from 'node:crypto';
import type { Repository } from './repository';

/** Model name → version → weight (any positive numbers: 90 and 10, or 0.9 and 0.1). */
export type TrafficWeights = Readonly<Record<string, Readonly<Record<string, number>>>>;

export const ROUTING_KEY_HEADER = 'x-routing-key';

/** A traffic split that cannot be served as given: the message names the model, version or weight. */
export class TrafficError extends Error {
  override name = 'TrafficError';
}

export class TrafficSplit {
  /** Model name → versions with their cumulative share, ending at 1. */
  private readonly splits = new Map<string, Array<{ version: string; upTo: number }>>();

  constructor(repository: Repository, weights: TrafficWeights = {}) {
    for (const [name, byVersion] of Object.entries(weights)) {
      const versions = repository.get(name);
      if (!versions)
        throw new TrafficError(`traffic: no model named ${JSON.stringify(name)}; this server has ${[...repository.keys()].join(', ')}.`);
      const entries = Object.entries(byVersion);
      if (entries.length < 2)
        throw new TrafficError(`traffic: ${name} needs two versions or more to split between, such as ${name}=1:90,2:10.`);
      for (const [version, weight] of entries) {
        if (!versions.has(version))
          throw new TrafficError(`traffic: model ${name} has no version ${version}; it has ${[...versions.keys()].join(', ')}.`);
        if (!(typeof weight === 'number' && weight > 0 && Number.isFinite(weight)))
          throw new TrafficError(`traffic: the weight of ${name} version ${version} must be a number above 0, not ${String(weight)}.`);
      }
      const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
      let upTo = 0;
      this.splits.set(
        name,
        entries.map(([version, weight]) => ({ version, upTo: (upTo += weight / total) })),
      );
    }
  }

  /** The version a request for `name` that names none goes to; undefined when its traffic is not split. */
  pick(name: string, routingKey?: string): string | undefined {
    const split = this.splits.get(name);
    if (!split) return undefined;
    const at = routingKey === undefined ? Math.random() : unitHash(`${name}\n${routingKey}`);
    return (split.find((s) => at < s.upTo) ?? split[split.length - 1])?.version;
  }

  /** Each split model's versions with their share of the traffic, for /metrics and the startup line. */
  shares(): Array<{ model: string; version: string; share: number }> {
    return [...this.splits].flatMap(([model, split]) =>
      split.map((s, i) => ({ model, version: s.version, share: s.upTo - (split[i - 1]?.upTo ?? 0) })),
    );
  }
}

/** `iris=1:90,2:10` (the CLI's --traffic) as weights; an error that shows the form on anything else. */
export function parseTraffic(specs: readonly string[]): Record<string, Record<string, number>> {
  const weights: Record<string, Record<string, number>> = {};
  for (const spec of specs) {
    const match = /^([^=]+)=(.+)$/.exec(spec);
    const parts = match?.[2]?.split(',').map((part) => /^([^:]+):(.+)$/.exec(part.trim()));
    if (!match || !parts || parts.some((p) => !p))
      throw new TrafficError(
        `--traffic takes <model>=<version>:<weight>,<version>:<weight>, such as iris=1:90,2:10; not ${JSON.stringify(spec)}.`,
      );
    weights[match[1] as string] = Object.fromEntries(parts.map((p) => [p?.[1] as string, Number(p?.[2])]));
  }
  return weights;
}

/** A stable number in [0, 1) for a key: the same key always lands in the same share. */
function unitHash(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}
