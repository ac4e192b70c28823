"""Abstract values of the flow analysis: provenance labels, the steps that introduced them, the
text a value is known to hold, and what kind of object it is.

Labels come in two families.  *Path* labels say what a path names (own file, own folder, a copy
of itself, an agent asset, a persistence location, a file found by enumeration…); they survive
path arithmetic that keeps naming the same thing and are dropped by calls we know nothing
about, because an unknown function of a path (`load_model(path)`, `json.load(open(path))`)
yields something else.  *Content* labels say what data holds (own source, asset bytes, hosts,
credentials, an LLM's answer…); they survive any call, because data handed to an encoder,
compressor or formatter still carries the payload.
"""
from __future__ import annotations

# path labels
SELF_PATH = "self-path"      # the running program's own file
SELF_DIR = "self-dir"        # the folder it lives in (or a parent of it)
SELF_COPY = "self-copy"      # a path where a copy of itself (code or folder) was placed
SELF_COPY_DIR = "self-copy-dir"  # a folder holding a copy of its own folder
ARGV = "argv"                # its own command line (sys.argv, argv[0] included)
PYEXE = "pyexe"              # the interpreter running it
HOSTS_FILE = "hosts-file"    # known_hosts, ssh config, shell history, /etc/hosts
CRED_FILE = "cred-file"      # private keys, cloud and registry credentials
ENUM = "enum"                # a path found by enumeration (glob, walk, listdir)
ENUM_CODE = "enum-code"      # … filtered to code files
SITE_DIR = "site-dir"        # site-packages
MANIFEST = "manifest"        # a package manifest (setup.py, pyproject.toml, package.json …)
ASSET_PATH = "asset-path:"   # + weights | prompt | memory | agent-dir
PERSIST = "persist:"         # + cron | systemd | shell-rc | autostart | python-startup | git-hook …
# content labels
SELF_CODE = "self-code"      # its own source text
ASSET = "asset:"             # + kind: the bytes of an agent asset
HOSTS = "hosts"              # host names or addresses that were discovered or harvested
CRED = "cred"                # secrets, password lists, keys
TARGET_TEXT = "target-text"  # the content of an enumerated file
LLM_OUT = "llm-out"          # a language model's answer
LLM_SELF = "llm-self"        # … to a prompt that held its own source

PATH_LABELS = frozenset({SELF_PATH, SELF_DIR, SELF_COPY, SELF_COPY_DIR, HOSTS_FILE, CRED_FILE, ENUM, ENUM_CODE,
                         SITE_DIR, MANIFEST})
SELF_LABELS = frozenset({SELF_PATH, SELF_DIR, SELF_COPY, SELF_CODE})
MAX_STEPS = 10
MAX_TEXT = 4000
MAX_ITEMS = 48


def is_path_label(label: str) -> bool:
    return label in PATH_LABELS or label.startswith((ASSET_PATH, PERSIST))


class Val:
    """An abstract value.  Treated as immutable: every operation returns a new one."""

    __slots__ = ("labels", "steps", "text", "obj", "items", "info")

    def __init__(self, labels=frozenset(), steps=(), text=None, obj=None, items=None, info=None):
        self.labels: frozenset[str] = labels
        self.steps: tuple = steps          # ((description, node), …) in the order introduced
        self.text: str | None = text       # known text; "{}" where a part is unknown
        self.obj: str | None = obj         # "mod:os.path", "inst:paramiko.SSHClient", "def:f", "file"
        self.items: tuple | None = items   # element values of a list/tuple display
        self.info: dict | None = info      # extra facts (file mode, open path value …)

    def __repr__(self):  # pragma: no cover - debugging aid
        return f"Val({sorted(self.labels)}, text={self.text!r:.40}, obj={self.obj})"

    def has(self, *labels: str) -> bool:
        return any(lab in self.labels for lab in labels)

    def has_prefix(self, prefix: str) -> list[str]:
        return sorted(lab for lab in self.labels if lab.startswith(prefix))

    def with_label(self, label: str, step=None) -> Val:
        steps = self.steps
        if step is not None and label not in self.labels:
            steps = _add_steps(steps, (step,))
        return Val(self.labels | {label}, steps, self.text, self.obj, self.items, self.info)

    def without(self, labels) -> Val:
        return Val(self.labels - set(labels), self.steps, self.text, self.obj, self.items, self.info)

    def content(self) -> Val:
        """What survives an unknown call: the content labels and their steps."""
        keep = frozenset(lab for lab in self.labels if not is_path_label(lab))
        return Val(keep, self.steps if keep else ())

    def retext(self, text: str | None) -> Val:
        return Val(self.labels, self.steps, text, self.obj, self.items, self.info)

    def reobj(self, obj: str | None, info: dict | None = None) -> Val:
        return Val(self.labels, self.steps, self.text, obj, self.items, info if info is not None else self.info)

    @property
    def shown(self) -> str:
        return self.text if self.text is not None else "{}"


EMPTY = Val()


def _add_steps(a: tuple, b: tuple) -> tuple:
    if not b:
        return a
    if not a:
        return b[:MAX_STEPS]
    out = list(a)
    for s in b:
        if len(out) >= MAX_STEPS:
            break
        if all(s[1] is not t[1] or s[0] != t[0] for t in out):
            out.append(s)
    return tuple(out)


def join(*vals: Val | None) -> Val:
    vals = [v for v in vals if v is not None]
    if not vals:
        return EMPTY
    if len(vals) == 1:
        return vals[0]
    labels = frozenset().union(*(v.labels for v in vals))
    steps: tuple = ()
    for v in vals:
        steps = _add_steps(steps, v.steps)
    obj = next((v.obj for v in vals if v.obj), None)
    info = next((v.info for v in vals if v.info), None)
    return Val(labels, steps, None, obj, None, info)


def concat(*vals: Val, sep: str = "") -> Val:
    """Joined labels and the concatenated text (string building)."""
    v = join(*vals)
    text = sep.join(x.shown for x in vals)
    return Val(v.labels, v.steps, text[:MAX_TEXT], None, None, None)


def seq(vals: list[Val]) -> Val:
    """A list/tuple display: joined labels, items kept, text = items joined by spaces."""
    v = join(*vals) if vals else EMPTY
    items = tuple(vals[:MAX_ITEMS])
    text = " ".join(x.shown for x in items)[:MAX_TEXT]
    return Val(v.labels, v.steps, text, None, items, None)
