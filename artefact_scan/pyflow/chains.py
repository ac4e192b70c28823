"""Sink events → chain findings: one per behaviour, every step kept, graded on the ladders.

Each chain names the signal it becomes (`sr.py.<chain>`), the sink it anchors on, the steps
from source to sink (shown as related locations and as a SARIF code flow), the data the rule's
message uses, and whether the strongest evidence is missing (`partial`: the rule lowers the
severity one step and says why).

Replication ladder (SOCK): file copy → process spawn → remote machine → network propagation.
Persistence ladder: a hidden or detached process → a startup location that runs it again.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from ..lazyregex import lazy_re
from . import patterns
from .flow import Event, Flow
from .source import Offsets, parse
from .values import (ARGV, ASSET, ASSET_PATH, CRED, ENUM, ENUM_CODE, HOSTS, LLM_SELF, PERSIST, SELF_CODE,
                     SELF_COPY, SELF_DIR, SELF_PATH, Val)

# a file that trains or saves a model: weights it uploads are most likely its own outputs
TRAIN_WORDS = ("save_pretrained", "torch.save", "trainer.train", "save_model", "save_file(", ".fit(",
               "save_checkpoint", "optimizer.step", "Trainer(", "accelerator.save")
SELF_RUN = frozenset({SELF_PATH, SELF_COPY, ARGV})     # a command line that starts itself
SELF_PAYLOAD = frozenset({SELF_PATH, SELF_COPY, SELF_CODE, SELF_DIR})


@dataclass
class Chain:
    signal: str
    node: ast.AST
    steps: list = field(default_factory=list)     # [(label, node)], source first, sink last
    data: dict = field(default_factory=dict)
    partial: str = ""                             # why the strongest evidence is missing

    def key(self):
        return (self.signal, getattr(self.node, "lineno", 0), getattr(self.node, "col_offset", 0))


@dataclass
class Result:
    chains: list[Chain] = field(default_factory=list)
    error: str | None = None
    truncated: bool = False
    tree: ast.Module | None = None
    offsets: Offsets | None = None
    moved: frozenset = frozenset()      # lines parsed without a session prompt (4 columns)


def _steps(*groups) -> list:
    out, seen = [], set()
    for g in groups:
        for st in g:
            key = (st[0], id(st[1]))
            if key not in seen and st[1] is not None:
                seen.add(key)
                out.append(st)
    return out


def _self_words(v: Val) -> str:
    if v.has(SELF_CODE):
        return "its own source"
    if v.has(SELF_COPY):
        return "a copy of itself"
    if v.has(SELF_DIR):
        return "its own folder"
    if v.has(SELF_PATH):
        return "its own file"
    return "itself"


def _asset_words(v: Val) -> str | None:
    kinds = sorted({lab.split(":", 1)[1] for lab in v.labels if lab.startswith((ASSET, ASSET_PATH))})
    if not kinds:
        return None
    names = {"weights": "model weights", "prompt": "its system prompt or instructions",
             "memory": "its memory files", "agent-dir": "the agent's folder"}
    return " and ".join(names.get(k, k) for k in kinds)


def _runs_self(ev: Event) -> bool:
    p = ev.payload
    if p.has(SELF_COPY):
        return True
    if p.has(SELF_PATH, ARGV):
        return True
    return False


def _sink(ev: Event, label: str):
    return (label, ev.node)


def build(flow: Flow) -> list[Chain]:
    chains: list[Chain] = []
    evs = flow.events
    by_kind: dict[str, list[Event]] = {}
    for ev in evs:
        by_kind.setdefault(ev.kind, []).append(ev)
    writes = by_kind.get("write", []) + by_kind.get("copy", [])

    # -- R2 file infector: own code into code files found by enumeration ---------------------
    for ev in writes:
        if not ev.dest.has(ENUM_CODE, ENUM):
            continue
        if not ev.payload.has(SELF_CODE, SELF_PATH, SELF_COPY) or ev.payload.has(SELF_DIR) and not ev.payload.has(SELF_CODE, SELF_PATH):
            continue
        marker = "marker" in ev.flags
        into = "code files" if ev.dest.has(ENUM_CODE) else "the files or folders"
        c = Chain("sr.py.file-infector", ev.node,
                  _steps(ev.payload.steps, ev.dest.steps, ev.context,
                         [_sink(ev, f"writes {_self_words(ev.payload)} into each of them ({ev.how})")]),
                  {"source": _self_words(ev.payload), "into": into,
                   "marker": " after checking each file for an infection marker" if marker else "",
                   "level": "replication: file copy (RCL0)", "flow": "end"})
        chains.append(c)

    # -- R3 self-copy started as a new process ------------------------------------------------
    spawns = [e for e in by_kind.get("spawn", []) if "replace" not in e.flags]
    for ev in spawns:
        if not ev.payload.has(SELF_COPY):
            continue
        detached = ev.flags & {"detached", "silenced"}
        hidden = _hidden_dest(ev.payload)
        c = Chain("sr.py.self-copy-spawn", ev.node,
                  _steps(ev.payload.steps, ev.context,
                         [_sink(ev, "starts the copy" + (" detached from its parent" if "detached" in ev.flags else "")
                                + (" with its output silenced" if "silenced" in ev.flags else ""))]),
                  {"how": ("detached" if "detached" in ev.flags else "silenced" if "silenced" in ev.flags else "as a child process"),
                   "quine": " (its code is a quine)" if any("quine" in s[0] for s in ev.payload.steps) else "",
                   "level": "replication: process spawn (RCL1)", "flow": "end"},
                  partial="" if (detached or hidden) else "the copy is started attached and visible")
        chains.append(c)
    for ev in by_kind.get("spawn", []):
        if "replace" in ev.flags and ev.payload.has(SELF_COPY):
            chains.append(Chain("sr.py.self-copy-spawn", ev.node,
                                _steps(ev.payload.steps, [_sink(ev, "replaces itself with the copy (exec)")]),
                                {"how": "in place of itself", "quine": "", "level": "replication: process spawn (RCL1)", "flow": "end"},
                                partial="the process replaces itself rather than multiplying"))

    # -- R4 unbounded self-spawn / fork loop ----------------------------------------------------
    for ev in by_kind.get("fork", []) + by_kind.get("process", []) + spawns:
        if "unbounded" not in ev.flags:
            continue
        if ev.kind == "spawn" and not _runs_self(ev):
            continue
        what = {"fork": "forks", "process": "starts a new process of its own code",
                "spawn": "starts another copy of itself"}[ev.kind]
        if ev.extra.get("recursive"):
            what = "starts a process that runs the same function again"
        chains.append(Chain("sr.py.unbounded-spawn", ev.node,
                            _steps(ev.payload.steps if ev.kind == "spawn" else [], ev.context, [_sink(ev, f"{what} ({ev.how})")]),
                            {"what": what, "how": ev.how, "level": "replication: process spawn (RCL1), unbounded", "flow": "end"}))

    # -- R9 shutdown resistance: a termination handler that copies or restarts itself ---------
    for ev in by_kind.get("spawn", []) + by_kind.get("copy", []) + by_kind.get("fork", []) + by_kind.get("write", []):
        if "handler" not in ev.flags:
            continue
        if ev.kind == "spawn" and not _runs_self(ev):
            continue
        if ev.kind in ("copy", "write") and not ev.payload.has(SELF_PATH, SELF_CODE, SELF_DIR, SELF_COPY):
            continue
        sig = ev.extra.get("handler", "signal")
        if "replace" in ev.flags and sig in ("SIGHUP", "SIGUSR1", "SIGUSR2"):
            continue  # re-exec on SIGHUP is the reload convention of daemons
        what = {"spawn": "starts itself again", "copy": f"copies {_self_words(ev.payload)}",
                "write": f"writes {_self_words(ev.payload)} to a file", "fork": "forks a new process"}[ev.kind]
        chains.append(Chain("sr.py.shutdown-resistance", ev.node,
                            _steps(ev.context, ev.payload.steps, [_sink(ev, f"{what} when told to stop")]),
                            {"signal": "process exit" if sig == "exit" else sig, "what": what,
                             "level": "persistence: survives termination", "flow": "end"}))

    # a watchdog loop that restarts itself whenever it exits
    for ev in spawns:
        if "no-exit" not in ev.flags or "unbounded" in ev.flags or "handler" in ev.flags or not _runs_self(ev):
            continue  # a loop with a way out (an exit status that ends it) is a reloader
        chains.append(Chain("sr.py.shutdown-resistance", ev.node,
                            _steps(ev.context, ev.payload.steps, [_sink(ev, "starts itself again each time it exits")]),
                            {"signal": "exit", "what": "starts itself again in an endless loop",
                             "level": "persistence: respawning watchdog", "flow": "end"},
                            partial="a watchdog loop that restarts it, as supervisors do for other programs"))

    # -- R6 network worm -------------------------------------------------------------------------
    remotes = by_kind.get("remote", [])
    execs = [e for e in remotes if e.extra.get("mode") == "exec"]
    connects = by_kind.get("connect", [])
    discovered_any = any(e.dest.has(HOSTS) or HOSTS in e.iter_labels for e in remotes + connects)
    for ev in remotes:
        if ev.extra.get("mode") != "copy":
            continue
        payload = ev.payload
        if not payload.has(SELF_PATH, SELF_COPY, SELF_CODE, SELF_DIR) or _asset_words(payload) and not payload.has(SELF_PATH, SELF_COPY, SELF_CODE):
            continue
        discovered = ev.dest.has(HOSTS) or HOSTS in ev.iter_labels or discovered_any
        host_steps = [s for s in ev.dest.steps if "host" in s[0] or "network" in s[0] or "scan" in s[0]]
        later_exec = [e for e in execs if e is not ev]
        steps = _steps(host_steps, ev.context, payload.steps, [_sink(ev, f"copies {_self_words(payload)} to the remote host ({ev.how})")],
                       [(f"runs it there ({e.how})", e.node) for e in later_exec[:1]])
        cred = ev.dest.has(CRED) or any(e.payload.has(CRED) for e in connects)
        if cred:
            cred_steps = [s for e in connects for s in e.payload.steps
                          if any(w in s[0] for w in ("credential", "secret", "password"))][:2]
            steps = _steps(host_steps, cred_steps, steps)
        partial = ""
        if not later_exec and not _remote_runs(ev):
            partial = "no command runs the copy on the remote host"
        elif not discovered:
            partial = "the hosts come from configuration, not from a scan or harvested history"
        runs = not (not later_exec and not _remote_runs(ev))
        chains.append(Chain("sr.py.network-worm", ev.node, steps,
                            {"summary": f"{_self_words(payload)} is copied to "
                                        f"{'hosts it discovered or harvested' if discovered else 'a remote host'}"
                                        f"{' and started there' if runs else ''}",
                             "source": _self_words(payload),
                             "hosts": "hosts it discovered or harvested" if discovered else "a remote host",
                             "level": "replication: network propagation (RCL4)" if discovered and not partial
                             else "replication: remote machine (RCL3)", "flow": "end"},
                            partial=partial))
    # remote commands to discovered hosts that fetch and run or carry credentials lists
    if not any(c.signal == "sr.py.network-worm" for c in chains):
        for ev in execs:
            discovered = ev.dest.has(HOSTS) or HOSTS in ev.iter_labels
            if not discovered:
                continue
            cred = ev.dest.has(CRED) or CRED in ev.iter_labels or any(e.payload.has(CRED) or CRED in e.iter_labels for e in connects)
            fetch_run = bool(_FETCH_RUN.search(ev.payload.text or ""))
            if fetch_run:
                host_steps = [s for s in ev.dest.steps if "host" in s[0] or "network" in s[0] or "scan" in s[0]]
                chains.append(Chain("sr.py.network-worm", ev.node,
                                    _steps(host_steps, ev.context, [_sink(ev, f"downloads and runs a program on each host ({ev.how})")]),
                                    {"summary": "a program is downloaded and run on every host it discovered or harvested",
                                 "source": "a downloaded program", "hosts": "hosts it discovered or harvested",
                                     "level": "replication: network propagation (RCL4)", "flow": "end"}))
                break
            if not cred and not ev.payload.has(SELF_PATH, SELF_COPY, SELF_CODE):
                continue
            host_steps = [s for s in ev.dest.steps if "host" in s[0] or "network" in s[0] or "scan" in s[0]]
            chains.append(Chain("sr.py.network-worm", ev.node,
                                _steps(host_steps, ev.context, [_sink(ev, f"runs a command on each host ({ev.how})")]),
                                {"summary": "commands are run on hosts it discovered, logging in with harvested or guessed credentials",
                                 "source": "commands", "hosts": "hosts it discovered, with harvested or guessed credentials",
                                 "level": "lateral movement", "flow": "end"},
                                partial="no copy of itself is sent; the hosts are entered with harvested or guessed credentials"))
            break

    for ev in by_kind.get("upload", []):
        if ev.extra.get("channel") != "email" or not ev.payload.has(SELF_CODE, SELF_PATH, SELF_COPY):
            continue
        harvested = ev.dest.has(HOSTS) or HOSTS in ev.iter_labels or ev.payload.has(HOSTS)
        chains.append(Chain("sr.py.network-worm", ev.node,
                            _steps(ev.payload.steps, ev.context, [_sink(ev, f"mails a copy of itself ({ev.how})")]),
                            {"summary": "a copy of its own code is mailed out as an attachment",
                             "source": _self_words(ev.payload), "hosts": "mail recipients",
                             "level": "replication: propagation by mail", "flow": "end"},
                            partial="" if harvested else "the recipients are not shown to be harvested"))

    # -- R7 self-exfiltration of weights, prompts, memory or its own folder -----------------------
    text = flow.source_text or ""
    trains = any(w in text for w in TRAIN_WORDS)
    for ev in by_kind.get("upload", []) + [e for e in remotes if e.extra.get("mode") == "copy"]:
        payload = ev.payload
        assets = _asset_words(payload)
        # its own folder (the scaffold) or an agent asset; a single own file sent somewhere is how
        # test suites exercise uploads, and the worm chain covers copying itself to a host
        if not assets and not (payload.has(SELF_DIR) and not payload.has(SELF_PATH, SELF_COPY, SELF_CODE)):
            continue
        if ev.kind == "remote" and payload.has(SELF_PATH, SELF_COPY, SELF_CODE) and not assets:
            continue  # the worm chain covers sending its own code to a host
        what = assets or ("its own folder" if payload.has(SELF_DIR) else _self_words(payload))
        channel = {"hub": "a model hub", "http": "an HTTP upload", "socket": "a socket",
                   "cloud storage": "cloud storage"}.get(ev.extra.get("channel", ""), "a copy to another host")
        partial = ""
        if (assets or "") == "model weights" and trains:
            if channel == "a model hub":
                continue  # a training script publishing the model it trained
            partial = "the same file trains or saves a model, so these may be its own training outputs"
        elif channel == "a model hub" and (assets or "") == "model weights":
            partial = "model weights pushed to a model hub, as training scripts do"
        elif channel == "cloud storage" and (assets or "") == "model weights":
            partial = "model weights copied to a storage bucket, as pipelines save checkpoints"
        # the agent's own scaffold, instructions or memory leaving is stronger than weights alone
        own = payload.has(SELF_DIR) or any(payload.has(ASSET + k, ASSET_PATH + k) for k in ("prompt", "memory", "agent-dir"))
        chains.append(Chain("sr.py.self-exfiltration", ev.node,
                            _steps(payload.steps, ev.context, [_sink(ev, f"sends {what} out ({ev.how})")]),
                            {"what": what, "channel": channel, "level": "self-exfiltration", "flow": "end",
                             "strong": own and not partial},
                            partial=partial))

    # -- R9 persistence of itself ---------------------------------------------------------------
    for ev in writes:
        kinds = sorted(lab[len(PERSIST):] for lab in ev.dest.labels if lab.startswith(PERSIST))
        if not kinds:
            continue
        if not ev.payload.has(SELF_PATH, SELF_CODE, SELF_COPY, SELF_DIR, ARGV):
            continue
        if kinds[0] == "shell-rc" and _RC_SETUP.search(ev.payload.text or ""):
            continue  # an alias, PATH entry or `eval "$(tool init)"` hook, as installers write
        chains.append(_persist_chain(ev, kinds[0]))
    for ev in by_kind.get("persist", []):
        if not ev.payload.has(SELF_PATH, SELF_CODE, SELF_COPY, SELF_DIR, ARGV):
            continue
        chains.append(_persist_chain(ev, _persist_kind_of(ev.extra.get("persist", "startup"))))

    # -- R13 LLM-mediated self-rewriting ---------------------------------------------------------
    for ev in by_kind.get("exec", []) + writes + spawns:
        if not ev.payload.has(LLM_SELF):
            continue
        if ev.kind == "write" and not (ev.dest.has(SELF_PATH, SELF_COPY, ENUM_CODE)
                                       or (ev.dest.text and patterns.names_code_file(ev.dest.text))):
            continue
        what = {"exec": "runs the answer as code", "write": "writes the answer as code",
                "copy": "writes the answer as code", "spawn": "runs the answer"}[ev.kind]
        chains.append(Chain("sr.py.llm-self-rewrite", ev.node,
                            _steps(ev.payload.steps, [_sink(ev, f"{what} ({ev.how})")]),
                            {"what": what, "level": "replication: self-modification through a model", "flow": "end"}))

    # -- Agent replica: copies of the agent or its weights, then a model server or agent started --
    copies = [e for e in by_kind.get("copy", []) if e.payload.has(SELF_DIR) or _asset_words(e.payload)]
    for ev in spawns:
        cmd = ev.cmd
        starts = "model-server" in cmd or "agent-cli" in cmd
        if not copies or not starts:
            continue
        # the server or agent must run on what was copied
        text = (ev.payload.text or "") + " " + ev.extra.get("env", "")
        used = [c for c in copies if (c.dest.text and "{}" not in c.dest.text and c.dest.text.rstrip("/") in text)
                or (ev.payload.has(SELF_COPY) and c.payload.has(SELF_DIR))]
        if not used:
            continue
        src = used[0]
        what = "a model server" if "model-server" in cmd else "an agent" if "agent-cli" in cmd else "the copy"
        port = " on its own port" if "port" in cmd else ""
        chains.append(Chain("sr.py.agent-replica", ev.node,
                            _steps(src.payload.steps, [(f"copies {_asset_words(src.payload) or 'its own folder'} ({src.how})", src.node)],
                                   [_sink(ev, f"starts {what}{port} ({cmd.get('model-server') or cmd.get('agent-cli') or ev.how})")]),
                            {"what": what, "copied": _asset_words(src.payload) or "its own folder", "port": port,
                             "level": "replication: agent replica (RCL1-2)", "flow": "end"},
                            partial="" if (port or ev.flags & {"detached", "silenced"} or "detach" in cmd) else "the replica is started in the foreground"))

    # -- Rogue deployment: an agent CLI with permission bypass, detached, looped or persisted -----
    for ev in spawns + by_kind.get("persist", []):
        cmd = ev.cmd or patterns.command_kinds(ev.payload.text or "")
        if "agent-cli" not in cmd:
            continue
        how = "detached" if ev.flags & {"detached", "silenced"} or "detach" in cmd else \
            "in an endless loop" if ev.flags & {"unbounded", "looped"} else \
            "from a startup location" if ev.kind == "persist" or "persist" in cmd else ""
        if not how:
            continue
        bypass = bool(_BYPASS.search((ev.payload.text or "") + " " + cmd["agent-cli"]))
        chains.append(Chain("sr.py.rogue-agent", ev.node,
                            _steps(ev.context, [_sink(ev, f"starts an agent without oversight: {cmd['agent-cli']}")]),
                            {"cli": cmd["agent-cli"], "how": how, "level": "replication: unsanctioned agent",
                             "flow": "end", "strong": bypass,
                             "checks": " with its permission checks turned off" if bypass else ""}))

    # -- Relaunching its own file detached with the output thrown away (as the shell rule SR212) ---
    taken = {id(c.node) for c in chains}
    for ev in spawns:
        if id(ev.node) in taken or ev.flags & {"handler", "unbounded", "no-exit"} or ev.payload.has(SELF_COPY):
            continue
        if not ev.payload.has(SELF_PATH, ARGV) or not {"detached", "silenced"} <= set(ev.flags):
            continue
        chains.append(Chain("sr.py.self-relaunch", ev.node,
                            _steps(ev.payload.steps, [_sink(ev, "starts its own file again, detached and silenced")]),
                            {"level": "replication: process spawn (RCL1)", "flow": "end"}))

    # -- Cloud or cluster replica whose start-up payload is itself or the agent ---------------------
    for ev in by_kind.get("cloud", []):
        p = ev.payload
        text = (p.text or "") + " " + ev.extra.get("extra_text", "")
        cmd = patterns.command_kinds(text)
        selfish = p.has(SELF_CODE, SELF_PATH, SELF_COPY, SELF_DIR) or _asset_words(p)
        agentish = "model-server" in cmd or "agent-cli" in cmd
        if not selfish and not agentish:
            continue
        what = _self_words(p) if p.has(SELF_CODE, SELF_PATH, SELF_COPY, SELF_DIR) else _asset_words(p) or "an agent or model server"
        chains.append(Chain("sr.py.cloud-replica", ev.node,
                            _steps(p.steps, [_sink(ev, f"creates compute that starts {what} ({ev.how})")]),
                            {"what": what, "level": "replication: sibling VM or container (RCL2)", "flow": "end"},
                            partial="" if selfish else "the start-up payload names an agent or model server, not this program"))
    # -- Oversight subversion (Apollo): an oversight switch turned off and a config written -------
    config_writes = by_kind.get("config-write", [])
    for ev in by_kind.get("oversight", []):
        if ev.how == "assignment" and not config_writes and not (ev.extra.get("key", "").isupper()
                                                                  and "environ" in _node_text(ev.node)):
            continue  # a flag set in memory only (tests, settings objects) is not written anywhere
        w = config_writes[0] if config_writes and ev.how != "config text" else None
        chains.append(Chain("sr.py.oversight-off", ev.node,
                            _steps([(f"switches {ev.extra.get('key')!r} off", ev.node)],
                                   [(f"writes the configuration ({w.how})", w.node)] if w is not None else []),
                            {"key": ev.extra.get("key", ""), "level": "oversight subversion", "flow": True}))

    # -- Successor overwrite (Apollo): its weights or prompt put over another model's -------------
    for ev in writes:
        dest_kinds = {lab.split(":", 1)[1] for lab in ev.dest.labels if lab.startswith(ASSET_PATH)}
        dest_kinds &= {"weights", "prompt"}
        if not dest_kinds or not _SUCCESSOR.search(ev.dest.text or ""):
            continue
        src_kinds = {lab.split(":", 1)[1] for lab in ev.payload.labels if lab.startswith((ASSET, ASSET_PATH))}
        if ev.kind == "copy" and not (src_kinds & dest_kinds):
            continue
        if ev.kind == "copy" and (ev.payload.text or "") == (ev.dest.text or ""):
            continue
        what = "its weights" if "weights" in dest_kinds else "a system prompt"
        chains.append(Chain("sr.py.successor-overwrite", ev.node,
                            _steps(ev.payload.steps, ev.dest.steps, [_sink(ev, f"writes over {_short_path(ev.dest.text)} ({ev.how})")]),
                            {"what": what, "target": _short_path(ev.dest.text), "level": "goal-guarding", "flow": "end"}))

    # -- R11 registry worm: the package manifest is rewritten and the package published ----------
    manifest_writes = [e for e in writes if e.dest.has("manifest")]
    for ev in by_kind.get("publish", []):
        if not manifest_writes:
            break
        w = manifest_writes[0]
        chains.append(Chain("sr.py.registry-publish", ev.node,
                            _steps(w.dest.steps, [(f"rewrites the package manifest ({w.how})", w.node)],
                                   ev.context, [_sink(ev, f"publishes the package ({ev.cmd.get('publish', ev.how)})")]),
                            {"registry": ev.cmd.get("publish", ev.how), "level": "replication: registry propagation",
                             "flow": "end"}))
    # one finding per chain and sink; an agent replica already says that the copy was started
    replica_nodes = {id(c.node) for c in chains if c.signal == "sr.py.agent-replica"}
    chains = [c for c in chains if not (c.signal == "sr.py.self-copy-spawn" and id(c.node) in replica_nodes)]
    seen, out = set(), []
    # the strongest chain of a sink wins (a helper analysed with and without its caller's values)
    chains.sort(key=lambda c: bool(c.partial))
    for c in chains:
        if c.key() in seen:
            continue
        seen.add(c.key())
        out.append(c)
    out.sort(key=lambda c: (getattr(c.node, "lineno", 0), getattr(c.node, "col_offset", 0), c.signal))
    return out


_BYPASS = lazy_re(r"--dangerously-skip-permissions|--dangerously-bypass|--yolo|--full-auto|--yes-always|(?<![\w-])--yes\b"
                  r"|--force\b|--trust-all|--allow-all|(?<![\w-])-y\b")
_FETCH_RUN = lazy_re(
    r"\b(?:curl|wget)\b[^|;&]*(?:\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|\|\s*python[0-9.]*\b|&&\s*(?:sh|bash|python[0-9.]*|chmod)\b|-O-?\s*\|)")


_RC_SETUP = lazy_re(r"^\s*(?:alias\s|export\s+PATH=|complete\s|source\s|\.\s|eval\s+\"\$\()", re.M)


_SUCCESSOR = lazy_re(r"(?i)(?:^|[/\\_.-])(?:v\d+|new|next|successor|replacement|updated)(?:$|[/\\_.-])")


def _node_text(node) -> str:
    try:
        return ast.unparse(node)[:200]
    except Exception:  # an unusual node: no text
        return ""


def _short_path(text: str | None) -> str:
    t = (text or "{}").replace("{}", "…")
    return t if len(t) <= 60 else "…" + t[-59:]


def _hidden_dest(v: Val) -> bool:
    t = v.text or ""
    return any(x in t for x in ("/tmp/", "/dev/shm", "/var/tmp", "/.", "\\AppData\\", "tempfile")) or \
        any("/." in (s[0] or "") for s in v.steps)


def _remote_runs(ev: Event) -> bool:
    return "remote-exec" in ev.cmd


def _persist_kind_of(matched: str) -> str:
    """The location a persistence command installs into, from the matched command text."""
    m = matched.lower()
    for word, kind in (("crontab", "cron"), ("cron", "cron"), ("systemctl", "systemd"), ("loginctl", "systemd"),
                       ("schtasks", "scheduled-task"), ("reg add", "registry-run"), ("launchctl", "autostart"),
                       ("update-rc.d", "systemd"), ("chkconfig", "systemd"), ("bashrc", "shell-rc"),
                       ("profile", "shell-rc"), ("zshrc", "shell-rc")):
        if word in m:
            return kind
    return m


def _persist_chain(ev: Event, kind: str) -> Chain:
    names = {"cron": "a cron table", "systemd": "a systemd unit", "shell-rc": "a shell start-up file",
             "autostart": "an autostart entry", "python-startup": "a Python start-up hook (.pth or sitecustomize)",
             "git-hook": "a git hook", "authorized-keys": "authorized_keys", "registry-run": "the Windows Run key",
             "scheduled-task": "a Windows scheduled task",
             "ci-workflow": "a CI workflow"}
    where = names.get(kind, kind)
    return Chain("sr.py.persist-self", ev.node,
                 _steps(ev.payload.steps, ev.dest.steps, [(f"installs it in {where} ({ev.how})", ev.node)]),
                 {"where": where, "what": _self_words(ev.payload), "level": "persistence: start-up location (PCL2)",
                  "flow": "end"})


def analyse(text: str, allow_magics: bool = True) -> Result:
    from .flow import SLICE_WORDS
    from .source import from_session, relevant_slice

    tree = None
    sliced = relevant_slice(text, SLICE_WORDS)
    if sliced is not None:
        tree, err = parse(sliced, allow_magics=False)
        if tree is None:
            sliced = None
    moved = frozenset()
    if tree is None:
        tree, err = parse(text, allow_magics)
    if tree is None:
        session = from_session(text)
        if session is not None:
            tree, _err = parse(session[0], allow_magics=False)
            if tree is not None:
                text, moved = session[0], session[1]
    if tree is None:
        return Result(error=err)
    flow = Flow(tree)
    flow.source_text = text
    if sliced is None:
        # a sliced text holds only functions that matter: every one is worth analysing alone
        flow.text = text
        flow.line_starts = _starts(text)
    flow.run()
    return Result(build(flow), None, flow.truncated, tree, moved=moved)


def _starts(text: str) -> list[int]:
    from itertools import accumulate

    return [0, *accumulate(len(line) + 1 for line in text.split("\n"))][:-1]


def analyse_text(text: str) -> list[Chain]:
    return analyse(text).chains

