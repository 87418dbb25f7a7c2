// What `aielab new` refuses to do (write into a folder that is not empty, build from an incomplete
// installation), said so the person knows which folder to choose or what to reinstall.
export class ScaffoldError extends Error {}
