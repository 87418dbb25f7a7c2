import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const KERNEL_SCRIPT = join(ROOT, 'dist', 'kernel.js');
export const CLI = join(ROOT, 'dist', 'cli.js');
export const NOTEBOOKS = join(ROOT, 'test', 'fixtures', 'notebooks');
