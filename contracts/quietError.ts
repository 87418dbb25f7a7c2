// Between the SDK and the kernel that shows its errors: an error carrying this symbol says
// everything in its message (a failed check, say), so the kernel shows it without a stack trace.
export const QUIET_ERROR = Symbol.for('aielab.quietError');
