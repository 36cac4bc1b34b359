#!/usr/bin/env python3
"""Score a trajectory-eval-v1 dataset (local rows or a published snapshot).

    python3 examples/eval_trajectories.py ~/.opentraces/datasets/evals
    python3 examples/eval_trajectories.py ./hub-snapshot --states published
    python3 examples/eval_trajectories.py DIR --per-row

Rubric, per row (from the row's deterministic `signals`):
  resolved  signals.success is true, or success is null (unknown) and the session committed
  clean     no tool reported an error (signals.tool_errors == 0)
  score     1.0 resolved and clean, 0.75 resolved after tool errors, 0.0 not resolved

Prints one JSON document: overall {rows, resolved_rate, clean_rate, mean_score, mean_steps,
mean_tool_errors} and the same per agent "name/model", rates rounded to 4 decimals.
Standard library only.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rows import iter_rows  # noqa: E402


def score_row(row):
    sig = row.get("signals") or {}
    success = sig.get("success")
    resolved = success is True or (success is None and sig.get("committed") is True)
    clean = int(sig.get("tool_errors") or 0) == 0
    score = (1.0 if clean else 0.75) if resolved else 0.0
    return {"resolved": resolved, "clean": clean, "score": score,
            "steps": int(sig.get("steps") or 0), "tool_errors": int(sig.get("tool_errors") or 0)}


class Totals:
    def __init__(self):
        self.rows = self.resolved = self.clean = self.steps = self.tool_errors = 0
        self.score = 0.0

    def add(self, s):
        self.rows += 1
        self.resolved += s["resolved"]
        self.clean += s["clean"]
        self.score += s["score"]
        self.steps += s["steps"]
        self.tool_errors += s["tool_errors"]

    def to_json(self):
        n = self.rows or 1
        return {"rows": self.rows,
                "resolved_rate": round(self.resolved / n, 4),
                "clean_rate": round(self.clean / n, 4),
                "mean_score": round(self.score / n, 4),
                "mean_steps": round(self.steps / n, 4),
                "mean_tool_errors": round(self.tool_errors / n, 4)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", help="local dataset directory or published snapshot directory")
    ap.add_argument("--states", default=None,
                    help="comma-separated review states to score (local rows), e.g. publishable,published")
    ap.add_argument("--per-row", action="store_true", help="also list each row's score")
    args = ap.parse_args(argv)
    states = set(args.states.split(",")) if args.states else None

    overall, by_agent, per_row = Totals(), {}, []
    for row_id, row in iter_rows(args.dataset, states):
        if "signals" not in row or "trajectory" not in row:
            print(f"skipping {row_id}: not a trajectory-eval-v1 row", file=sys.stderr)
            continue
        s = score_row(row)
        agent = row.get("agent") or {}
        key = f"{agent.get('name') or '?'}/{agent.get('model') or '?'}"
        overall.add(s)
        by_agent.setdefault(key, Totals()).add(s)
        if args.per_row:
            per_row.append({"row_id": row_id, "trace_id": row.get("trace_id"), "agent": key, **s})

    out = {"schema": "opentraces.example.trajectory_eval_scores.v1",
           "overall": overall.to_json(),
           "by_agent": {k: by_agent[k].to_json() for k in sorted(by_agent)}}
    if args.per_row:
        out["rows"] = sorted(per_row, key=lambda r: r["row_id"])
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0 if overall.rows else 1


if __name__ == "__main__":
    sys.exit(main())
