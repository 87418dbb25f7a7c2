import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findNotebooks } from '../../contracts/notebook/files';
import { parseNotebook } from '../../contracts/notebook/format';
import { CLI, ROOT } from '../helpers/paths';

describe('the lab pack in labs/', () => {
  it('runs every lab top to bottom without an error', function () {
    this.timeout(600_000);
    const out = mkdtempSync(join(tmpdir(), 'aielab-labs-'));
    try {
      const ran = spawnSync(process.execPath, [CLI, 'run', join(ROOT, 'labs'), '--out', out, '--quiet'], { encoding: 'utf8' });
      assert.equal(ran.status, 0, ran.stdout + ran.stderr);
      const labs = findNotebooks(join(ROOT, 'labs'));
      assert.ok(labs.length >= 1);
      for (const lab of labs) {
        const result = parseNotebook(readFileSync(join(out, lab.slice(join(ROOT, 'labs').length + 1)), 'utf8'));
        for (const cell of result.cells) {
          if (cell.kind !== 'code') continue;
          assert.ok(cell.executionCount, `${lab}: ${cell.id} ran`);
          assert.ok(!cell.outputs.some((o) => o.kind === 'error'), `${lab}: ${cell.id} has no error`);
        }
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
