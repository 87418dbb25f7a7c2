// What `aielab --help` says, and the error for a command line that cannot be run.
import { version } from '../package.json';

/** A mistake in the command line: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}

export const HELP = `aielab ${version}: AI Engineering Lab notebooks from a terminal

Usage:
  aielab run <notebook.aielab | folder>... [options]
      Runs each notebook top to bottom on the AI Lab TypeScript kernel (the same one VS Code
      uses), printing every cell's progress and output, and writes the outputs back into the
      notebook. A folder runs every .aielab file under it, each on a fresh kernel. Stops at the
      first failing cell with exit code 1.
      --out <file|folder>   write results there instead of into the notebooks: a .ipynb file
                            (Jupyter nbformat 4), an .aielab file, or a folder
      --format <aielab|ipynb>
                            the format written into an --out folder (default aielab)
      --allow-errors        run every cell even after one fails; exit 0
      --cell-timeout <s>    interrupt a cell that runs longer than <s> seconds and report it
      --quiet               print progress only, not the cells' output

  aielab convert <in> <out>
      Converts between .ipynb (Jupyter nbformat 4) and .aielab, either way, keeping sources,
      markdown, outputs, execution counts, cell ids and cell metadata.

  aielab runs list | show <run> | compare <run> <run>... [--store mlruns] [--experiment name]
      The runs notebooks tracked with track (MLflow's mlruns/ layout, which mlflow ui also
      reads): a table of runs and their latest metrics, one run's params, metrics, tags and
      artifacts, or several runs side by side. A unique prefix of a run id is enough.

  aielab doctor
      Says what this machine gives the kernel: Node.js, the cell compiler, the DataFrame
      library, and the TensorFlow.js backend nn trains on (CUDA, native, wasm or plain
      JavaScript) with the reason each faster one is not used. AIELAB_NN_BACKEND forces one.

  aielab pack validate <folder> [--strict]
      Checks a lab pack: labpack.json against its schema, unique ids, prerequisites, that every
      notebook exists, parses and its cell roles make sense, that shipped datasets exist. Labs
      marked "planned": true have no notebook yet and are listed (--strict: problems too).

  aielab pack release <folder> <out>
      Writes the student version of a pack into a new folder: solution cells removed, hints
      kept for "Show hint", exercises' starter code recorded, outputs cleared, checks kept.

  aielab pack grade <pack> <submission>... [--out grades] [--cell-timeout 60] [--no-sandbox]
      Runs each submission (a learner's copy of the pack, or .aielab notebooks in a folder named
      after the learner) with the pack's own check cells, and writes gradebook.csv,
      gradebook.json and feedback/<learner>.md. Crashes and timeouts cost points; they do not
      stop the grading. Each submission runs in a copy of the released pack, isolated with
      bubblewrap (Linux); --no-sandbox grades trusted submissions without it.

  aielab new pack <folder> [--title <title>]
      Creates a small lab pack that shows every cell role, ready to validate, run and grade.

  aielab export <model folder | models:/name@alias> <file.onnx> [--labels a,b,c]
      Writes a saved nn model (model.json, as nn.save and run.logModel write it) as ONNX, and
      checks the file in onnxruntime against the model.

  aielab inspect <file.onnx> [--diff other.onnx] [--json]
      A model's weight tensors (shape, statistics, zeros), its classifier head, and with --diff
      how far each tensor moved in another model.

  aielab serve <file.onnx | models:/name@alias | repository> [--port 8000] [--host 127.0.0.1]
        [--max-batch-size 64] [--max-queue-delay-ms 0 | --no-batching] [--api-keys keys.json] [--cors <origin>]
        [--max-body-mb 4] [--name <model>] [--drift-window 1000] [--log-requests requests.jsonl]
        [--log-max-mb 64] [--log-keep 5] [--open-metrics] [--open-docs] [--request-timeout-s 30]
        [--headers-timeout-s 10] [--keep-alive-timeout-s 72] [--max-connections 512]
        [--traffic <model>=<version>:<weight>,<version>:<weight>]
      Serves models over HTTP: the Open Inference Protocol v2 (/v2/health/ready,
      /v2/models/<name>[/versions/<v>]/infer, metadata), POST /predict for plain JSON rows,
      /metrics for Prometheus, /openapi.json. A repository is Triton's layout
      (<model>/config.pbtxt, <model>/<version>/model.onnx). Requests that queue while the
      model is busy run as one call (dynamic batching); --max-queue-delay-ms N also waits up to
      N ms for company, --no-batching runs one call per request. A model exported with a reference (onnx.export's reference option) gets
      drift metrics over its last --drift-window rows and GET /v2/models/<name>/drift.
      With --api-keys every route but /v2/health/live|ready needs a key (unknown ones too: 401);
      --open-metrics leaves /metrics open for a keyless Prometheus, --open-docs /docs and
      /openapi.json. A request must arrive within --request-timeout-s (its headers within
      --headers-timeout-s); connections past --max-connections are closed. --log-requests writes
      a 0600 file rotated past --log-max-mb (requests.1.jsonl…, --log-keep kept).
      --traffic iris=1:90,2:10 splits requests that name no version between versions (a canary
      or an A/B test; an X-Routing-Key header keeps a client on one version); /metrics counts
      each version.
      Ctrl+C finishes the requests in flight, then stops.
  aielab serve <file.onnx> --save-repository <folder> [--name n] [--version 2] [--max-queue-delay-ms N]
      Lays the file out as a model repository with its config.pbtxt, for aielab serve or Triton.

  aielab api-key add <name> --file keys.json [--rate-per-minute 600]
      Adds an API key for serve --api-keys: prints the key once, stores only its SHA-256.

  aielab monitoring <folder> --target 127.0.0.1:8000 [--interval 15s] [--credentials-file key.txt]
      Writes prometheus.yml (scraping the server), alerts.yml (error ratio, p99 latency, server
      down, batch backlog) and grafana-dashboard.json for a running aielab serve. For a server
      with --api-keys, --credentials-file names a file holding a key Prometheus sends (the key
      stays out of prometheus.yml).

  aielab drift <model.onnx> <requests.jsonl> [--model name] [--since time] [--until time] [--last N] [--json]
      Drift of the requests a server logged (--log-requests) against the model's reference, over
      a period (--since 2026-12-01 --until 2026-12-02: ISO 8601 times) or the newest N rows:
      PSI and KS or chi-square per feature, and of the predicted classes. Exit 1 when drifted
      (a feature drifts when its PSI is above 0.25 and its p-value × the features is below 0.01),
      2 when the check could not run (no such file, no reference, no rows in the period).

  aielab new pipeline <folder>
      Creates an ML pipeline project: data, features, a tracked sweep (mlruns/), the best model
      registered and packaged, an HTTP server (Open Inference Protocol), a Dockerfile, tests.
      Then: npm install && npm run train.

  aielab --version | --help

Exit codes: 0 success, 1 a cell failed or a pack has problems, 2 a bad command line or an
unreadable notebook.
Ctrl+C interrupts the running cell; a second Ctrl+C stops the run.
`;
