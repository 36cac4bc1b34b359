"""Reading git-opentraces dataset rows with the Python standard library only.

Two layouts are understood (see docs/clients.md):

* a local dataset directory, $OPENTRACES_HOME/datasets/<name>/ as `dataset run` writes it:
  data/train.jsonl (one row per line) and .opentraces/row_index.jsonl (one index entry
  per line, same order) giving each row its `row_id`; .opentraces/publication_state.json
  holds each row's review state (needs_review, publishable, published, rejected, blocked);
* a published snapshot, the files of the Hub dataset repo `dataset publish` writes:
  data/rows_<UTC>_<hex>.jsonl shards listed in opentraces/publication.json. Published rows
  carry no row id: the id used here is "sha256:" + the hex SHA-256 of the line's bytes
  (rows are stored as canonical JSON, so every copy of a row has the same id).

Rows are streamed line by line; nothing but the small index is held in memory.
"""

import hashlib
import json
import os


def _lines(path):
    with open(path, "rb") as f:
        for raw in f:
            raw = raw.rstrip(b"\n")
            if raw:
                yield raw


def is_local_dataset(root):
    return os.path.isfile(os.path.join(root, "data", "train.jsonl")) and os.path.isdir(
        os.path.join(root, ".opentraces"))


def _local_index(root):
    """[(row_id, state)] in data order."""
    index = [json.loads(l)["row_id"] for l in _lines(os.path.join(root, ".opentraces", "row_index.jsonl"))]
    state_path = os.path.join(root, ".opentraces", "publication_state.json")
    states = {}
    if os.path.isfile(state_path):
        with open(state_path, encoding="utf-8") as f:
            states = {k: v.get("status") for k, v in json.load(f).get("rows", {}).items()}
    return [(rid, states.get(rid, "needs_review")) for rid in index]


def _published_shards(root):
    contract = os.path.join(root, "opentraces", "publication.json")
    if os.path.isfile(contract):
        with open(contract, encoding="utf-8") as f:
            return [os.path.join(root, s["path"]) for s in json.load(f).get("shards", [])]
    data = os.path.join(root, "data")
    return sorted(os.path.join(data, n) for n in os.listdir(data) if n.endswith(".jsonl"))


def iter_rows(root, states=None):
    """Yields (row_id, row) in storage order. `states` (a set) keeps only rows in those
    review states; published snapshots only hold published rows."""
    if is_local_dataset(root):
        index = _local_index(root)
        for (rid, state), raw in zip(index, _lines(os.path.join(root, "data", "train.jsonl"))):
            if states is None or state in states:
                yield rid, json.loads(raw)
        return
    if states is not None and "published" not in states:
        return
    for shard in _published_shards(root):
        for raw in _lines(shard):
            yield "sha256:" + hashlib.sha256(raw).hexdigest(), json.loads(raw)


def iter_row_ids(root, states=None):
    """Row ids only: reads the index for a local dataset, the shards for a snapshot."""
    if is_local_dataset(root):
        for rid, state in _local_index(root):
            if states is None or state in states:
                yield rid
        return
    for rid, _ in iter_rows(root, states):
        yield rid


def _offsets(path):
    """(offset, raw line) of every non-empty line."""
    with open(path, "rb") as f:
        pos = 0
        for raw in f:
            line = raw.rstrip(b"\n")
            if line:
                yield pos, line
            pos += len(raw)


def row_locations(root, states=None):
    """[(row_id, path, byte offset)] of every row in storage order: one streaming pass
    that keeps only offsets, so rows can later be read in any order with a seek."""
    out = []
    if is_local_dataset(root):
        data = os.path.join(root, "data", "train.jsonl")
        for (rid, state), (off, _) in zip(_local_index(root), _offsets(data)):
            if states is None or state in states:
                out.append((rid, data, off))
        return out
    if states is not None and "published" not in states:
        return out
    for shard in _published_shards(root):
        for off, raw in _offsets(shard):
            out.append(("sha256:" + hashlib.sha256(raw).hexdigest(), shard, off))
    return out


def read_row_at(path, offset, handles):
    """The row at `offset` of `path`; `handles` caches open files across calls."""
    f = handles.get(path)
    if f is None:
        f = handles[path] = open(path, "rb")
    f.seek(offset)
    return json.loads(f.readline())
