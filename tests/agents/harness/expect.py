#!/usr/bin/env python3
"""What a scenario must produce, derived from the scenario file alone, and checks of real artefacts
(the repo the agent worked in, the agent's own session file, our TraceRecord) against it.

  expect.py summary SCENARIO
  expect.py check-repo SCENARIO REPO BASE_SHA      commits, their files and contents, the final tree
  expect.py check-session SCENARIO AGENT SESSION   the agent's own file holds every prompt and tool call
  expect.py check-trace SCENARIO AGENT MODEL TRACE_JSON   our `trace parse --json` output
  expect.py check-stored SCENARIO AGENT MODEL EXPORT_DIR REPO BASE_SHA [N]   the bucket (bucket export)
  expect.py check-hooks SCENARIO AGENT SPOOL REPO BASE_SHA   the spool items our hooks wrote
  expect.py check-blame SCENARIO REPO BASE_SHA OT_BIN [--only-after-base]   notes and trail blame
  expect.py agent-commits SCENARIO REPO BASE_SHA   prints "sha human|agent subject" per commit after BASE
  expect.py model REQUEST_LOG                      the model the agent asked the scripted server for

Each check prints one line per failed expectation ("FAIL: ...") and exits 1 if any failed.
"""
import json
import os
import re
import subprocess
import sys

IGNORABLE = re.compile(r"(^|/)__pycache__/|\.pyc$")  # by-products of the scenario's own commands
AGENT_NAMES = {"claude-code": {"claude-code", "claude_code", "claude"},
               "codex": {"codex", "codex-cli", "codex_cli"},
               "pi": {"pi", "pi-coding-agent"}}


def load(path):
    with open(path) as f:
        return json.load(f)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def git_bytes(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True).stdout


# ---- the scenario, flattened into the order the agent executes its tool calls ----

def tool_calls(scenario):
    """[(prompt_index, is_subagent, name, input)] in execution order; a sub-agent's calls run inside
    the Agent call that starts it."""
    subs = {p["prompt"]: p for p in scenario["prompts"] if p.get("subagent")}
    calls = []
    for i, p in enumerate(scenario["prompts"]):
        if p.get("subagent"):
            continue
        for turn in p["turns"]:
            for b in turn:
                if b["type"] != "tool_use":
                    continue
                calls.append((i, False, b["name"], b["input"]))
                sub = subs.get(b["input"].get("prompt", "")) if b["name"] in ("Agent", "Task") else None
                if sub:
                    for sturn in sub["turns"]:
                        for sb in sturn:
                            if sb["type"] == "tool_use":
                                calls.append((i, True, sb["name"], sb["input"]))
    return calls


def main_prompts(scenario):
    return [p["prompt"] for p in scenario["prompts"] if not p.get("subagent")]


def rel(path):
    return path.replace("__CWD__/", "")


def patches_in(cmd):
    """apply_patch bodies inside a Codex exec_command."""
    return re.findall(r"apply_patch <<'PATCH'\n(.*?)\nPATCH", cmd, re.S)


def parse_patch(body):
    """[(op, path, hunks)] with op add|update|delete; a hunk is (old_lines, new_lines)."""
    files, cur = [], None
    for line in body.split("\n"):
        m = re.match(r"\*\*\* (Add|Update|Delete) File: (.+)", line)
        if m:
            cur = [m.group(1).lower(), m.group(2).strip(), []]
            files.append(cur)
            if cur[0] != "add":
                cur[2].append(([], []))
            continue
        if line.startswith("*** ") or cur is None:
            continue
        if cur[0] == "add":
            if line.startswith("+"):
                cur[2].append(line[1:])
        elif line.startswith("@@"):
            if cur[2][-1] != ([], []):
                cur[2].append(([], []))
        elif line[:1] in (" ", "-", "+"):
            old, new = cur[2][-1]
            if line[0] != "+":
                old.append(line[1:])
            if line[0] != "-":
                new.append(line[1:])
    return files


def edited_files(scenario):
    """[(tool, path)] for every call that writes a file, in order (the files that must become patches)."""
    out = []
    for _, _, name, inp in tool_calls(scenario):
        if name in ("Write", "Edit", "MultiEdit", "write", "edit"):
            out.append((name, rel(inp.get("file_path") or inp.get("path"))))
        elif name == "exec_command":
            for body in patches_in(inp.get("cmd", "")):
                for op, path, _ in parse_patch(body):
                    out.append(("apply_patch:" + op, path))
    return out


def commit_commands(cmd):
    """(message, add_all, add_paths, commit_all) for each `git commit` in a shell command."""
    out = []
    for part in re.split(r"&&|;", cmd):
        part = part.strip()
        m = re.match(r"git add (.+)", part)
        if m:
            args = m.group(1).split()
            out.append(("add", "-A" in args or "." in args or "--all" in args, [a for a in args if not a.startswith("-")]))
        m = re.match(r"git commit (-a?m) ['\"](.*)['\"]$", part)
        if m:
            out.append(("commit", m.group(1) == "-am", m.group(2)))
    return out


class Simulation:
    """Replays the scenario's file edits and commits on top of the repo at BASE."""

    def __init__(self, scenario, repo, base):
        self.repo, self.base = repo, base
        self.tracked = set(git(repo, "ls-tree", "-r", "--name-only", base).split("\n")) - {""}
        self.head, self.work, self.staged = {}, {}, {}
        self.commits = []  # [{"message", "files": {path: text}}]
        for path, text in scenario.get("setup_files", {}).items():
            self.work[path] = text
        if scenario.get("setup_files"):
            self.staged.update(scenario["setup_files"])
            self.commit("Scenario setup", human=True)
        # Claude Code refuses to Edit (or overwrite with Write) a file its conversation has not read or
        # written: the call fails and the file stays as it was (waste.json's edit of app/cli.py).
        self.seen = {False: set(), True: set()}  # per conversation: main, sub-agent
        self.refused = []  # [(tool, path)]
        for _, sub, name, inp in tool_calls(scenario):
            self.apply(name, inp, sub)

    def text(self, path, where):
        if path in where:
            return where[path]
        if where is self.work and path in self.head:
            return self.head[path]
        if path in self.tracked:
            return git(self.repo, "show", f"{self.base}:{path}")
        return None

    def apply(self, name, inp, sub=False):
        seen = self.seen[sub]
        if name in ("Read", "Write", "Edit"):
            path = rel(inp["file_path"])
            exists = self.text(path, self.work) is not None
            if name != "Read" and exists and path not in seen:
                self.refused.append((name, path))
                return
            seen.add(path)
        if name in ("Write", "write"):
            self.work[rel(inp.get("file_path") or inp["path"])] = inp["content"]
        elif name == "Edit":
            path = rel(inp["file_path"])
            text = self.text(path, self.work) or ""
            if inp["old_string"] not in text:  # the agent answers with an error, the file stays
                self.refused.append((name, path))
                return
            self.work[path] = text.replace(inp["old_string"], inp["new_string"], 1)
        elif name == "edit":
            path = rel(inp["path"])
            text = self.text(path, self.work)
            for e in inp["edits"]:
                text = text.replace(e["oldText"], e["newText"], 1)
            self.work[path] = text
        elif name in ("Bash", "bash", "exec_command"):
            cmd = inp.get("command") or inp.get("cmd", "")
            for body in patches_in(cmd):
                for op, path, hunks in parse_patch(body):
                    if op == "add":
                        self.work[path] = "\n".join(hunks) + "\n"
                    elif op == "update":
                        text = self.text(path, self.work)
                        for old, new in hunks:
                            text = text.replace("\n".join(old) + "\n", "\n".join(new) + "\n", 1)
                        self.work[path] = text
            for op in commit_commands(cmd):
                if op[0] == "add":
                    paths = [p for p in self.work if op[1] or p in op[2]]
                    for p in paths:
                        self.staged[p] = self.work[p]
                else:
                    if op[1]:
                        for p in self.work:
                            if p in self.tracked or p in self.head:
                                self.staged[p] = self.work[p]
                    self.commit(op[2])

    def commit(self, message, human=False):
        files = {p: t for p, t in self.staged.items() if self.text(p, self.head) != t}
        self.staged = {}
        if not files:  # git commit refuses: nothing to commit
            return
        self.head.update(files)
        self.commits.append({"message": message, "files": files, "human": human})


# ---- checks ----

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def finish():
    sys.exit(1 if failures else 0)


def show(text, limit=400):
    return json.dumps(text if len(text) <= limit else text[:limit] + "...")


def commits_after(repo, base):
    out = git(repo, "log", "--reverse", "--first-parent", "--format=%H%x09%s", f"{base}..HEAD")
    return [line.split("\t", 1) for line in out.split("\n") if line]


def check_repo(scenario, repo, base):
    sim = Simulation(scenario, repo, base)
    actual = commits_after(repo, base)
    want = [c["message"] for c in sim.commits]
    got = [subject for _, subject in actual]
    if got != want:
        fail(f"commits after the start: expected {want}, the repo has {got}")
    for (sha, subject), exp in zip(actual, sim.commits):
        changed = set(git(repo, "diff-tree", "--root", "--no-commit-id", "-r", "--name-only", sha).split("\n")) - {""}
        for path, text in exp["files"].items():
            if path not in changed:
                fail(f"commit {sha[:8]} '{subject}': {path} should have changed")
                continue
            have = git_bytes(repo, "show", f"{sha}:{path}").decode()
            if have != text:
                fail(f"commit {sha[:8]} '{subject}': {path} is {show(have)}, the scenario makes it {show(text)}")
        extra = sorted(p for p in changed - set(exp["files"]) if not IGNORABLE.search(p))
        if extra:
            fail(f"commit {sha[:8]} '{subject}': unexpected files changed: {extra}")
    for path, text in sim.work.items():
        full = os.path.join(repo, path)
        have = open(full).read() if os.path.exists(full) else None
        if have != text:
            fail(f"working tree: {path} is {show(have or '(missing)')}, the scenario leaves {show(text)}")
    print(f"repo: {len(actual)} commits after the start ({', '.join(repr(s) for _, s in actual)}); "
          f"{len(sim.work)} files as the scenario leaves them"
          + "".join(f"; {t} of {p} refused by the agent (not read first)" for t, p in sim.refused))
    finish()


def added_lines(repo, sha):
    """{path: set(line numbers)} added by the commit against its first parent (git's own diff)."""
    out = git(repo, "show", "--first-parent", "--format=", "-U0", "--no-renames", sha)
    added, path, n = {}, None, 0
    for line in out.split("\n"):
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
        elif line.startswith("@@"):
            n = int(re.match(r"@@ -\S+ \+(\d+)", line).group(1))
        elif line.startswith("+") and path:
            added.setdefault(path, set()).add(n)
            n += 1
    return added


def check_blame(scenario, repo, base, ot_bin, earlier_too=True):
    """`trail blame <commit> --json` for every commit after BASE: the agent's commits carry a note and
    exactly their added lines (in files the agent wrote) are attributed, all to one trace; the human's
    commits (also those up to BASE, unless earlier_too is false) have nothing attributed.
    Prints "TRACE <sha> <trace_id>" per agent commit."""
    sim = Simulation(scenario, repo, base)
    root = git(repo, "rev-list", "--max-parents=0", "HEAD").split()[0]
    earlier = [(root, git(repo, "log", "-1", "--format=%s", root).strip(), True)]
    earlier += [(sha, subj, True) for sha, subj in commits_after(repo, root) if
                subprocess.run(["git", "-C", repo, "merge-base", "--is-ancestor", sha, base]).returncode == 0]
    later = [(sha, subj, e["human"]) for (sha, subj), e in zip(commits_after(repo, base), sim.commits)]
    for sha, subject, human in (earlier if earlier_too else []) + later:
        res = subprocess.run([ot_bin, "trail", "blame", sha, "--json"], cwd=repo, capture_output=True, text=True,
                             stdin=subprocess.DEVNULL)
        try:
            doc = json.loads(res.stdout)
        except ValueError:
            fail(f"trail blame {sha[:8]} --json: exit {res.returncode}, not JSON: {res.stdout[:200]} {res.stderr[:300]}")
            continue
        if res.returncode != 0:
            fail(f"trail blame {sha[:8]} --json exited {res.returncode}: {res.stdout[:300]}")
            continue
        files = doc.get("files") or {}
        attributed = {p: {l["n"] for l in f.get("lines", []) if l.get("trace_id")} for p, f in files.items()}
        traces = {l["trace_id"] for f in files.values() for l in f.get("lines", []) if l.get("trace_id")}
        tag = f"commit {sha[:8]} '{subject}'"
        failed_before = len(failures)
        if human:
            if any(attributed.values()):
                fail(f"{tag} is the human's, yet blame attributes {dict((p, sorted(v)) for p, v in attributed.items() if v)}")
            else:
                print(f"ok: {tag} (human): nothing attributed")
            continue
        note = subprocess.run(["git", "-C", repo, "notes", "--ref=opentraces", "show", sha], capture_output=True, text=True)
        if note.returncode != 0 or not note.stdout.strip():
            fail(f"{tag}: no note in refs/notes/opentraces")
        want = {p: v for p, v in added_lines(repo, sha).items() if not IGNORABLE.search(p)}
        for p in sorted(set(want) | set(attributed)):
            w, a = want.get(p, set()), attributed.get(p, set())
            if w != a:
                fail(f"{tag}: {p}: the agent wrote lines {sorted(w)}, blame attributes {sorted(a)}")
        if len(traces) != 1:
            fail(f"{tag}: agent lines attributed to {len(traces)} traces {sorted(traces)}, expected exactly one")
        for t in sorted(traces):
            print(f"TRACE {sha} {t}")
        if len(failures) == failed_before:
            print(f"ok: {tag}: its {sum(len(v) for v in want.values())} added lines attributed to trace "
                  f"{sorted(t[:8] for t in traces)[0]}")
    finish()


PRE_TOOL_EVENT = {"claude-code": "PreToolUse", "codex": "PreToolUse", "pi": "tool_call"}


def check_hook_items(scenario, agent, items, sim, repo, label):
    """Hook events against the scenario: one pre-tool event per tool call (sub-agent calls included;
    Claude Code fires none for a call it refuses), patches for exactly the files the scenario writes."""
    items = [i for i in items if i.get("agent") in AGENT_NAMES[agent]]
    pre = [i for i in items if i.get("event") == PRE_TOOL_EVENT[agent]]
    want = [name for _, _, name, _ in tool_calls(scenario)]
    for name, _ in sim.refused:
        want.remove(name)
    if agent == "codex":
        if len(pre) != len(want):
            fail(f"{label}: {len(pre)} {PRE_TOOL_EVENT[agent]} events, the scenario makes {len(want)} tool calls")
    else:
        got = sorted((i.get("payload") or {}).get("tool_name") or "?" for i in pre)
        if got != sorted(want):
            fail(f"{label}: {PRE_TOOL_EVENT[agent]} events for {got}, the scenario calls {sorted(want)}")
    written = {p for _, p in edited_files(scenario)} - {p for _, p in sim.refused}
    patched = {rel_to(p.get("file_path") or p.get("path") or "", repo) for i in items for p in i.get("patches") or []}
    if patched != written:
        fail(f"{label}: patches for {sorted(patched)}, the scenario writes {sorted(written)}")
    return f"{len(items)} events, {len(pre)} {PRE_TOOL_EVENT[agent]}, patches for {sorted(patched)}"


def check_hooks(scenario, agent, spool, repo, base):
    """The spool items our hooks wrote during the run (see check_hook_items)."""
    items = []
    for f in sorted(os.listdir(spool)) if os.path.isdir(spool) else []:
        if f.endswith(".json"):
            try:
                items.append(load(os.path.join(spool, f)))
            except ValueError:
                fail(f"spool item {f} is not JSON")
    items = [i for i in items if i.get("kind") == "hook_event"]
    print("hooks: " + check_hook_items(scenario, agent, items, Simulation(scenario, repo, base), repo, "hooks"))
    finish()


def agent_commits(scenario, repo, base):
    sim = Simulation(scenario, repo, base)
    for (sha, subject), exp in zip(commits_after(repo, base), sim.commits):
        print(sha, "human" if exp["human"] else "agent", subject)


def jsonl(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                try:
                    rows.append(json.loads(line))
                except ValueError:
                    pass
    return rows


def texts(content):
    if isinstance(content, str):
        return [content]
    return [b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") in ("text", "input_text")]


def session_facts(agent, path):
    """(user texts, tool call names) of the main conversation and of sub-agents, read from the agent's
    own session file: enough to know the agent ran every prompt and every tool call."""
    users, calls, sub_calls = [], [], []
    if agent == "claude-code":
        seen = set()
        for r in jsonl(path):
            m = r.get("message") if isinstance(r.get("message"), dict) else {}
            if r.get("type") == "user" and not r.get("isMeta"):
                users += texts(m.get("content"))
            if r.get("type") == "assistant":
                for b in m.get("content") or []:
                    if b.get("type") == "tool_use" and b["id"] not in seen:
                        seen.add(b["id"])
                        calls.append(b["name"])
        subdir = path[:-len(".jsonl")] + "/subagents"
        if os.path.isdir(subdir):
            for f in sorted(os.listdir(subdir)):
                if f.endswith(".jsonl"):
                    _, c, _ = session_facts("claude-code", os.path.join(subdir, f))
                    sub_calls += c
    elif agent == "codex":
        for r in jsonl(path):
            p = r.get("payload") or {}
            if r.get("type") == "response_item" and p.get("type") == "message" and p.get("role") == "user":
                users += texts(p.get("content"))
            if r.get("type") == "response_item" and p.get("type") in ("function_call", "custom_tool_call"):
                calls.append(p.get("name"))
    elif agent == "pi":
        for r in jsonl(path):
            m = r.get("message") or {}
            if r.get("type") == "message" and m.get("role") == "user":
                users += texts(m.get("content"))
            if r.get("type") == "message" and m.get("role") == "assistant":
                calls += [b.get("name") for b in m.get("content") or [] if b.get("type") == "toolCall"]
    return users, calls, sub_calls


def check_session(scenario, agent, path):
    users, calls, sub_calls = session_facts(agent, path)
    prompts = main_prompts(scenario)
    for p in prompts:
        n = sum(1 for u in users if p in u)
        if n != 1:
            fail(f"session file: prompt {show(p, 60)} appears {n} times among the user messages (expected once)")
    want = [name for _, sub, name, _ in tool_calls(scenario) if not sub]
    want_sub = [name for _, sub, name, _ in tool_calls(scenario) if sub]
    if calls != want:
        fail(f"session file: main tool calls {calls}, the scenario has {want}")
    if sorted(sub_calls) != sorted(want_sub):
        fail(f"session file: sub-agent tool calls {sub_calls}, the scenario has {want_sub}")
    print(f"session file: {len(prompts)} prompts, {len(calls)} tool calls"
          + (f" + {len(sub_calls)} in the sub-agent" if want_sub else "") + f" ({os.path.basename(path)})")
    finish()


def check_record(scenario, agent, model, rec, label):
    """A TraceRecord against the scenario: agent, model, tool calls (main and sub-agent), prompts."""
    name = (rec.get("agent") or {}).get("name")
    if name not in AGENT_NAMES[agent]:
        fail(f"{label}: agent.name is {name!r}, expected {agent}")
    got_model = (rec.get("agent") or {}).get("model")
    if model and got_model != model:
        fail(f"{label}: agent.model is {got_model!r}, the agent asked the model server for {model!r}")
    steps = rec.get("steps") or []
    main, sub = [], []
    for st in steps:
        for c in st.get("tool_calls") or []:
            (sub if st.get("call_type") == "subagent" else main).append(c.get("tool_name"))
    want = [n for _, is_sub, n, _ in tool_calls(scenario) if not is_sub]
    want_sub = [n for _, is_sub, n, _ in tool_calls(scenario) if is_sub]
    if sorted(main) != sorted(want):
        fail(f"{label}: main tool calls {sorted(main)}, the scenario has {sorted(want)}")
    if sorted(sub) != sorted(want_sub):  # a sub-agent's calls must appear as sub-agent steps
        fail(f"{label}: tool calls in sub-agent steps {sorted(sub)}, the scenario's sub-agent makes {sorted(want_sub)}")
    prompts = main_prompts(scenario)
    user_steps = [st for st in steps if st.get("role") == "user" and any(p in str(st.get("content")) for p in prompts)]
    if len(user_steps) != len(prompts):
        fail(f"{label}: {len(user_steps)} user steps carry the scenario's prompts, expected {len(prompts)}")
    return (f"agent {name}, model {got_model}, {len(steps)} steps, {len(main)} tool calls"
            + (f" + {len(sub)} in sub-agent steps" if sub else "") + f", {len(user_steps)} prompts")


def check_trace(scenario, agent, model, trace_path):
    doc = load(trace_path)
    rec = doc.get("record") or doc.get("trace") or doc  # the envelope may wrap the record
    print("trace: " + check_record(scenario, agent, model, rec, "trace"))
    finish()


def check_stored(scenario, agent, model, export, repo, base, want_traces=1):
    """The bucket, as `bucket export` writes it: WANT_TRACES traces from this agent; the newest one's
    TraceRecord matches the scenario (agent, model, tool calls incl. sub-agent steps, prompts), its
    patches name exactly the files the scenario writes, and its stored hook events hold one pre-tool
    event per tool call. Prints "TRACE <id>"."""
    import gzip
    envs = []
    for path in sorted(glob_paths(os.path.join(export, "traces"), "trace.json")):
        env = load(path)
        if (env.get("record") or {}).get("agent_name") in AGENT_NAMES[agent]:
            envs.append((path, env))
    if len(envs) != want_traces:
        fail(f"bucket: {len(envs)} traces from {agent}, expected {want_traces}")
    if not envs:
        finish()
    path, env = max(envs, key=lambda e: e[1]["record"].get("written_at", ""))
    ptr = env["record"]
    print(f"TRACE {env['trace_id']}")
    h = ptr["record_hash"].split(":", 1)[1]
    rec = load(os.path.join(export, "objects", h[:2], h + ".json"))
    summary = check_record(scenario, agent, model, rec, "stored trace")
    sim = Simulation(scenario, repo, base)
    written = {p for _, p in edited_files(scenario)} - {p for _, p in sim.refused}
    # A call the agent refused may stay a patch, marked with the limitation tool_result_error.
    refused = {p for _, p in sim.refused}
    errored = {rel_to(p.get("file_path", ""), repo) for p in rec.get("patches") or []
               if "tool_result_error" in (p.get("limitations") or [])}
    patched = {rel_to(p.get("file_path", ""), repo) for p in rec.get("patches") or []
               if "tool_result_error" not in (p.get("limitations") or [])}
    if patched != written:
        fail(f"stored trace: patches for {sorted(patched)}, the scenario writes {sorted(written)}")
    if errored - refused:
        fail(f"stored trace: patches for {sorted(errored - refused)} are marked tool_result_error, yet those calls succeeded")
    d = os.path.dirname(path)
    events = []
    if os.path.exists(os.path.join(d, "sources.jsonl.gz")):
        with gzip.open(os.path.join(d, "sources.jsonl.gz"), "rt") as f:
            events = [json.loads(l) for l in f if l.strip()]
    hook_items = [e for e in events if e.get("event_type", e.get("kind")) in ("hook_event",)]
    check_hook_items(scenario, agent, hook_items, sim, repo, "stored hook events")
    print(f"stored trace {env['trace_id'][:8]}: {summary}; patches for {sorted(patched)}; "
          f"{len(hook_items)} hook events")
    finish()


def glob_paths(root, name):
    for dirpath, _, files in os.walk(root):
        if name in files:
            yield os.path.join(dirpath, name)


def rel_to(path, repo):
    return os.path.relpath(path, repo) if os.path.isabs(path) else path


def model_of(request_log):
    models = {r.get("model") for r in jsonl(request_log) if r.get("tools") and r.get("model")}
    print(sorted(models)[0] if len(models) == 1 else "")


def summary(scenario):
    calls = tool_calls(scenario)
    print(f"{scenario.get('title')}: {len(main_prompts(scenario))} prompts, {len(calls)} tool calls "
          f"({sum(1 for c in calls if c[1])} in a sub-agent), files written: "
          f"{sorted({p for _, p in edited_files(scenario)})}, commits: "
          f"{[m for c in calls for m in re.findall(r'git commit -a?m .(.*?).$', c[3].get('command') or c[3].get('cmd') or '')]}")


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "summary":
        summary(load(args[0]))
    elif cmd == "check-repo":
        check_repo(load(args[0]), args[1], args[2])
    elif cmd == "check-stored":
        check_stored(load(args[0]), args[1], args[2], args[3], args[4], args[5], int(args[6]) if len(args) > 6 else 1)
    elif cmd == "check-hooks":
        check_hooks(load(args[0]), args[1], args[2], args[3], args[4])
    elif cmd == "check-blame":
        check_blame(load(args[0]), args[1], args[2], args[3], args[4:] != ["--only-after-base"])
    elif cmd == "agent-commits":
        agent_commits(load(args[0]), args[1], args[2])
    elif cmd == "check-session":
        check_session(load(args[0]), args[1], args[2])
    elif cmd == "check-trace":
        check_trace(load(args[0]), args[1], args[2], args[3])
    elif cmd == "model":
        model_of(args[0])
    elif cmd == "edited-files":
        for tool, path in edited_files(load(args[0])):
            print(tool, path)
    else:
        sys.exit(f"expect.py: unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
