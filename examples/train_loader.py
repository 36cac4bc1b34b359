#!/usr/bin/env python3
"""A training-loop data loader over git-opentraces dataset rows (standard library only).

    python3 examples/train_loader.py ~/.opentraces/datasets/sft --batch-size 8 --seed 7
    python3 examples/train_loader.py DIR --epochs 2 --rank 0 --world-size 4

Deterministic shuffling by row id: in epoch e with seed s, rows are ordered by
sha256("<s>:<e>:<row_id>") (hex, ascending; ties cannot happen for distinct ids). The
order depends only on the seed, the epoch and the set of row ids — not on file order,
on which machine runs it, or on rows added later (a new row slots in; the others keep
their relative order). With --world-size W, rank r takes positions r, r+W, r+2W, ...
of that order. Rows are streamed: one pass records each row's byte offset, then each
batch seeks to its rows, so memory holds offsets, not rows.

Prints one JSON line per batch: {"epoch", "batch", "rank", "row_ids", "tokens_estimate"}
where tokens_estimate is ceil(bytes of the rows' canonical JSON / 4). Use it as a module:
`for batch in batches(root, batch_size=8, seed=7): train_step(batch)`.
"""

import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rows import read_row_at, row_locations  # noqa: E402


def shuffle_key(seed, epoch, row_id):
    return hashlib.sha256(f"{seed}:{epoch}:{row_id}".encode("utf-8")).hexdigest()


def epoch_order(locations, seed, epoch, rank=0, world_size=1):
    ordered = sorted(locations, key=lambda loc: shuffle_key(seed, epoch, loc[0]))
    return ordered[rank::world_size]


def batches(root, batch_size=8, seed=0, epochs=1, rank=0, world_size=1, states=None, drop_last=False):
    """Yields (epoch, batch_index, [(row_id, row)]) ."""
    locations = row_locations(root, states)
    handles = {}
    try:
        for epoch in range(epochs):
            order = epoch_order(locations, seed, epoch, rank, world_size)
            for b, start in enumerate(range(0, len(order), batch_size)):
                chunk = order[start:start + batch_size]
                if drop_last and len(chunk) < batch_size:
                    break
                yield epoch, b, [(rid, read_row_at(path, off, handles)) for rid, path, off in chunk]
    finally:
        for f in handles.values():
            f.close()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", help="local dataset directory or published snapshot directory")
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--rank", type=int, default=0)
    ap.add_argument("--world-size", type=int, default=1)
    ap.add_argument("--states", default=None, help="comma-separated review states (local rows)")
    ap.add_argument("--drop-last", action="store_true", help="skip a last, smaller batch")
    args = ap.parse_args(argv)
    if args.batch_size < 1 or args.world_size < 1 or not 0 <= args.rank < args.world_size:
        ap.error("need --batch-size >= 1, --world-size >= 1 and 0 <= --rank < --world-size")
    states = set(args.states.split(",")) if args.states else None
    n = 0
    for epoch, b, rows in batches(args.dataset, args.batch_size, args.seed, args.epochs, args.rank,
                                  args.world_size, states, args.drop_last):
        size = sum(len(json.dumps(r, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
                   for _, r in rows)
        print(json.dumps({"epoch": epoch, "batch": b, "rank": args.rank,
                          "row_ids": [rid for rid, _ in rows], "tokens_estimate": (size + 3) // 4}))
        n += 1
    return 0 if n else 1


if __name__ == "__main__":
    sys.exit(main())
