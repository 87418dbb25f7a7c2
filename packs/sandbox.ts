// Where a learner's notebook runs when it is graded. Two walls, both always up on Linux:
// - bubblewrap (the sandbox Flatpak uses): the kernel sees a file system holding only the system's
//   libraries, Node, the product (read-only) and the learner's own released copy of the pack
//   (read-write), in its own user, process and network namespaces: the instructor's pack, the
//   solutions, other submissions and the grader's processes do not exist for it, nothing it
//   starts outlives it (its process namespace dies with it), and its environment is scrubbed;
// - Node's permission model in the kernel: no inspector (which could read the verdicts' secret
//   out of the kernel's memory, and which SIGUSR1 no longer opens), writes only to its own copy.
// Cells may start processes (promtool, git) inside the sandbox. None of them can read the
// kernel's memory: the kernel runs from an execute-only copy of Node, which makes Linux mark it
// non-dumpable, so ptrace and /proc/<pid>/mem refuse even a process of the same user.
// Without bubblewrap, grading refuses unless `--no-sandbox` says the submissions are trusted;
// then only the permission model (which then refuses child processes too, as they would escape
// it) and the released copy stand between them and the machine.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Sandbox {
  /** The command and arguments that run the rest of a command line confined; empty without bubblewrap. */
  command: string[];
  /** The Node the kernel runs on: the execute-only copy inside bubblewrap. */
  runtime: string;
  /** Node flags that turn on the permission model for this workspace. */
  nodeFlags: string[];
  env: NodeJS.ProcessEnv;
}

export interface SandboxPaths {
  /** The learner's copy of the released pack: the only place the kernel may write. */
  workspace: string;
  /** The product's folder (dist/ and node_modules/), read-only. */
  product: string;
  /** The pack's own installed packages, read-only, seen at workspace/node_modules. */
  packModules?: string;
  /** With bubblewrap: the execute-only copy of Node (executeOnlyNode). */
  node?: string;
}

/** A copy of this Node in `dir` that can be run but not read: what makes the kernel non-dumpable. */
export function executeOnlyNode(dir: string): string {
  const copy = join(dir, 'node');
  copyFileSync(process.execPath, copy);
  chmodSync(copy, 0o111);
  return copy;
}

/** What the system libraries and Node need to be found and to resolve `localhost`. */
const SYSTEM_PATHS = ['/usr', '/lib', '/lib64', '/lib32', '/bin', '/sbin', '/etc/alternatives', '/etc/ld.so.cache'];
const SYSTEM_FILES = [
  '/etc/passwd',
  '/etc/group',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/localtime',
];
const NOBODY = '65534';

export class SandboxUnavailable extends Error {
  constructor(why: string) {
    super(
      `Grading runs learners' code, so each submission runs isolated with bubblewrap, and ${why}. ` +
        'Install it (Debian and Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap), ' +
        'or pass --no-sandbox to grade submissions you trust without it.',
    );
    this.name = 'SandboxUnavailable';
  }
}

let probed: string | undefined;

/** Checks once that bubblewrap exists and can make namespaces here; throws SandboxUnavailable if not. */
export function requireBubblewrap(): void {
  if (probed === 'ok') return;
  if (process.platform !== 'linux') throw new SandboxUnavailable(`bubblewrap runs on Linux only, not on ${process.platform}`);
  const probe = spawnSync('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/', '/', 'true'], { encoding: 'utf8' });
  if (probe.error) throw new SandboxUnavailable('bwrap is not installed');
  if (probe.status !== 0)
    throw new SandboxUnavailable(`bwrap cannot create namespaces on this machine (${probe.stderr.trim() || `exit ${probe.status}`})`);
  probed = 'ok';
}

/** Folders of the workspace the kernel uses as its home and its temporary folder. */
export const WORKSPACE_HOME = '.home';
export const WORKSPACE_TMP = '.tmp';

export function sandboxFor(paths: SandboxPaths, options: { bubblewrap: boolean }): Sandbox {
  // bubblewrap gives the kernel a /tmp of its own; without it, the real /tmp is everyone's.
  const tmp = options.bubblewrap ? '/tmp' : join(paths.workspace, WORKSPACE_TMP);
  const env: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', HOME: join(paths.workspace, WORKSPACE_HOME), TMPDIR: tmp, LANG: 'C.UTF-8' };
  const nodeFlags = [
    // Node 20 calls it experimental; 22.13 and later name it --permission.
    process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission',
    '--allow-fs-read=*',
    `--allow-fs-write=${paths.workspace}`,
    ...(options.bubblewrap ? ['--allow-fs-write=/tmp'] : []),
    // The kernel's protocol thread is a worker, and the SDK loads native packages (polars, ONNX Runtime).
    '--allow-worker',
    '--allow-addons',
    ...(options.bubblewrap ? ['--allow-child-process'] : []),
    '--no-warnings',
  ];
  if (!options.bubblewrap) return { command: [], runtime: process.execPath, nodeFlags, env };
  if (!paths.node) throw new Error('a sandboxed kernel runs on an execute-only copy of Node: make it with executeOnlyNode()');
  return { command: ['bwrap', ...bubblewrapArgs(paths, paths.node)], runtime: paths.node, nodeFlags, env };
}

function bubblewrapArgs(paths: SandboxPaths, node: string): string[] {
  const args = ['--unshare-all', '--die-with-parent', '--new-session', '--uid', NOBODY, '--gid', NOBODY, '--cap-drop', 'ALL'];
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp');
  for (const path of [...SYSTEM_PATHS, ...SYSTEM_FILES]) args.push('--ro-bind-try', path, path);
  // Node's own folder, for a Node installed outside the system's (nvm, a tarball): its libraries.
  const nodeHome = dirname(dirname(realpathSync(process.execPath)));
  if (!SYSTEM_PATHS.some((p) => nodeHome === p || nodeHome.startsWith(`${p}/`))) args.push('--ro-bind', nodeHome, nodeHome);
  args.push('--ro-bind', node, node);
  // templates/: what `project.create` copies (the pipeline project).
  for (const part of ['dist', 'node_modules', 'templates', 'package.json']) {
    const path = join(paths.product, part);
    if (existsSync(path)) args.push('--ro-bind', realpathSync(path), path);
  }
  args.push('--bind', paths.workspace, paths.workspace);
  if (paths.packModules) args.push('--ro-bind', realpathSync(paths.packModules), join(paths.workspace, 'node_modules'));
  return [...args, '--'];
}
