"""PyTorch's side of bench/train.ts: the same two models on the same float32 files, timed per epoch.

Run by `npm run bench:train` with Debian's python3 (python3-torch); never part of the product.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn

directory = sys.argv[1]
shapes = json.load(open(os.path.join(directory, "shapes.json")))
torch.manual_seed(0)


def load(name, width):
    return np.fromfile(os.path.join(directory, f"{name}.f32"), dtype=np.float32).reshape(-1, width)


class MeanEmbedding(nn.Module):
    def __init__(self, vocabulary, dim):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, dim)
        self.out = nn.Linear(dim, 2)

    def forward(self, x):
        # Keras' GlobalAveragePooling1D without a mask: padding counts in the mean, as in bench/train.ts.
        return self.out(self.embedding(x).mean(dim=1))


y = torch.tensor(load("y_train", 1)[:, 0], dtype=torch.long)
y_test = load("y_test", 1)[:, 0]
results = []
for workload in shapes["workloads"]:
    if workload["inputs"] == "bow":
        x, x_test = torch.tensor(load("bow_train", shapes["features"])), torch.tensor(load("bow_test", shapes["features"]))
        model = nn.Sequential(nn.Linear(shapes["features"], 64), nn.ReLU(), nn.Linear(64, 2))
    else:
        x, x_test = torch.tensor(load("seq_train", shapes["length"]), dtype=torch.long), torch.tensor(load("seq_test", shapes["length"]), dtype=torch.long)
        model = MeanEmbedding(shapes["vocabulary"], 16)
    optimizer = torch.optim.Adam(model.parameters(), lr=workload["lr"])
    loss_fn = nn.CrossEntropyLoss()
    started = time.perf_counter()
    for epoch in range(shapes["epochs"]):
        order = torch.randperm(len(x))
        for start in range(0, len(x), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - started
    with torch.no_grad():
        predicted = model(x_test).argmax(dim=1).numpy()
    results.append({"workload": workload["name"], "epochSeconds": seconds / shapes["epochs"], "accuracy": float((predicted == y_test).mean())})
a = torch.randn(512, 512)
a @ a
started = time.perf_counter()
for _ in range(10):
    a @ a
matmul_ms = (time.perf_counter() - started) / 10 * 1000
json.dump({"version": torch.__version__, "threads": torch.get_num_threads(), "results": results, "matmulMs": matmul_ms}, sys.stdout)
