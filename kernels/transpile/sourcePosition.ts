// Source-map lookups shared by compile errors (one map) and runtime stack frames (two maps).
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';

export interface Position {
  /** 1-based. */
  line: number;
  /** 0-based. */
  column: number;
}

const byText = new Map<string, TraceMap>();

function traceMap(map: string): TraceMap {
  let trace = byText.get(map);
  if (!trace) {
    trace = new TraceMap(map);
    // Maps of recent cells are looked up again for every frame of every error; keep a few.
    if (byText.size >= 64) byText.delete(byText.keys().next().value as string);
    byText.set(map, trace);
  }
  return trace;
}

/** Where a generated position came from, or undefined when the map has nothing for it. */
export function originalPosition(map: string, line: number, column: number): Position | undefined {
  const found = originalPositionFor(traceMap(map), { line, column });
  return found.line === null ? undefined : { line: found.line, column: found.column };
}

/** Follows a position through several maps, last applied first (script → … → source). */
export function tracePosition(maps: readonly string[], line: number, column: number): Position | undefined {
  let at: Position | undefined = { line, column };
  for (const map of maps) {
    at = at && originalPosition(map, at.line, at.column);
  }
  return at;
}
