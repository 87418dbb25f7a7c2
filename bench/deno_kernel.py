"""Deno's Jupyter kernel timed the way a notebook front end sees it, with Debian's jupyter_client.

Usage: deno_kernel.py DENO STARTS TRIPS  -> prints JSON {start_ms, trip_ms, trip_p95_ms}.
start_ms: kernel launch until the result of `1 + 1` arrives (median of STARTS launches).
trip_ms: execute request until the reply for `1 + 1` (median of TRIPS, one kernel).
"""
import json
import os
import statistics
import sys
import tempfile
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

SPECS = tempfile.mkdtemp()


def launch(deno):
    """Starts Deno's kernel from a kernelspec of our own, as `deno jupyter --install` would write."""
    spec_dir = os.path.join(SPECS, "kernels", "deno-bench")
    os.makedirs(spec_dir, exist_ok=True)
    with open(os.path.join(spec_dir, "kernel.json"), "w") as spec:
        json.dump({"argv": [deno, "jupyter", "--kernel", "--conn", "{connection_file}"], "display_name": "Deno", "language": "typescript"}, spec)
    specs = KernelSpecManager(kernel_dirs=[os.path.join(SPECS, "kernels")])
    manager = KernelManager(kernel_name="deno-bench", kernel_spec_manager=specs)
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    return manager, client


def run(client, code):
    """Sends code and waits for its execute_result (or the idle status) on iopub."""
    msg_id = client.execute(code, store_history=False)
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "execute_result":
            return
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return


def main():
    deno, starts, trips = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    start_times = []
    for _ in range(starts):
        t0 = time.perf_counter()
        manager, client = launch(deno)
        client.wait_for_ready(timeout=60)
        run(client, "1 + 1")
        start_times.append((time.perf_counter() - t0) * 1000)
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    manager, client = launch(deno)
    client.wait_for_ready(timeout=60)
    for _ in range(20):
        run(client, "1 + 1")
    trip_times = []
    for _ in range(trips):
        t0 = time.perf_counter()
        client.execute_interactive("1 + 1", store_history=False, output_hook=lambda msg: None, timeout=60)
        trip_times.append((time.perf_counter() - t0) * 1000)
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    trip_times.sort()
    print(json.dumps({
        "start_ms": statistics.median(start_times),
        "trip_ms": statistics.median(trip_times),
        "trip_p95_ms": trip_times[int(len(trip_times) * 0.95)],
    }))


if __name__ == "__main__":
    main()
