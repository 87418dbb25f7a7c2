"""scikit-learn's side of bench/ml.ts: the same rows, split and models; prints timings as JSON.
Run by bench/ml.ts with Debian's /usr/bin/python3 (python3-sklearn)."""
import json
import resource
import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

job = json.load(open(sys.argv[1]))
MODELS = {
    "GaussianNB": lambda o: GaussianNB(),
    "k-NN (k=5)": lambda o: KNeighborsClassifier(n_neighbors=5),
    "decision tree": lambda o: DecisionTreeClassifier(random_state=0),
    "random forest": lambda o: RandomForestClassifier(n_estimators=o["trees"], random_state=0),
    "logistic regression": lambda o: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
}
results = []
for entry in job:
    frame = pd.read_csv(entry["csv"])
    X = frame.drop(columns=[entry["target"]]).to_numpy(dtype=float)
    y = frame[entry["target"]].to_numpy()
    train, test = np.array(entry["train"]), np.array(entry["test"])
    for name in entry["models"]:
        t0 = time.perf_counter()
        model = MODELS[name](entry).fit(X[train], y[train])
        fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        accuracy = float((model.predict(X[test]) == y[test]).mean())
        predict = time.perf_counter() - t0
        results.append({"dataset": entry["name"], "model": name, "fit_ms": fit * 1000, "predict_ms": predict * 1000, "accuracy": accuracy})
print(json.dumps({"results": results, "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
