// A graded run's kernel locks what a check computes with before the first cell runs: JavaScript's
// built-ins, Node's built-in modules, and the SDK with every package it loaded. A notebook can then
// not make a check pass by replacing `Array.prototype.every`, `Math.abs`, `fs.existsSync` or
// `Expectation.prototype.toBe`. Nothing is frozen whole and no new property is refused (packages
// still add their own); the methods and accessors that exist become non-writable and
// non-configurable, and the globals that name built-ins cannot be rebound.
import { realpathSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { sep } from 'node:path';

/** The global names of built-ins a check may use; the kernel's own globals are not among them. */
const BUILT_IN_GLOBALS = [
  ...['Object', 'Function', 'Array', 'Number', 'String', 'Boolean', 'Symbol', 'BigInt', 'Math', 'JSON', 'Reflect', 'Proxy'],
  ...['Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'WeakSet', 'WeakRef', 'FinalizationRegistry', 'Promise', 'Atomics', 'Intl'],
  ...['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError'],
  ...['ArrayBuffer', 'SharedArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array'],
  ...['Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'],
  ...['isNaN', 'isFinite', 'parseInt', 'parseFloat', 'encodeURI', 'encodeURIComponent', 'decodeURI', 'decodeURIComponent'],
  ...['structuredClone', 'queueMicrotask', 'fetch', 'Request', 'Response', 'Headers', 'FormData', 'URL', 'URLSearchParams'],
  ...['TextEncoder', 'TextDecoder', 'AbortController', 'AbortSignal', 'Event', 'EventTarget', 'Blob', 'Buffer', 'crypto'],
  ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'console'],
  ...['performance', 'globalThis'],
];

/**
 * Names code commonly assigns on its own objects (`Foo.prototype = {…}; Foo.prototype.constructor = Foo`,
 * `MyError.prototype.toString = …`). On built-in prototypes they become accessors that let such an
 * assignment make an own property, as it would have, while the built-in stays (the "override mistake").
 */
const OVERRIDABLE = new Set<PropertyKey>(['constructor', 'toString', 'valueOf', 'toLocaleString', 'toJSON']);
/** Prototypes whose `constructor` V8 watches for species lookups: an accessor there would slow every array and promise. */
const SPECIES_HOSTS = new Set<object>([
  Array.prototype,
  Promise.prototype,
  RegExp.prototype,
  Object.getPrototypeOf(Int8Array.prototype) as object,
]);

/** Built-ins the SDK itself swaps for a while: `nn.fit` seeds `Math.random` so that weights start the same. */
const SWAPPED: ReadonlyArray<[object, PropertyKey]> = [[Math, 'random']];

/** Node's built-in modules whose functions a check may call; their classes are left alone (packages subclass them). */
const LOCKED_MODULES = [
  'fs',
  'fs/promises',
  'path',
  'crypto',
  'util',
  'os',
  'url',
  'assert',
  'assert/strict',
  'zlib',
  'child_process',
  'perf_hooks',
  'timers',
  'timers/promises',
  'querystring',
  'string_decoder',
  'vm',
];

export interface LockOptions {
  /** Module namespaces the kernel provides itself (the SDK). */
  namespaces: readonly object[];
  /** The kernel's own globals that compiled cells call (`import` and every `await` go through them). */
  runtimeGlobals: readonly string[];
  /** Packages loaded from under these folders, now or later, are locked too. */
  packageRoots: readonly string[];
}

/** Locks the built-ins, Node's modules, the SDK and the packages it loads, now and when they load later. */
export function lockDown(options: LockOptions): number {
  const walk = new Walk();
  for (const name of [...BUILT_IN_GLOBALS, ...options.runtimeGlobals]) walk.global(name);
  for (const hidden of hiddenIntrinsics()) walk.visit(hidden);
  const load = createRequire(__filename);
  for (const name of LOCKED_MODULES) walk.exports(load(`node:${name}`), false);
  walk.builtIns = false;
  for (const namespace of options.namespaces) walk.exports(namespace, true);
  lockPackagesAsTheyLoad(walk, options.packageRoots);
  allowNativeCodeFrom(options.packageRoots);
  return walk.locked;
}

/**
 * Native addons load from the product's packages only (polars, ONNX Runtime): one a notebook wrote
 * itself would run outside every lock above. Node's permission model allows addons or none.
 */
function allowNativeCodeFrom(roots: readonly string[]): void {
  const dlopen = process.dlopen.bind(process);
  const allowed = roots.map((root) => realpathOr(root));
  Object.defineProperty(process, 'dlopen', {
    value: (module: object, filename: string, flags?: number) => {
      const real = realpathOr(filename);
      if (!allowed.some((root) => real.startsWith(`${root}${sep}`)))
        throw new Error(`A graded run loads native code from the product's own packages only, not ${filename}.`);
      return flags === undefined ? dlopen(module, filename) : dlopen(module, filename, flags);
    },
    writable: false,
    configurable: false,
  });
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Every module `require` loads from the product's packages is locked before the caller sees it. */
function lockPackagesAsTheyLoad(walk: Walk, roots: readonly string[]): void {
  const load = (Module as unknown as { _load: (...args: unknown[]) => unknown })._load;
  const locked = new Set<string>();
  const lockLoaded = () => {
    for (const [file, module] of Object.entries(require.cache)) {
      if (locked.has(file) || !module?.loaded || !roots.some((root) => file.startsWith(root))) continue;
      locked.add(file);
      walk.exports(module.exports, false);
    }
  };
  lockLoaded();
  Object.defineProperty(Module, '_load', {
    value: function (this: unknown, ...args: unknown[]) {
      const exports = Reflect.apply(load, this, args);
      lockLoaded();
      return exports;
    },
    writable: false,
    configurable: false,
  });
}

class Walk {
  locked = 0;
  /**
   * Whose objects are being locked. Packages' and the SDK's methods are assigned on instances
   * (`this.maybeWait = debounce(this.maybeWait)` in TensorFlow.js): on their prototypes every
   * method gets the accessor that lets that make an own property. On built-ins only the usual
   * names do, keeping plain data properties (and V8's fast paths) everywhere else.
   */
  builtIns = true;
  private readonly seen = new WeakSet<object>();

  global(name: string): void {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
    if (!descriptor) return;
    // Node defines some globals lazily (a getter that redefines itself on first use): settle them first.
    const value: unknown = 'value' in descriptor ? descriptor.value : (globalThis as Record<string, unknown>)[name];
    if (descriptor.configurable) Object.defineProperty(globalThis, name, { value, writable: false, configurable: false });
    this.locked++;
    // The global object's own names are the notebook's (its cells' declarations): never locked.
    if (value !== globalThis) this.visit(value);
  }

  /** A module's exports: its functions and classes, and (`followGetters`, for esbuild's namespaces) what its getters hold. */
  exports(target: unknown, followGetters: boolean): void {
    if (!isObject(target)) return;
    if (followGetters) {
      for (const key of Reflect.ownKeys(target)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
        if (descriptor?.get && !descriptor.set) {
          if (descriptor.configurable) Object.defineProperty(target, key, { configurable: false });
          const value = tryGet(descriptor.get, target);
          if (isPlainObject(value)) this.exports(value, true);
          else this.visit(value);
        }
      }
    }
    this.visit(target);
  }

  /** Locks `target`'s own methods, then those of the functions, prototypes and namespaces it holds. */
  visit(target: unknown): void {
    if (!isObject(target) || this.seen.has(target)) return;
    this.seen.add(target);
    for (const key of Reflect.ownKeys(target)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target, key);
      if (!descriptor) continue;
      if (!('value' in descriptor)) {
        // A getter that redefines itself (Node's lazy exports) must keep that freedom.
        if (descriptor.set === undefined && descriptor.configurable && isPrototype(target)) {
          Object.defineProperty(target, key, { configurable: false });
          this.locked++;
        }
        continue;
      }
      const value: unknown = descriptor.value;
      // Data (numbers, strings, a package's state) stays writable: only behaviour is locked.
      if (typeof value !== 'function' && !(key === 'prototype' && isObject(value)) && !isNamespace(value)) continue;
      this.lock(target, key, descriptor);
      this.visit(value);
    }
  }

  private lock(target: object, key: PropertyKey, descriptor: PropertyDescriptor): void {
    if (SWAPPED.some(([host, name]) => host === target && name === key)) return;
    const overridable = (OVERRIDABLE.has(key) || !this.builtIns) && !(key === 'constructor' && SPECIES_HOSTS.has(target));
    if (descriptor.configurable && overridable && isPrototype(target)) {
      defineOverridable(target, key, descriptor.value);
    } else if (descriptor.configurable) {
      Object.defineProperty(target, key, { writable: false, configurable: false });
    } else if (descriptor.writable) {
      // A function's own `prototype` is not configurable but can still be made read-only.
      Object.defineProperty(target, key, { writable: false });
    } else {
      return;
    }
    this.locked++;
  }
}

function defineOverridable(host: object, key: PropertyKey, value: unknown): void {
  Object.defineProperty(host, key, {
    configurable: false,
    enumerable: false,
    get: () => value,
    set(this: object, replacement: unknown) {
      if (this === host) throw new TypeError(`A graded run keeps the built-in ${String(key)}; define your own on your object instead.`);
      Object.defineProperty(this, key, { value: replacement, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** Prototypes no global names: iterators, generators, async functions, typed arrays' parent. */
function hiddenIntrinsics(): object[] {
  const generator = function* () {};
  const asyncGenerator = async function* () {};
  return [
    Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map().entries()),
    Object.getPrototypeOf(new Set().values()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf(/x/[Symbol.matchAll]('')),
    Object.getPrototypeOf(generator),
    Object.getPrototypeOf(generator()),
    Object.getPrototypeOf(asyncGenerator),
    Object.getPrototypeOf(asyncGenerator()),
    Object.getPrototypeOf(async () => undefined),
    Object.getPrototypeOf(Int8Array),
  ];
}

/** Some function's `prototype`: an object whose `constructor` points back at a function. */
function isPrototype(target: object): boolean {
  const descriptor = Reflect.getOwnPropertyDescriptor(target, 'constructor');
  const ctor: unknown = descriptor && 'value' in descriptor ? descriptor.value : descriptor?.get?.call(target);
  return typeof ctor === 'function' && Reflect.getOwnPropertyDescriptor(ctor, 'prototype')?.value === target;
}

/** A plain object of functions (`Math`, `fs.promises`, an SDK namespace), not a package's data. */
function isNamespace(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return Reflect.ownKeys(value).some((key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
    return descriptor !== undefined && ('value' in descriptor ? typeof descriptor.value === 'function' : descriptor.get !== undefined);
  });
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function tryGet(get: () => unknown, target: object): unknown {
  try {
    return Reflect.apply(get, target, []);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}
