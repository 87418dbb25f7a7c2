"""FastAPI + uvicorn + PyTorch: the reference for bench/serve.ts, serving the same MLP (same weights)
with the same JSON contract ({"rows": [[...]]} in, probabilities out).

Run by `npm run bench:serve` with Debian's python3 (python3-fastapi, python3-uvicorn, python3-torch);
never part of the product.
"""
import json
import os
import sys

import torch
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from torch import nn

directory, port = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(1)
layers = json.load(open(os.path.join(directory, "weights.json")))
modules = []
for i, layer in enumerate(layers):
    linear = nn.Linear(len(layer["kernel"]), len(layer["kernel"][0]))
    with torch.no_grad():
        linear.weight.copy_(torch.tensor(layer["kernel"]).T)
        linear.bias.copy_(torch.tensor(layer["bias"]))
    modules.append(linear)
    modules.append(nn.ReLU() if i < len(layers) - 1 else nn.Softmax(dim=-1))
model = nn.Sequential(*modules).eval()


class Request(BaseModel):
    rows: list[list[float]]


app = FastAPI()


@app.post("/predict")
def predict(request: Request):
    with torch.no_grad():
        probabilities = model(torch.tensor(request.rows, dtype=torch.float32))
    return {"predictions": probabilities.tolist()}


uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")
