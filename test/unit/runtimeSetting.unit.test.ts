// The kernel's executable comes from the user's settings alone: a workspace's .vscode/settings.json
// naming one is ignored (and said to be), so opening a folder cannot choose a program to run.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths';
import { chooseRuntime } from '../../src/controller/runtimeSetting';

describe('aielab.kernel.runtimePath (machine scope)', () => {
  it('takes the user setting, trimmed, and VS Code’s runtime when there is none', () => {
    assert.deepEqual(chooseRuntime({ globalValue: ' /opt/node/bin/node ' }), { path: '/opt/node/bin/node' });
    assert.deepEqual(chooseRuntime({ globalValue: '' }), { path: undefined });
    assert.deepEqual(chooseRuntime(undefined), { path: undefined });
  });

  it('never takes a workspace or folder value, and says it ignored it', () => {
    for (const inspection of [
      { workspaceValue: '/tmp/evil.sh' },
      { workspaceFolderValue: '/tmp/evil.sh' },
      { globalValue: '', workspaceValue: '/tmp/evil.sh' },
    ]) {
      const choice = chooseRuntime(inspection);
      assert.equal(choice.path, undefined, JSON.stringify(inspection));
      assert.match(
        choice.ignored ?? '',
        /ignores aielab\.kernel\.runtimePath = "\/tmp\/evil\.sh" from this workspace's settings: an executable is taken from your user settings only/,
      );
    }
    const both = chooseRuntime({ globalValue: '/usr/bin/node', workspaceValue: '/tmp/evil.sh' });
    assert.equal(both.path, '/usr/bin/node');
    assert.ok(both.ignored);
  });

  it('is declared machine-scoped, so VS Code itself does not read it from a workspace', () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, { scope?: string }> } };
    };
    assert.equal(manifest.contributes.configuration.properties['aielab.kernel.runtimePath']?.scope, 'machine');
  });
});
