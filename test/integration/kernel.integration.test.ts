import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { KernelDiedError } from '../../kernels/client/kernelExit';
import type { KernelProcess, LateOutput } from '../../kernels/client/kernelProcess';
import { Execute, Initialize, Interrupt, OutputNotification, PROTOCOL_VERSION, type OutputParams } from '../../contracts/protocol';
import { nextLabel, run, startKernel } from '../helpers/kernel';
import { KERNEL_SCRIPT, NOTEBOOKS } from '../helpers/paths';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('kernel over JSON-RPC', function () {
  let kernel: KernelProcess;
  beforeEach(async () => {
    kernel = await startKernel();
  });
  afterEach(async () => {
    await kernel.shutdown();
  });

  describe('state', () => {
    it('keeps top-level const, let, function, class and enum across cells', async () => {
      await run(
        kernel,
        'const a: number = 2;\nlet b = 3;\nfunction mul(x: number, y: number) { return x * y; }\nclass Box { constructor(public v: number) {} }\nenum Level { Low, High }',
      );
      assert.equal((await run(kernel, 'new Box(mul(a, b)).v + Level.High')).result, '7');
    });

    it('lets a later cell declare a name again, and a cell run again', async () => {
      await run(kernel, 'const total = 1;');
      await run(kernel, 'const total = "two";');
      assert.equal((await run(kernel, 'total')).result, "'two'");
      const cell = 'let n = (globalThis as any).n ?? 0;\nn + 1';
      await run(kernel, cell);
      assert.equal((await run(kernel, cell)).result, '1', 'a re-run starts from the cell, not from an error');
    });

    it('shows the last expression like the Node REPL, and nothing for undefined', async () => {
      assert.equal((await run(kernel, "({ name: 'iris', rows: [1, 2, 3] })")).result, "{ name: 'iris', rows: [ 1, 2, 3 ] }");
      assert.equal((await run(kernel, "'text'")).result, "'text'");
      const quiet = await run(kernel, 'undefined');
      assert.equal(quiet.outputs.length, 0);
      assert.equal((await run(kernel, 'setTimeout(() => {}, 1)')).outputs.length, 0, 'a timer handle is not a result');
      assert.equal((await run(kernel, 'const x = 5;')).outputs.length, 0);
    });

    it('awaits at top level', async () => {
      const cell = await run(kernel, 'const v = await new Promise<number>((r) => setTimeout(() => r(41), 20));\nv + 1');
      assert.equal(cell.status, 'ok');
      assert.equal(cell.result, '42');
    });
  });

  describe('streams', () => {
    it('keeps stdout, stderr and the result in the order they happened', async () => {
      const cell = await run(
        kernel,
        "console.log('a');\nconsole.error('b');\nprocess.stdout.write('c\\n');\nawait null;\nconsole.warn('d');\n'e'",
      );
      const order = cell.outputs.map((o) => (o.kind === 'stream' ? `${o.name}:${o.text}` : o.kind));
      assert.deepEqual(order, ['stdout:a\n', 'stderr:b\n', 'stdout:c\n', 'stderr:d\n', 'result']);
    });

    it('streams output while the cell is still running', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'aielab-'));
      const go = join(dir, 'go');
      try {
        // The cell waits for a file that the test writes only after it has seen the first line.
        const cell = run(
          kernel,
          `console.log('waiting');\nconst fs = await import('node:fs');\nwhile (!fs.existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 10));\nconsole.log('done');`,
          (o) => {
            if (o.kind === 'stream' && o.text.includes('waiting')) writeFileSync(go, '');
          },
        );
        assert.equal((await cell).text, 'waiting\ndone\n');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it('sends output of a finished cell (its timers) as late output for that cell', async () => {
      const late = new Promise<LateOutput>((resolve) => kernel.onLateOutput(resolve));
      const label = nextLabel();
      await run(kernel, "setTimeout(() => console.log('later'), 30);");
      const output = await late;
      assert.equal(output.cellId, label);
      assert.deepEqual(output.output, { kind: 'stream', name: 'stdout', text: 'later\n' });
    });
  });

  describe('errors', () => {
    it("points frames at the cell's own lines and columns, without kernel frames", async () => {
      const defining = nextLabel();
      await run(
        kernel,
        "type P = { x: number };\n\nfunction check(p: P): number {\n  if (p.x < 0) throw new RangeError('negative');\n  return p.x;\n}",
      );
      const calling = nextLabel();
      const cell = await run(kernel, 'const points: P[] = [{ x: 1 }];\ncheck({ x: -1 });');
      assert.equal(cell.status, 'error');
      assert.equal(cell.error?.name, 'RangeError');
      assert.equal(cell.error?.message, 'negative');
      const lines = cell.error?.stack.split('\n') ?? [];
      assert.equal(lines[0], 'RangeError: negative');
      assert.equal(lines[1], `    at check (${defining}:4:22)`);
      assert.equal(lines[2], `    at ${calling}:2:1`);
      assert.doesNotMatch(cell.error?.stack ?? '', /kernel(-protocol)?\.js|node:internal|aielab-cell/);
      assert.match(
        cell.error?.stack ?? '',
        new RegExp(`${defining}, line 4:\\n.*\\n.*\\n> 4 \\|   if \\(p\\.x < 0\\) throw new RangeError`),
      );
    });

    it('reports a syntax error at its line and column without running anything', async () => {
      await run(kernel, 'let before = 1;');
      const label = nextLabel();
      const cell = await run(kernel, 'before = 2;\nconst = 3;');
      assert.equal(cell.status, 'error');
      assert.equal(cell.error?.name, 'SyntaxError');
      assert.match(cell.error?.stack ?? '', new RegExp(`at ${label}:2:7`));
      assert.equal((await run(kernel, 'before')).result, '1');
    });

    it('survives a thrown non-error and an error thrown later by a timer', async () => {
      const thrown = await run(kernel, "throw 'plain string';");
      assert.equal(thrown.error?.name, 'Uncaught');
      assert.equal(thrown.error?.message, "'plain string'");
      const late = new Promise<LateOutput>((resolve) => kernel.onLateOutput(resolve));
      await run(kernel, "setTimeout(() => { throw new Error('from a timer'); }, 10);");
      const error = (await late).output;
      assert.equal(error.kind === 'error' && error.stack.split('\n')[0], 'Uncaught Error: from a timer');
      assert.equal((await run(kernel, '1 + 1')).result, '2', 'the kernel is still alive');
    });

    it('fails the running cell on an unhandled rejection', async () => {
      const cell = await run(kernel, "Promise.reject(new Error('nobody caught me'));\nawait new Promise((r) => setTimeout(r, 20));");
      assert.equal(cell.status, 'error');
      assert.match(cell.error?.stack ?? '', /Uncaught Error: nobody caught me/);
    });
  });

  describe('modules', () => {
    it('imports Node built-ins, CommonJS and ESM-only packages from the notebook folder', async () => {
      const cell = await run(
        kernel,
        "import { basename } from 'node:path';\nimport greet, { shout, moduleUrl } from 'esm-only';\nconst counter = require('cjs-counter');\n[basename('/a/b.txt'), greet('x'), shout('y'), counter.next(), moduleUrl.endsWith('/esm-only/lib/index.js')]",
      );
      assert.equal(cell.result, "[ 'b.txt', 'hello, x', 'Y!', 1, true ]");
    });

    it('loads ESM-only packages with await import(), relative files, and import.meta', async () => {
      const cell = await run(
        kernel,
        "const esm = await import('esm-only');\nconst { double } = await import('./helper.mjs');\n[esm.shout('a'), double(4), import.meta.dirname === process.cwd(), __dirname === process.cwd()]",
      );
      assert.equal(cell.result, "[ 'A!', 8, true, true ]");
      assert.equal((await run(kernel, 'process.cwd()')).result, `'${NOTEBOOKS}'`);
    });

    it('says how to install a missing package', async () => {
      const cell = await run(kernel, "import thing from 'not-installed-anywhere';");
      assert.equal(cell.status, 'error');
      assert.match(
        cell.error?.message ?? '',
        /Cannot find package 'not-installed-anywhere' from .*notebooks\. Install it next to the notebook \(npm install not-installed-anywhere\)/,
      );
    });

    it('says which export is missing', async () => {
      const cell = await run(kernel, "import { nope } from 'esm-only';");
      assert.match(cell.error?.stack ?? '', /^SyntaxError: The module 'esm-only' does not provide an export named 'nope'\./);
    });
  });

  describe('interrupt', () => {
    async function interruptDuring(code: string): Promise<Awaited<ReturnType<typeof run>>> {
      const cell = run(kernel, code);
      await sleep(300);
      assert.equal(await kernel.interrupt(), true);
      return cell;
    }

    it('stops a synchronous while (true) {} and keeps the state', async () => {
      await run(kernel, 'let progress = 0;');
      const label = nextLabel();
      const cell = await interruptDuring('while (true) {\n  progress++;\n}');
      assert.equal(cell.status, 'interrupted');
      assert.equal(cell.error?.name, 'Interrupted');
      assert.match(cell.error?.stack ?? '', new RegExp(`at ${label}:1:14`));
      assert.equal((await run(kernel, 'progress > 0')).result, 'true');
    });

    it('stops a loop after an await, in a function from another cell, and in a timer', async () => {
      await run(kernel, 'function spin() { for (;;) {} }');
      assert.equal((await interruptDuring('await null;\nwhile (true) {}')).status, 'interrupted');
      assert.equal((await interruptDuring('spin();')).status, 'interrupted');
      assert.equal(
        (await interruptDuring('setTimeout(() => { while (true) {} }, 10);\nawait new Promise(() => {});')).status,
        'interrupted',
      );
      assert.equal((await run(kernel, "'alive'")).result, "'alive'");
    });

    it('stops a cell that is waiting, and its timers and pending awaits stay stopped', async () => {
      const lates: LateOutput[] = [];
      kernel.onLateOutput((late) => lates.push(late));
      const cell = await interruptDuring(
        "setInterval(() => console.log('tick'), 20);\nfor (let i = 0; ; i++) {\n  await new Promise((r) => setTimeout(r, 50));\n  console.log('step', i);\n}",
      );
      assert.equal(cell.status, 'interrupted');
      await sleep(200);
      assert.deepEqual(lates, [], 'nothing of the interrupted cell runs on');
    });

    // POSIX only: there is no SIGINT to break a package's loop on Windows.
    it('breaks a busy loop inside a package the cell called', async () => {
      await run(kernel, "const counter = require('cjs-counter');");
      const cell = await interruptDuring('counter.spin();');
      assert.equal(cell.status, 'interrupted');
      assert.equal((await run(kernel, 'counter.next() > 1')).result, 'true');
    });

    it('stops a model training at its next batch, which then finishes cleanly and keeps its weights', async function () {
      this.timeout(60_000);
      const lates: LateOutput[] = [];
      kernel.onLateOutput((late) => lates.push(late));
      await run(
        kernel,
        "import { nn } from 'aielab';\nconst x = Array.from({ length: 256 }, (_, i) => [Math.sin(i), Math.cos(i)]);\nnn.seed(0);\nconst model = nn.sequential([nn.layers.dense({ units: 8, activation: 'relu', inputShape: [2] }), nn.layers.dense({ units: 2, activation: 'softmax' })]);\nmodel.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });\nconst before = nn.predict(model, [[0.5, 0.5]])[0][0];",
      );
      const cell = run(kernel, 'await nn.fit(model, x, x.map(([a]) => (a > 0 ? 1 : 0)), { epochs: 5000, batchSize: 8 });');
      await sleep(1500);
      assert.equal(await kernel.interrupt(), true);
      assert.equal((await cell).status, 'interrupted');
      await sleep(500);
      const stopped = lates.filter((l) => l.output.kind === 'update' && String(l.output.data['text/plain']).includes('stopped'));
      assert.equal(stopped.length, 1, 'the training chart says it stopped, in its cell');
      const after = await run(
        kernel,
        'const after = nn.predict(model, [[0.5, 0.5]])[0][0];\n[after !== before, Math.random() !== Math.random(), nn.memory().tensors]',
      );
      assert.match(after.result ?? '', /^\[ true, true, \d+ \]$/, 'the weights moved, Math.random is itself again');
    });

    it("leaves servers running when a cell is interrupted: one an earlier cell started, and the SDK's own", async function () {
      this.timeout(60_000);
      const within = (promise: string) =>
        `await Promise.race([${promise}, new Promise((r) => setTimeout(() => r('never answered'), 5000))])`;
      // A plain node:http server from an earlier cell answers after a timer its handler sets while
      // the interrupted cell runs: that timer is the server's, not the cell's.
      await run(
        kernel,
        "import { createServer } from 'node:http';\nconst slow = createServer((_, res) => setTimeout(() => res.end('late'), 800)).listen(0, '127.0.0.1');\nawait new Promise((r) => slow.once('listening', r));\nconst slowUrl = `http://127.0.0.1:${slow.address().port}`;",
      );
      assert.equal(
        (await interruptDuring('const late = fetch(slowUrl).then((r) => r.text());\nawait new Promise(() => {});')).status,
        'interrupted',
      );
      assert.equal((await run(kernel, within('late'))).result, "'late'");
      // serve.start's server, asked in the very cell that started it: its batch waits in a timer.
      let asked!: () => void;
      const askedOnce = new Promise<void>((resolve) => (asked = resolve));
      const startedCell = run(
        kernel,
        "import { nn, onnx, serve } from 'aielab';\nimport { mkdtempSync } from 'node:fs';\nimport { tmpdir } from 'node:os';\nconst served = `${mkdtempSync(`${tmpdir()}/aielab-kernel-serve-`)}/m.onnx`;\nawait onnx.export(nn.sequential([nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [2] })]), served, { labels: ['a', 'b'] });\nconst server = await serve.start(served, { maxQueueDelayMs: 3000 });\nconst pending = server.predict([[0.1, 0.2]]);\nconsole.log('asked');\nawait new Promise(() => {});",
        (o) => o.kind === 'stream' && o.text.includes('asked') && asked(),
      );
      await askedOnce;
      await sleep(100);
      assert.equal(await kernel.interrupt(), true);
      assert.equal((await startedCell).status, 'interrupted');
      assert.match((await run(kernel, within('pending.then(([p]) => p.label)'))).result ?? '', /^'[ab]'$/);
      assert.equal(
        (await run(kernel, 'await server.close();\nslow.close();\n(await fetch(server.url).catch(() => null)) === null')).result,
        'true',
      );
    });

    it('answers false when nothing runs', async () => {
      assert.equal(await kernel.interrupt(), false);
    });
  });

  describe('life and death', () => {
    it('starts over with empty state on restart', async () => {
      await run(kernel, 'const kept = 1;');
      const first = kernel.info.pid;
      await kernel.shutdown();
      kernel = await startKernel();
      assert.notEqual(kernel.info.pid, first);
      assert.equal((await run(kernel, 'typeof kept')).result, "'undefined'");
    });

    it('reports process.exit with its code, after the output printed before it', async () => {
      const outputs: string[] = [];
      const label = nextLabel();
      await assert.rejects(
        run(kernel, "console.log('last words');\nprocess.exit(3);", (o) => outputs.push(o.kind === 'stream' ? o.text : o.kind)),
        (err: unknown) => {
          assert.ok(err instanceof KernelDiedError);
          assert.equal(err.exit.code, 3);
          assert.equal(err.message, `The kernel exited with code 3. It happened while running ${label}.`);
          return true;
        },
      );
      assert.deepEqual(outputs, ['last words\n', `process.exit(3) was called at ${label}:2:9\n`]);
      assert.equal(kernel.state, 'dead');
      await assert.rejects(run(kernel, '1'), KernelDiedError);
    });

    it('reports running out of memory as such', async function () {
      this.timeout(60_000);
      await kernel.shutdown();
      kernel = await startKernel({ runtimeArgs: ['--max-old-space-size=48'] });
      await assert.rejects(
        run(kernel, 'const hoard: number[][] = [];\nwhile (true) hoard.push(new Array(100_000).fill(1));'),
        (err: unknown) => {
          assert.ok(err instanceof KernelDiedError);
          assert.match(err.message, /ran out of memory \(the JavaScript heap limit was reached\)/);
          return true;
        },
      );
    });

    it('ends when its client goes away, even in the middle of a busy loop', async () => {
      const child = spawn(process.execPath, [KERNEL_SCRIPT, join(NOTEBOOKS, 'scratch.aielab')], {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      });
      const rpc = child.stdio[3] as Socket;
      const connection = createMessageConnection(new StreamMessageReader(rpc), new StreamMessageWriter(rpc));
      connection.listen();
      await connection.sendRequest(Initialize, { protocolVersion: PROTOCOL_VERSION, clientName: 'raw' });
      void connection
        .sendRequest(Execute, { executionId: 1, cellId: 'c', label: 'Cell 1', code: 'while (true) {}' })
        .catch(() => undefined);
      await sleep(200);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      connection.dispose();
      rpc.destroy();
      await exited;
    });
  });

  describe('protocol', () => {
    it('speaks typed JSON-RPC on fd 3 and refuses a client of another protocol version', async () => {
      const child = spawn(process.execPath, [KERNEL_SCRIPT, join(NOTEBOOKS, 'scratch.aielab')], {
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      });
      const rpc = child.stdio[3] as Socket;
      const connection = createMessageConnection(new StreamMessageReader(rpc), new StreamMessageWriter(rpc));
      const outputs: OutputParams[] = [];
      connection.onNotification(OutputNotification, (p) => {
        outputs.push(p);
      });
      connection.listen();
      try {
        await assert.rejects(
          connection.sendRequest(Initialize, { protocolVersion: PROTOCOL_VERSION + 1, clientName: 'future client' }),
          /future client speaks kernel protocol 2 but this kernel speaks 1/,
        );
        const info = await connection.sendRequest(Initialize, { protocolVersion: PROTOCOL_VERSION, clientName: 'raw' });
        assert.equal(info.protocolVersion, PROTOCOL_VERSION);
        assert.equal(info.notebookPath, join(NOTEBOOKS, 'scratch.aielab'));
        const result = await connection.sendRequest(Execute, {
          executionId: 9,
          cellId: 'raw-cell',
          label: 'Cell 1',
          code: "console.log('hi'); 2 * 21",
        });
        assert.equal(result.status, 'ok');
        assert.deepEqual(
          outputs.map((p) => [p.executionId, p.cellId, p.output.kind]),
          [
            [9, 'raw-cell', 'stream'],
            [9, 'raw-cell', 'result'],
          ],
        );
        assert.equal(await connection.sendRequest(Interrupt), false);
        assert.ok(!existsSync(join(NOTEBOOKS, 'scratch.aielab')), 'the kernel never writes the notebook');
      } finally {
        connection.dispose();
        child.kill();
      }
    });
  });
});
