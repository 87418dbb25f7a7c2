// GET /docs: the OpenAPI document as a page a person reads: each endpoint with its summary, and a
// ready-to-run curl command with the served model's own input names and shapes. Self-contained
// (no CDN): it works on a machine without internet.
import { EXAMPLE_VALUES, exampleZeros } from './openapi';
import type { Repository } from './repository';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function docsPage(repository: Repository, url: string, keys: boolean): string {
  const auth = keys ? " -H 'Authorization: Bearer <key>'" : '';
  const models = [...repository.values()].map((versions) => [...versions.values()].pop()!);
  const sections = models.map((m) => {
    const body = JSON.stringify({
      inputs: m.inputs.map((i) => ({
        name: i.name,
        shape: i.shape.map((d) => (d === -1 ? 1 : d)),
        datatype: i.datatype,
        data: exampleZeros(i.shape).zeros,
      })),
    });
    const row = exampleZeros(m.inputs[0]?.shape.slice(1) ?? []);
    const rows = JSON.stringify({ rows: [row.zeros] });
    const cut = m.inputs.filter((i) => exampleZeros(i.shape).size > EXAMPLE_VALUES);
    const cutNote = cut.length
      ? `<p>The examples show ${EXAMPLE_VALUES} values of ${cut.map((i) => `${escape(i.name)}'s ${exampleZeros(i.shape).size}`).join(', ')}: a request must send all of them.</p>`
      : '';
    return `<section><h2>${escape(m.name)} <small>versions ${escape([...(repository.get(m.name)?.keys() ?? [])].join(', '))}</small></h2>
<table><tr><th>input</th><th>datatype</th><th>shape</th></tr>${m.inputs.map((i) => `<tr><td>${escape(i.name)}</td><td>${i.datatype}</td><td>[${i.shape.join(', ')}]</td></tr>`).join('')}
<tr><th>output</th><th>datatype</th><th>shape</th></tr>${m.outputs.map((o) => `<tr><td>${escape(o.name)}</td><td>${o.datatype}</td><td>[${o.shape.join(', ')}]</td></tr>`).join('')}</table>
${m.labels ? `<p>Classes: ${escape(m.labels.join(', '))}</p>` : ''}${cutNote}
<h3>POST /v2/models/${escape(m.name)}/infer</h3><pre>curl${auth} -d '${escape(body)}' ${escape(url)}/v2/models/${escape(m.name)}/infer</pre>
<h3>POST /v2/models/${escape(m.name)}/predict</h3><pre>curl${auth} -d '${escape(rows)}' ${escape(url)}/v2/models/${escape(m.name)}/predict</pre>
<h3>GET /v2/models/${escape(m.name)}</h3><pre>curl ${escape(url)}/v2/models/${escape(m.name)}</pre></section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>AI Engineering Lab inference server</title>
<style>body{font:14px system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}pre{background:#f4f4f4;padding:.6em;overflow-x:auto;white-space:pre-wrap}table{border-collapse:collapse}td,th{border-bottom:1px solid #ddd;padding:.2em .8em;text-align:left}small{color:#777;font-weight:normal}</style></head>
<body><h1>Inference server</h1><p>Open Inference Protocol v2 (KServe v2, Triton) at <code>${escape(url)}</code>.${keys ? ' Inference and model endpoints need an API key.' : ''} Health: <code>GET /v2/health/ready</code>. Metrics: <a href="/metrics">/metrics</a>. The machine-readable API: <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}</body></html>`;
}
