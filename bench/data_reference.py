"""pandas' side of bench/data.ts: the same steps on the same files, timed, as JSON on stdout.

Run by `npm run bench:data` with Debian's python3 (python3-pandas); never part of the product.
"""
import json
import resource
import sys
import time

import pandas as pd

STEPS = ["read", "describe", "groupby mean", "value counts", "merge", "sort", "fillna + dropna"]


def run(read, key, value):
    times = {}

    def step(name, fn):
        t0 = time.perf_counter()
        result = fn()
        times[name] = time.perf_counter() - t0
        return result

    df = step("read", read)
    described = step("describe", lambda: df.describe())
    step("groupby mean", lambda: df.groupby(key).mean(numeric_only=True))
    step("value counts", lambda: df[key].value_counts())
    lookup = df.groupby(key, as_index=False).agg({value: "max"})
    step("merge", lambda: df.merge(lookup, on=key, how="left"))
    step("sort", lambda: df.sort_values(value, ascending=False))
    step("fillna + dropna", lambda: df.fillna({value: df[value].median()}).dropna())
    times["check"] = float(described[value]["mean"])
    return times


csv, penguins = sys.argv[1], sys.argv[2]
big = run(lambda: pd.read_csv(csv), "group", "x")
small = run(lambda: pd.DataFrame(json.load(open(penguins))), "Species", "Body Mass (g)")
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
big["rss_mb"] = small["rss_mb"] = rss
json.dump({"big": big, "penguins": small}, sys.stdout)
