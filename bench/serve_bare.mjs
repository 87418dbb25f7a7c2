// The ceiling for bench/serve.ts: a bare node:http loop around onnxruntime-node, no validation,
// no metrics, no framework. What a server costs is the distance from this.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const [file, port] = process.argv.slice(2);
const session = await ort.InferenceSession.create(readFileSync(file));
createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    const rows = JSON.parse(body).rows;
    const width = rows[0].length;
    const output = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]) });
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ predictions: Array.from(output.output.data) }));
  });
}).listen(Number(port), '127.0.0.1', () => console.log('ready'));
