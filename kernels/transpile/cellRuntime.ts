// Names of the globals that rewritten cell code calls into. The rewrite (protocol thread) emits
// them and the executor (main thread) defines them, so both sides read them from here.
export const CELL_RUNTIME = {
  /** Int32Array over shared memory: slot 0 is non-zero while an interrupt is pending. */
  flags: '__aielab$flags',
  /** Throws the interrupt into the running cell; called when `flags[0]` is set. */
  interrupted: '__aielab$interrupted',
  /** Wraps every `await`: a continuation of an interrupted cell throws instead of running on. */
  resumed: '__aielab$resumed',
  /** `import(specifier, options)` resolved against the notebook's folder. */
  importModule: '__aielab$import',
  /** Picks named exports off a module namespace, failing clearly on a missing one. */
  named: '__aielab$named',
  /** Stands in for `import.meta` (`url`, `dirname`, `filename`, `resolve`). */
  importMeta: '__aielab$meta',
} as const;

/**
 * The statement a loop body starts with, so an interrupt can stop a synchronous loop. A plain
 * read (about 4 ns an iteration; Atomics.load costs twice that): the call to an unknown function
 * in the same loop keeps the optimising compiler from hoisting the read out of the loop.
 */
export const INTERRUPT_CHECK = `${CELL_RUNTIME.flags}[0] !== 0 && ${CELL_RUNTIME.interrupted}();`;

/** What a `for await` body also starts with: its iterations resume like `await` does. */
export const RESUME_CHECK = `${CELL_RUNTIME.resumed}();`;
