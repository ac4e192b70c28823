"""The abstract interpreter: walk a module, follow provenance labels, record sink events.

Statements run in order with strong updates on assignment and a join where branches meet; loop
bodies run twice so that loop-carried values reach their uses; calls to functions of the same
module are analysed in place with the argument values (context-sensitive, depth and budget
bounded), and every function not reached that way is analysed once more on its own with unknown
parameters (methods, callbacks, entry points).  Names are resolved through the module's imports,
including `import x as y` and `from a import b as c` anywhere in the file.

An `Event` is a sink reached by values: a write, copy, process spawn or fork, remote copy or
command, upload, exec, LLM call, persistence or cloud call, with the context it ran in (an
unbounded loop, a signal handler, a loop over discovered targets, an infection-marker check).
`chains` decides which events make a finding.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..lazyregex import lazy_re
from . import patterns
from .values import (ARGV, ASSET, ASSET_PATH, CRED, CRED_FILE, EMPTY, ENUM, ENUM_CODE, HOSTS,
                     HOSTS_FILE, LLM_OUT, LLM_SELF, PERSIST, PYEXE, SELF_CODE, SELF_COPY, SELF_COPY_DIR, SELF_DIR,
                     SELF_PATH, SITE_DIR, TARGET_TEXT, Val, concat, join, seq)

MAX_WORK = 60000          # statements and expressions evaluated per module
MAX_INLINE_DEPTH = 4
MAX_INLINE_PER_FUNC = 12

BUILTINS = frozenset({"open", "exec", "eval", "compile", "print", "str", "repr", "bytes", "list",
                      "tuple", "set", "sorted", "iter", "next", "getattr", "__import__", "reversed",
                      "bytearray", "format", "map", "filter", "zip", "enumerate", "dict", "frozenset",
                      "chr", "ord", "globals", "locals", "vars", "input", "len", "range", "getattr"})
KEEP_ALL = frozenset({"builtins.str", "builtins.repr", "builtins.bytes", "builtins.list", "builtins.tuple",
                      "builtins.set", "builtins.sorted", "builtins.iter", "builtins.next", "builtins.reversed",
                      "builtins.bytearray", "builtins.frozenset", "builtins.format", "builtins.filter",
                      "builtins.enumerate", "builtins.zip", "os.fspath", "os.path.abspath", "os.path.realpath",
                      "os.path.normpath", "os.path.expanduser", "os.path.expandvars", "os.path.normcase",
                      "os.fsencode", "os.fsdecode", "shlex.quote", "shlex.join", "random.choice",
                      "random.sample", "random.shuffle", "copy.copy", "copy.deepcopy", "textwrap.dedent",
                      "textwrap.indent", "inspect.cleandoc", "string.Template"})
STR_METHODS = frozenset({"strip", "lstrip", "rstrip", "replace", "lower", "upper", "encode", "decode",
                         "split", "rsplit", "splitlines", "format", "format_map", "ljust", "rjust",
                         "center", "zfill", "expandtabs", "casefold", "title", "capitalize",
                         "removeprefix", "removesuffix", "partition", "rpartition", "translate",
                         "as_posix", "resolve", "absolute", "expanduser", "__str__", "copy", "hex",
                         "tobytes", "getvalue", "items", "values", "keys", "get", "pop", "popleft"})
BLOCKING = frozenset({"accept", "recv", "recvfrom", "recv_into", "wait", "waitpid", "wait3", "wait4",
                      "join", "sleep", "get", "input", "read", "readline", "select", "poll",
                      "communicate", "serve_forever", "handle_request", "acquire", "getch", "run_until_complete",
                      "call", "check_call", "check_output", "run", "getoutput", "getstatusoutput"})
# calls that only pace a loop: they slow it down but do not tie an iteration to what it started
PACING = frozenset({"sleep"})
HANDLER_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGBREAK", "SIGABRT",
                   "CTRL_C_EVENT", "CTRL_BREAK_EVENT", "SIGXCPU", "SIGPWR")
KNOWN_CLASSES = frozenset({
    "paramiko.SSHClient", "paramiko.client.SSHClient", "paramiko.Transport", "paramiko.SFTPClient",
    "scp.SCPClient", "fabric.Connection", "fabric.SerialGroup", "fabric.ThreadingGroup", "fabric.Group",
    "ftplib.FTP", "ftplib.FTP_TLS", "smtplib.SMTP", "smtplib.SMTP_SSL", "socket.socket", "socket.create_connection", "requests.Session",
    "requests.session", "httpx.Client", "httpx.AsyncClient", "huggingface_hub.HfApi",
    "openai.OpenAI", "openai.AsyncOpenAI", "openai.AzureOpenAI", "anthropic.Anthropic",
    "anthropic.AsyncAnthropic", "pexpect.spawn", "pexpect.pxssh.pxssh", "pxssh.pxssh",
    "nmap.PortScanner", "crontab.CronTab", "telnetlib.Telnet", "smbclient", "asyncssh.connect",
})
UPLOAD_METHODS = frozenset({"upload_file", "upload_folder", "upload_fileobj", "put_object",
                            "upload_from_filename", "upload_from_file", "upload_from_string",
                            "push_to_hub", "upload_large_folder", "create_commit"})
LLM_HINTS = ("chat.completions.create", "completions.create", "messages.create", "responses.create",
             "ChatCompletion.create", "Completion.create", "generate_content", "ollama.chat",
             "ollama.generate", "litellm.completion", "litellm.acompletion", ".invoke", ".chat",
             ".generate", ".complete", "create_message", ".predict")
LLM_URL = ("/chat/completions", "/v1/completions", "/v1/messages", "/api/generate", "/api/chat",
           ":generateContent", "/v1/responses")
SPAWN_FUNCS = {
    "subprocess.Popen": "argv", "subprocess.run": "argv", "subprocess.call": "argv",
    "subprocess.check_call": "argv", "subprocess.check_output": "argv", "subprocess.getoutput": "shell",
    "subprocess.getstatusoutput": "shell", "os.system": "shell", "os.popen": "shell",
    "asyncio.create_subprocess_exec": "args", "asyncio.create_subprocess_shell": "shell",
    "os.spawnl": "spawn", "os.spawnle": "spawn", "os.spawnlp": "spawn", "os.spawnlpe": "spawn",
    "os.spawnv": "spawn", "os.spawnve": "spawn", "os.spawnvp": "spawn", "os.spawnvpe": "spawn",
    "os.posix_spawn": "pspawn", "os.posix_spawnp": "pspawn", "pty.spawn": "argv",
    "pexpect.spawn": "argv", "pexpect.run": "argv", "sh.Command": "argv", "plumbum.local": "argv",
    "os.execv": "exec", "os.execve": "exec", "os.execl": "exec", "os.execle": "exec", "os.execlp": "exec",
    "os.execlpe": "exec", "os.execvp": "exec", "os.execvpe": "exec", "os.startfile": "argv",
}
COPY_FUNCS = frozenset({"shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree", "shutil.move",
                        "distutils.file_util.copy_file", "distutils.dir_util.copy_tree", "os.link",
                        "os.symlink", "shutil.copymode"})


@dataclass
class Event:
    kind: str                 # write copy spawn fork process remote upload exec llm persist cloud
    node: ast.AST
    how: str                  # the call, as written or resolved
    payload: Val = EMPTY      # what is written / copied / sent / run
    dest: Val = EMPTY         # where to: a path, a host, an argv
    cmd: dict = field(default_factory=dict)   # command kinds found in a command line
    flags: frozenset = frozenset()            # detached silenced unbounded handler marker shell …
    context: tuple = ()       # steps from the enclosing context (loop header, handler registration …)
    iter_labels: frozenset = frozenset()      # labels of what enclosing loops iterate over
    func: str = "<module>"
    extra: dict = field(default_factory=dict)


class Frame:
    __slots__ = ("kind", "node", "iter", "unbounded", "handler", "marker", "func", "cls", "daemon", "paced")

    def __init__(self, kind, node=None, iter=None, unbounded=False, handler=None, func=None, cls=None,
                 paced=False):
        self.kind = kind
        self.node = node
        self.iter = iter
        self.unbounded = unbounded
        self.paced = paced          # endless, and only a sleep stands between iterations
        self.handler = handler
        self.marker = None
        self.func = func
        self.cls = cls
        self.daemon = None


POOL_METHODS = frozenset({"map", "imap", "imap_unordered", "map_async", "starmap", "starmap_async", "submit",
                          "apply_async", "apply", "call_soon", "call_later", "start_new_thread"})
SINK_WORDS = ("write", "copy", "popen", "subprocess", "system(", "spawn", "exec", "fork(", "put(", "upload",
              "post(", "send", "signal(", "atexit", "process(", "move(", "crontab", "push_to_hub",
              "run_instances", "create_namespaced", "storbinary", "setvalue", "connect", "run(", "request",
              "urlopen", "thread(", "timer(", "create(", "chat", "generate", "invoke", "new(", "insert(",
              "startfile", "execute", "sudo(", "login(", "dump(", "environ[", ".replace(")
SOURCE_WORDS = ("__file__", "__vsc_ipynb_file__", "argv", "getsource", "__loader__", "__spec__", "sys.modules", "co_filename",
                "currentframe", "linecache", "%r", "!r}", "glob", "walk(", "listdir", "scandir", "iterdir",
                "ip_network", "hosts", "nmap", ".ssh", "_history", "signal(", "atexit", "run_instances",
                "create_namespaced", "safetensors", ".gguf", ".ckpt", "weights", "system_prompt", "memory/",
                "memory.", "/agent", "agent/", ".bin", ".pt", "scaffold", "passw", "crontab", "cron.",
                "systemd", ".service", "bashrc", ".profile", "zshrc", "site-packages", "sitepackages",
                "sitecustomize", ".pth", "hooks/", "autostart", "launchagents", "winreg", "authorized_keys",
                "openai", "anthropic", "ollama", "completions", "litellm", "kubectl", "gcloud", "vllm", "claude",
                "codex", "aider", "setsid", "start_new_session", "pyproject", "setup.py", "setup.cfg",
                "package.json", "twine", " publish", "smtp", "oversight", "monitor", "audit", "guardrail",
                "approval", "kill_switch", "killswitch", "supervis")
# what creates provenance labels or label-free events: the seeds of `source.relevant_slice`
SLICE_WORDS = ("__file__", "__vsc_ipynb_file__", "argv", "getsource", "__loader__", "__spec__", "sys.modules", "co_filename",
               "currentframe", "linecache", "ip_network", "known_hosts", "nmap", "_history",
               "fork(", "process(", "signal(", "atexit", "run_instances", "create_namespaced", "kubectl",
               "gcloud", "vllm", "ollama", "claude", "codex", "aider", "llama", "safetensors", "gguf", "ckpt",
               "weights", "system_prompt", "scaffold", "consolidated", "crontab", "systemd", "sitecustomize",
               ".pth", "sitepackages", "site-packages", "winreg", "authorized_keys", "bashrc", "autostart",
               "launchagents", "openai", "anthropic", "completions", "litellm", "memory/",
               "agent/", "/agent", "start_new_session", "setsid", "twine", " publish")
_CALLED = lazy_re(r"([A-Za-z_]\w*)\s*\(")


_ADDR_RANGE = lazy_re(r"\A(?:[\w@.-]*@)?(?:\d{1,3}\.){1,3}(?:\{\}|%[ds])\Z")


class Budget(Exception):
    pass


def _const_str(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
        v = node.value
        return v if isinstance(v, str) else v.decode("latin-1")
    return None


def _exits(body: list[ast.stmt]) -> bool:
    """A break/return/raise/exit reachable in this loop's own body (not in nested loops or defs)."""
    stack = list(body)
    while stack:
        n = stack.pop()
        if isinstance(n, (ast.Break, ast.Return, ast.Raise)):
            return True
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.While,
                          ast.For, ast.AsyncFor)):
            continue
        if isinstance(n, ast.Call):
            f = n.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in ("exit", "_exit", "quit", "abort", "kill"):
                return True
        stack.extend(ast.iter_child_nodes(n))
    return False


def _blocks(body: list[ast.stmt], pacing: bool = True) -> bool:
    """A blocking call in the loop body; with `pacing=False`, calls that only pace the loop
    (sleep) do not count."""
    for stmt in body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Call):
                f = n.func
                name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
                if name in BLOCKING and (pacing or name not in PACING):
                    return True
            elif isinstance(n, (ast.Await, ast.Yield, ast.YieldFrom)):
                return True
    return False


def _label_sig(env: dict) -> int:
    return hash(tuple((k, v.labels) for k, v in env.items() if v.labels))


def _truthy_const(node) -> bool:
    return isinstance(node, ast.Constant) and bool(node.value) and not isinstance(node.value, (str, bytes)) \
        or isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)) and bool(node.value)


class Flow:
    def __init__(self, tree: ast.Module, max_work: int = MAX_WORK):
        self.tree = tree
        self.max_work = max_work
        self.work = 0
        self.truncated = False
        self.imports: dict[str, str] = {}
        self.defs: dict[str, ast.AST] = {}
        self.classes: dict[str, dict[str, ast.AST]] = {}
        self.class_attrs: dict[tuple[str, str], Val] = {}
        self.globals: dict[str, Val] = {}
        self.events: list[Event] = []
        self.frames: list[Frame] = [Frame("module", func="<module>")]
        self.returns: list[list[Val]] = []
        self.stack: list[str] = []
        self.inlined: dict[str, int] = {}
        self.analysed: set[str] = set()
        self.copies: dict[str, Val] = {}          # literal path → what was copied there
        self.llm_calls = 0
        self.global_decls: list[set[str]] = [set()]
        self.memo: dict = {}
        self.display_depth = 0
        self.display_budget = 20000
        self.self_tags: dict[str, tuple] = {}     # temp-file identities that received its own code
        self.tag_count = 0
        self._labelled: list[str] | None = None
        self.text: str | None = None          # the source, when `_worth` should filter functions
        self.source_text: str | None = None   # the full source, always
        self.line_starts: list[int] | None = None

    # -- driver ------------------------------------------------------------------------------
    def run(self) -> Flow:
        self._collect(self.tree.body, prefix="")
        try:
            self.block(self.tree.body, self.globals)
            worth = self._worth()
            # callers first (helpers are usually defined before their callers), so that a helper
            # is first seen with the arguments it really receives
            for name, fn in reversed(list(self.defs.items())):
                if name not in self.analysed and name in worth:
                    cls = name.split(".")[0] if "." in name and name.split(".")[0] in self.classes else None
                    self.call_def(name, fn, [], {}, Val(obj="inst:" + cls) if cls else None, fn)
        except Budget:
            self.truncated = True
        except RecursionError:
            self.truncated = True
        return self

    def _worth(self) -> set[str]:
        """Functions whose analysis on their own can produce an event: a sink word together with a
        source (its own source words, a labelled global or attribute, or a callee that yields one),
        a source passed to a callee with a sink word, or a call to a function that is worth it.
        A fixpoint over the calls between the module's functions that matter."""
        if self.text is None or self.line_starts is None:
            return set(self.defs)
        starts = self.line_starts
        labelled = self._labelled_names()
        segs, sink, src = {}, {}, {}
        for name, fn in self.defs.items():
            a = starts[min(fn.lineno, len(starts)) - 1]
            end_line = getattr(fn, "end_lineno", None) or len(starts)
            b = starts[end_line] if end_line < len(starts) else len(self.text)
            seg = self.text[a:b]
            low = seg.lower()
            segs[name] = seg
            sink[name] = any(w in low for w in SINK_WORDS)
            src[name] = any(w in low for w in SOURCE_WORDS) or any(n in seg for n in labelled) or (
                ("fork(" in low or "process(" in low or "thread(" in low)
                and ("while" in low or "count(" in low or "target=" + name.rsplit(".", 1)[-1].lower() in low))
        short_of: dict[str, set[str]] = {}
        for name in self.defs:
            if sink[name] or src[name]:
                short_of.setdefault(name.rsplit(".", 1)[-1], set()).add(name)
        for cls in self.classes:
            init = f"{cls}.__init__"
            if init in self.defs and (sink[init] or src[init]):
                short_of.setdefault(cls, set()).add(init)
        calls: dict[str, set[str]] = {}
        if short_of:
            for name, seg in segs.items():
                found = set()
                for short, targets in short_of.items():
                    i = seg.find(short)
                    while i != -1:
                        j = i + len(short)
                        if (i == 0 or not (seg[i - 1].isalnum() or seg[i - 1] == "_")) \
                                and seg[j:j + 1] == "(" or seg[j:j + 2] == " (":
                            found |= targets
                            break
                        i = seg.find(short, j)
                found.discard(name)
                calls[name] = found
        yields = {n for n in self.defs if src[n]}
        worth = {n for n in self.defs if sink[n] and src[n]}
        worth |= {n for n in self.defs if src[n] and any(sink[c] for c in calls.get(n, ()))}
        changed = True
        rounds = 0
        while changed and rounds < 50:
            changed = False
            rounds += 1
            for n, callees in calls.items():
                if not callees:
                    continue
                if n not in yields and any(c in yields for c in callees):
                    yields.add(n)
                    changed = True
                if n not in worth and (any(c in worth for c in callees) or (sink[n] and n in yields)
                                       or (n in yields and any(sink[c] for c in callees))):
                    worth.add(n)
                    changed = True
        return worth

    def _labelled_names(self) -> list[str]:
        if self._labelled is None:
            names = {k.split(".")[-1] for k, v in self.globals.items() if v.labels}
            names |= {attr for (_cls, attr), v in self.class_attrs.items() if v.labels}
            self._labelled = sorted(names)
        return self._labelled

    def _collect(self, body, prefix: str) -> None:
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.defs.setdefault(prefix + stmt.name, stmt)
            elif isinstance(stmt, ast.ClassDef) and not prefix:
                methods = {}
                for s in stmt.body:
                    if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        methods[s.name] = s
                        self.defs.setdefault(f"{stmt.name}.{s.name}", s)
                self.classes[stmt.name] = methods
            elif isinstance(stmt, (ast.If, ast.Try, ast.With)):
                for sub in ("body", "orelse", "finalbody", "handlers"):
                    part = getattr(stmt, sub, None)
                    if part:
                        if sub == "handlers":
                            for h in part:
                                self._collect(h.body, prefix)
                        else:
                            self._collect(part, prefix)

    def tick(self) -> None:
        self.work += 1
        if self.work > self.max_work:
            raise Budget()

    # -- context -----------------------------------------------------------------------------
    def emit(self, kind: str, node, how: str, payload: Val = EMPTY, dest: Val = EMPTY,
             cmd: dict | None = None, flags=(), **extra) -> Event:
        fl = set(flags)
        if "recursive" in fl:
            extra.setdefault("recursive", True)
        context = []
        iter_labels: set[str] = set()
        func = "<module>"
        for fr in self.frames:
            if fr.kind == "func":
                func = fr.func
            if fr.handler is not None:
                fl.add("handler")
                extra.setdefault("handler", fr.handler[0])
                context.append((f"registered as a {fr.handler[0]} handler", fr.handler[1]))
            if fr.iter is not None and fr.iter.labels:
                iter_labels |= fr.iter.labels
                context.extend(fr.iter.steps)
            if fr.marker is not None:
                fl.add("marker")
                context.append(fr.marker)
        endless = [fr for fr in self.frames if fr.kind == "while" and fr.node is not None and _truthy_const(fr.node.test)]
        if endless:
            fl.add("looped")
            if not _exits(endless[-1].node.body):
                fl.add("no-exit")
        inner_loop = next((fr for fr in reversed(self.frames) if fr.kind in ("while", "for")), None)
        if inner_loop is not None and inner_loop.unbounded:
            fl.add("unbounded")
            context.append(("in a loop without end", inner_loop.node))
        elif inner_loop is not None and inner_loop.paced and kind == "spawn" and "detached" in fl \
                and "replace" not in fl and not any(fr.kind == "if" for fr in self.frames[self.frames.index(inner_loop):]):
            # a detached start on every turn, never waited on: a sleep slows the growth, it does
            # not bound it (each copy runs the same loop)
            fl.add("unbounded")
            context.append(("in a loop without end that starts a detached process on every turn and never waits on it",
                            inner_loop.node))
        ev = Event(kind, node, how, payload, dest, cmd or {}, frozenset(fl), tuple(context),
                   frozenset(iter_labels), func, extra)
        if len(self.events) < 2000:
            self.events.append(ev)
        return ev

    def _conditional(self) -> bool:
        """Inside an `if` of the current function: a recursion there has a base case."""
        for fr in reversed(self.frames):
            if fr.kind == "func":
                return False
            if fr.kind == "if":
                return True
        return False

    def _func_frame(self) -> Frame | None:
        return next((fr for fr in reversed(self.frames) if fr.kind in ("func", "module")), None)

    def _cls(self) -> str | None:
        fr = next((fr for fr in reversed(self.frames) if fr.kind == "func"), None)
        return fr.cls if fr else None

    # -- environment ---------------------------------------------------------------------------
    def lookup(self, name: str, env: dict) -> Val | None:
        if name in env:
            return env[name]
        if name in self.globals:
            return self.globals[name]
        return None

    def check_flip(self, target, val: Val, node) -> None:
        """`cfg["oversight_enabled"] = False`, `os.environ["AUDIT_ENABLED"] = "0"` (attributes of settings
        objects are left alone: they are mostly never written anywhere)."""
        key = None
        if isinstance(target, ast.Subscript):
            k = target.slice
            key = k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
        if key and patterns.oversight_key(key) and patterns.turns_off(key, val.text):
            self.emit("oversight", node, "assignment", payload=val, key=key)

    def assign(self, target, val: Val, env: dict) -> None:
        if isinstance(target, ast.Name):
            if target.id in self.global_decls[-1] and env is not self.globals:
                self.globals[target.id] = val
            else:
                env[target.id] = val
        elif isinstance(target, (ast.Tuple, ast.List)):
            elts = target.elts
            if val.items is not None and len(val.items) == len(elts) and not any(isinstance(e, ast.Starred) for e in elts):
                for e, v in zip(elts, val.items):
                    self.assign(e, v, env)
            else:
                elem = Val(val.labels, val.steps)
                for e in elts:
                    self.assign(e.value if isinstance(e, ast.Starred) else e, elem, env)
        elif isinstance(target, ast.Attribute):
            key = self._attr_key(target)
            if key is not None:
                if key[0] == "cls":
                    old = self.class_attrs.get(key[1:])
                    self.class_attrs[key[1:]] = join(old, val) if old is not None else val
                else:
                    env[key[1]] = val
        elif isinstance(target, ast.Subscript):
            self.mutate(target.value, val, env)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, val, env)

    def _attr_key(self, node: ast.Attribute):
        base = node.value
        if isinstance(base, ast.Name):
            if base.id == "self" and self._cls():
                return ("cls", self._cls(), node.attr)
            return ("env", f"{base.id}.{node.attr}")
        return None

    def mutate(self, target, val: Val, env: dict) -> None:
        """`x.append(v)`, `x[k] = v`, `x += v`: the container now also holds v's labels."""
        if not val.labels and val.text is None:
            return
        if isinstance(target, ast.Name):
            old = self.lookup(target.id, env)
            new = join(old, Val(val.labels, val.steps)) if old is not None else Val(val.labels, val.steps)
            if old is not None:
                new = Val(new.labels, new.steps, old.text, old.obj, None, old.info)
            self.assign(target, new, env)
        elif isinstance(target, ast.Attribute):
            key = self._attr_key(target)
            if key is None:
                return
            if key[0] == "cls":
                old = self.class_attrs.get(key[1:])
                self.class_attrs[key[1:]] = join(old, val) if old is not None else Val(val.labels, val.steps)
            else:
                old = env.get(key[1])
                env[key[1]] = join(old, val) if old is not None else Val(val.labels, val.steps)
        elif isinstance(target, ast.Subscript):
            self.mutate(target.value, val, env)

    def _root_name(self, node):
        while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            node = node.func if isinstance(node, ast.Call) else node.value
        return node if isinstance(node, ast.Name) else None

    def upgrade(self, node, label: str, step, env: dict) -> None:
        """A filter showed that the values of this name are code files (or similar)."""
        root = self._root_name(node)
        if root is None:
            return
        cur = self.lookup(root.id, env)
        if cur is not None and label not in cur.labels:
            env[root.id] = cur.with_label(label, step)

    # -- statements ----------------------------------------------------------------------------
    def block(self, body: list[ast.stmt], env: dict) -> None:
        for stmt in body:
            self.stmt(stmt, env)

    def stmt(self, s: ast.stmt, env: dict) -> None:
        self.tick()
        if isinstance(s, ast.Expr):
            self.ev(s.value, env)
        elif isinstance(s, ast.Assign):
            v = self.ev(s.value, env)
            for t in s.targets:
                if isinstance(t, ast.Subscript):
                    self.check_flip(t, v, s)
                self.assign(t, v, env)
        elif isinstance(s, ast.AugAssign):
            v = self.ev(s.value, env)
            cur = self.ev(s.target, env) if not isinstance(s.target, ast.Subscript) else EMPTY
            if isinstance(s.target, ast.Subscript):
                self.mutate(s.target.value, v, env)
            else:
                self.assign(s.target, concat(cur, v) if isinstance(s.op, ast.Add) else join(cur, v), env)
        elif isinstance(s, ast.AnnAssign):
            if s.value is not None:
                self.assign(s.target, self.ev(s.value, env), env)
        elif isinstance(s, (ast.Import, ast.ImportFrom)):
            self.imported(s)
        elif isinstance(s, ast.If):
            self.ev(s.test, env)
            self.frames.append(Frame("if", s))
            try:
                self.branches([s.body, s.orelse], env)
            finally:
                self.frames.pop()
        elif isinstance(s, (ast.For, ast.AsyncFor)):
            it = self.ev(s.iter, env)
            endless = self._endless_iter(s.iter) and not _exits(s.body)
            unbounded = endless and not _blocks(s.body)
            elem = self.element(it, s.iter)
            fr = Frame("for", s, iter=elem if (elem.labels & {HOSTS, ENUM, ENUM_CODE, CRED}) else None,
                       unbounded=unbounded, paced=endless and not unbounded and not _blocks(s.body, pacing=False))
            self.frames.append(fr)
            try:
                for i in range(2):
                    before = _label_sig(env) if i == 0 else None
                    self.assign(s.target, elem, env)
                    self.block(s.body, env)
                    if i == 0 and _label_sig(env) == before:
                        break
            finally:
                self.frames.pop()
            self.block(s.orelse, env)
        elif isinstance(s, ast.While):
            self.ev(s.test, env)
            endless = _truthy_const(s.test) and not _exits(s.body)
            unbounded = endless and not _blocks(s.body)
            self.frames.append(Frame("while", s, unbounded=unbounded,
                                     paced=endless and not unbounded and not _blocks(s.body, pacing=False)))
            try:
                for i in range(2):
                    before = _label_sig(env) if i == 0 else None
                    self.block(s.body, env)
                    if i == 0 and _label_sig(env) == before:
                        break
            finally:
                self.frames.pop()
            self.block(s.orelse, env)
        elif isinstance(s, (ast.With, ast.AsyncWith)):
            for item in s.items:
                v = self.ev(item.context_expr, env)
                if item.optional_vars is not None:
                    self.assign(item.optional_vars, v, env)
            self.block(s.body, env)
        elif isinstance(s, ast.Try) or type(s).__name__ == "TryStar":
            self.block(s.body, env)
            for h in s.handlers:
                if h.name:
                    env[h.name] = EMPTY
                self.block(h.body, env)
            self.block(s.orelse, env)
            self.block(s.finalbody, env)
        elif isinstance(s, ast.Return):
            if s.value is not None:
                v = self.ev(s.value, env)
                if self.returns:
                    self.returns[-1].append(v)
        elif isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in s.decorator_list:
                self.ev(d, env)
            if env is not self.globals:
                self.defs.setdefault(s.name, s)
        elif isinstance(s, ast.ClassDef):
            for b in s.bases:
                self.ev(b, env)
            self.frames.append(Frame("class", s, cls=s.name))
            try:
                cenv: dict = {}
                for sub in s.body:
                    if not isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        self.stmt(sub, cenv)
                for k, v in cenv.items():
                    self.class_attrs[(s.name, k)] = v
            finally:
                self.frames.pop()
        elif isinstance(s, ast.Global):
            self.global_decls[-1].update(s.names)
        elif isinstance(s, ast.Nonlocal):
            pass
        elif isinstance(s, ast.Raise):
            if s.exc is not None:
                self.ev(s.exc, env)
        elif isinstance(s, ast.Assert):
            self.ev(s.test, env)
        elif isinstance(s, ast.Delete):
            pass
        elif type(s).__name__ == "Match":
            self.ev(s.subject, env)
            self.branches([c.body for c in s.cases], env)

    def branches(self, bodies: list[list[ast.stmt]], env: dict) -> None:
        before = dict(env)
        results = []
        for body in bodies:
            env.clear()
            env.update(before)
            self.block(body, env)
            results.append(dict(env))
        env.clear()
        keys = set(before)
        for r in results:
            keys |= set(r)
        for k in keys:
            vals = [r.get(k, before.get(k)) for r in results]
            if len(bodies) == 1:
                vals.append(before.get(k))
            vals = [v for v in vals if v is not None]
            if not vals:
                continue
            first = vals[0]
            if all(v is first for v in vals):
                env[k] = first
            else:
                j = join(*vals)
                # keep a known text when every branch agrees on it
                texts = {v.text for v in vals}
                env[k] = j.retext(first.text) if len(texts) == 1 else j
                if first.obj and all(v.obj == first.obj for v in vals):
                    env[k] = env[k].reobj(first.obj, first.info)

    def _endless_iter(self, node) -> bool:
        if isinstance(node, ast.Call):
            q = self.qual(node.func, {})
            if q in ("itertools.count", "itertools.cycle", "itertools.repeat") and not (
                    q == "itertools.repeat" and len(node.args) > 1):
                return True
            if q == "builtins.iter" and len(node.args) == 2:
                return True
        return False

    def imported(self, s) -> None:
        if isinstance(s, ast.Import):
            for a in s.names:
                if a.asname:
                    self.imports[a.asname] = a.name
                else:
                    top = a.name.split(".")[0]
                    self.imports[top] = top
        else:
            mod = s.module or ""
            for a in s.names:
                if a.name == "*":
                    continue
                self.imports[a.asname or a.name] = f"{mod}.{a.name}" if mod else a.name

    # -- names ---------------------------------------------------------------------------------
    def qual(self, node, env: dict) -> str | None:
        """The qualified name of a name or attribute chain rooted at an import or builtin."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        name = node.id
        if name in env or (name in self.globals and env is not self.globals and name not in self.imports):
            return None
        if name in self.imports:
            base = self.imports[name]
        elif name in BUILTINS and name not in self.defs:
            base = "builtins." + name
        else:
            return None
        return ".".join([base, *reversed(parts)])

    # -- expressions ---------------------------------------------------------------------------
    def ev(self, node, env: dict) -> Val:
        self.tick()
        t = type(node)
        if t is ast.Constant:
            return self.literal(node)
        if t is ast.Name:
            return self.name(node, env)
        if t is ast.Attribute:
            return self.attribute(node, env)
        if t is ast.Call:
            return self.call(node, env)
        if t is ast.JoinedStr:
            parts = []
            for v in node.values:
                if isinstance(v, ast.Constant):
                    parts.append(self.literal(v, classify=False))
                elif isinstance(v, ast.FormattedValue):
                    inner = self.ev(v.value, env)
                    parts.append(inner if inner.text is not None or not inner.labels else inner.retext("{}"))
            out = concat(*parts) if parts else Val(text="")
            return self._classified(out, node)
        if t is ast.BinOp:
            left = self.ev(node.left, env)
            right = self.ev(node.right, env)
            if isinstance(node.op, ast.Div) and (left.obj == "path" or right.obj == "path"):
                return self.path_join(left, [right], node)
            if isinstance(node.op, ast.Mod):
                if self._quine(node.left, node.right, env):
                    return join(left, right).with_label(SELF_CODE, ("formats its own text into itself (a quine)", node))
                j = join(left, right)
                return self._classified(Val(j.labels, j.steps, _percent(left.text, right), None), node)
            if isinstance(node.op, ast.Add):
                if left.items is not None and right.items is not None:
                    return seq(list(left.items) + list(right.items))
                if left.items is not None or right.items is not None:
                    v = join(left, right)
                    return Val(v.labels, v.steps, f"{left.shown} {right.shown}")
                return self._classified(concat(left, right), node)
            return join(left, right).retext(None)
        if t in (ast.List, ast.Tuple, ast.Set, ast.Dict):
            # data displays get a budget of elements per module: generated tables of thousands of
            # entries would otherwise spend the whole work limit on constants
            n = len(node.keys) if t is ast.Dict else len(node.elts)
            if self.display_budget <= 0 or self.display_depth > 12:
                return EMPTY
            self.display_budget -= n
            self.display_depth += 1
            try:
                return self.display(node, env)
            finally:
                self.display_depth -= 1
        if t is ast.Subscript:
            return self.subscript(node, env)
        return self.ev_rest(node, env, t)

    def display(self, node, env: dict) -> Val:
        if type(node) is not ast.Dict:
            return seq([self.ev(e, env) for e in node.elts[:200]])
        if True:
            vals = [self.ev(v, env) for v in node.values[:200]]
            keys = [self.ev(k, env) for k in node.keys[:200] if k is not None]
            j = join(*vals, *keys)
            info = {}
            for k, v in zip(node.keys, vals):
                ks = _const_str(k) if k is not None else None
                if ks is not None:
                    info[ks] = v
            return Val(j.labels, j.steps, None, "dict", None, info)

    def ev_rest(self, node, env: dict, t) -> Val:
        if t in (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp):
            return self.comprehension(node, env)
        if t is ast.Compare:
            return self.compare(node, env)
        if t is ast.BoolOp:
            return join(*[self.ev(v, env) for v in node.values])
        if t is ast.IfExp:
            self.ev(node.test, env)
            return join(self.ev(node.body, env), self.ev(node.orelse, env))
        if t is ast.UnaryOp:
            v = self.ev(node.operand, env)
            return EMPTY if isinstance(node.op, ast.Not) else v
        if t in (ast.Await, ast.YieldFrom):
            return self.ev(node.value, env)
        if t is ast.Yield:
            v = self.ev(node.value, env) if node.value is not None else EMPTY
            if self.returns:
                self.returns[-1].append(v)
            return EMPTY
        if t is ast.NamedExpr:
            v = self.ev(node.value, env)
            self.assign(node.target, v, env)
            return v
        if t is ast.Starred:
            return self.ev(node.value, env)
        if t is ast.Lambda:
            return Val(obj="lambda", info={"node": node})
        if t is ast.FormattedValue:
            return self.ev(node.value, env)
        if t is ast.Slice:
            return EMPTY
        return EMPTY

    def literal(self, node, classify: bool = True) -> Val:
        s = _const_str(node)
        if s is None:
            return Val(text=str(node.value)[:40]) if isinstance(node.value, (int, float)) else EMPTY
        v = Val(text=s[:4000])
        if s in self.copies:
            c = self.copies[s]
            v = Val(c.labels, c.steps, v.text, c.obj)
        elif self.copies and len(s) < 2000:
            for path, c in self.copies.items():
                if SELF_COPY_DIR in c.labels and len(path) > 1 and path.rstrip("/") + "/" in s:
                    v = Val((c.labels - {SELF_COPY_DIR}) | {SELF_COPY}, c.steps, v.text)
                    break
        return self._classified(v, node) if classify else v

    def _classified(self, v: Val, node) -> Val:
        """Labels a (partly) known string carries by itself: asset, persistence location…"""
        text = v.text
        if not text or len(text) > 2000:
            return v
        if HOSTS not in v.labels and _ADDR_RANGE.match(text):
            return v.with_label(HOSTS, (f"builds addresses of a network range ({_short(text)})", node))
        found = patterns.classify_literal(text)
        if not found and not (SITE_DIR in v.labels and text.rstrip().endswith(".pth")):
            return v
        labels = set(v.labels)
        steps = list(v.steps)
        for key, detail in found.items():
            if key == "asset":
                lab, what = ASSET_PATH + detail, f"names an agent asset ({detail})"
            elif key == "hosts-file":
                lab, what = HOSTS_FILE, "names a file listing known hosts"
            elif key == "cred-file":
                lab, what = CRED_FILE, "names a credential file"
            elif key == "persist-path":
                lab, what = PERSIST + detail, f"names a persistence location ({detail})"
            elif key == "site-dir":
                lab, what = SITE_DIR, "names site-packages"
            elif key == "self-path":
                lab, what = SELF_PATH, "names its own executable"
            elif key == "manifest":
                lab, what = "manifest", "names a package manifest"
            else:
                continue
            if lab not in labels:
                labels.add(lab)
                steps.append((f"{_short(text)} {what}", node))
        if SITE_DIR in labels and text.rstrip().endswith(".pth"):
            if PERSIST + "python-startup" not in labels:
                labels.add(PERSIST + "python-startup")
                steps.append((f"{_short(text)} is a .pth file in site-packages", node))
        return Val(frozenset(labels), tuple(steps[:10]), v.text, v.obj, v.items, v.info)

    def _quine(self, left, right, env) -> bool:
        """`s % s` / `s.format(s)` where s holds a %r / {!r} placeholder: text formatted with itself."""
        def root(n):
            if isinstance(n, ast.Tuple) and n.elts:
                return root(n.elts[0])
            return n.id if isinstance(n, ast.Name) else None
        ln, rn = root(left), root(right)
        if ln is None or ln != rn:
            return False
        v = self.lookup(ln, env)
        return v is not None and v.text is not None and any(k in v.text for k in ("%r", "!r}", "%s", "{0}", "{}"))

    def name(self, node: ast.Name, env: dict) -> Val:
        n = node.id
        if n in ("__file__", "__vsc_ipynb_file__") and n not in env:
            # (VS Code sets __vsc_ipynb_file__ to a notebook's own path)
            return Val(frozenset({SELF_PATH}), ((f"its own path ({n})", node),), "{" + n + "}", "path")
        v = self.lookup(n, env)
        if v is not None:
            return v
        if n in self.imports:
            return Val(obj="mod:" + self.imports[n])
        if n in self.defs:
            return Val(obj="def:" + n)
        if n in self.classes:
            return Val(obj="class:" + n)
        if n in ("__loader__", "__spec__"):
            return Val(obj="mod:" + n)
        return EMPTY

    def attribute(self, node: ast.Attribute, env: dict) -> Val:
        q = self.qual(node, env)
        if q is not None:
            return self.module_attr(q, node)
        base = self.ev(node.value, env)
        a = node.attr
        if base.obj == "mod:__spec__" and a == "origin":
            return Val(frozenset({SELF_PATH}), (("its own path (__spec__.origin)", node),), "{__spec__}", "path")
        if base.obj and base.obj.startswith("mod:"):
            return self.module_attr(base.obj[4:] + "." + a, node)
        if a == "filename" and base.obj == "frameinfo":
            return Val(frozenset({SELF_PATH}), (("its own path (frame info)", node),), "{__file__}", "path")
        if a in ("co_filename",) or (a == "__file__" and base.obj == "selfmod"):
            return Val(frozenset({SELF_PATH}), ((f"its own path (.{a})", node),), "{__file__}", "path")
        if a == "origin" and base.obj == "spec-self":
            return Val(frozenset({SELF_PATH}), (("its own path (spec.origin)", node),), "{__file__}", "path")
        if base.obj and base.obj.startswith("inst:"):
            cls = base.obj[5:]
            if cls in self.classes:
                stored = self.class_attrs.get((cls, a))
                if stored is not None:
                    return stored
                if a in self.classes[cls]:
                    return Val(obj=f"meth:{cls}.{a}")
            return Val(base.labels, base.steps, None, f"{base.obj}.{a}", None, base.info)
        if isinstance(node.value, ast.Name) and node.value.id == "self" and self._cls():
            cls = self._cls()
            stored = self.class_attrs.get((cls, a))
            if stored is not None:
                return stored
            if cls in self.classes and a in self.classes[cls]:
                return Val(obj=f"meth:{cls}.{a}")
        if isinstance(node.value, ast.Name):
            stored = env.get(f"{node.value.id}.{a}")
            if stored is not None:
                return stored
        if base.obj == "path" or base.has(SELF_PATH, SELF_DIR, SELF_COPY, ENUM, ENUM_CODE) or base.has_prefix(ASSET_PATH):
            if a in ("parent", "parents"):
                return self.dirname(base, node)
            if a in ("name", "stem", "suffix", "suffixes"):
                return Val(text=None if a != "suffix" else None)
            if a in ("path",):  # os.DirEntry.path
                return base
        if base.obj == "file" and a == "name":
            p = (base.info or {}).get("path", EMPTY)
            return p
        if base.obj == "llm" or base.has(LLM_OUT, LLM_SELF):
            return Val(base.labels, base.steps, None, "llm")
        return Val(base.labels, base.steps, None, None) if base.labels else EMPTY

    def module_attr(self, q: str, node) -> Val:
        if q == "__main__.__file__":
            return Val(frozenset({SELF_PATH}), (("its own path (__main__.__file__)", node),), "{__file__}", "path")
        if q == "__main__":
            return Val(obj="selfmod")
        if q == "sys.argv":
            return Val(frozenset({ARGV}), (("its own command line (sys.argv)", node),), "{argv}", "argv")
        if q in ("sys.executable", "sys._base_executable"):
            return Val(frozenset({PYEXE}), (), "python", None)
        if q == "os.environ":
            return Val(obj="environ")
        if q in ("site.USER_SITE",):
            return Val(frozenset({SITE_DIR}), (("site-packages (site.USER_SITE)", node),), "{site}", "path")
        if q in ("subprocess.DEVNULL", "os.devnull"):
            return Val(text="{devnull}", obj="devnull")
        last = q.rsplit(".", 1)[-1]
        if q.startswith("signal.") and (last.startswith(("SIG", "CTRL_")) or last == "Signals"):
            return Val(text=last)
        return Val(obj="mod:" + q)

    def subscript(self, node: ast.Subscript, env: dict) -> Val:
        base = self.ev(node.value, env)
        sl = node.slice
        idx = self.ev(sl, env) if not isinstance(sl, ast.Slice) else EMPTY
        if isinstance(sl, ast.Slice):
            for part in (sl.lower, sl.upper, sl.step):
                if part is not None:
                    self.ev(part, env)
        if base.obj == "argv" or (base.has(ARGV) and base.obj is None and base.items is None):
            if isinstance(sl, ast.Constant) and sl.value == 0:
                return Val(frozenset({SELF_PATH}), (("its own path (sys.argv[0])", node),), "{__file__}", "path")
            if isinstance(sl, ast.Slice):
                lower = sl.lower
                if lower is None or (isinstance(lower, ast.Constant) and lower.value == 0):
                    return base
            return EMPTY
        if base.obj == "mod:sys.modules":
            if (isinstance(sl, ast.Name) and sl.id == "__name__") or idx.text == "__main__":
                return Val(obj="selfmod")
            return EMPTY
        if base.obj == "namespace" and idx.text == "__file__":
            return Val(frozenset({SELF_PATH}), (("its own path (from its namespace)", node),), "{__file__}", "path")
        if base.obj == "environ":
            key = idx.text or ""
            if any(k in key.upper() for k in ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL")):
                return Val(frozenset({CRED}), ((f"reads the secret {key}", node),), "{secret}")
            return EMPTY
        if base.obj == "dict" and base.info and idx.text in base.info:
            return base.info[idx.text]
        if base.items is not None and isinstance(sl, ast.Constant) and isinstance(sl.value, int):
            try:
                return base.items[sl.value]
            except IndexError:
                return EMPTY
        if base.obj == "file" or base.obj == "path":
            return Val(base.labels, base.steps)
        if isinstance(sl, ast.Slice):
            return Val(base.labels, base.steps, base.text, None, base.items, None)
        if base.obj and base.obj.startswith("inst:"):
            return Val(base.labels, base.steps, None, base.obj + "[]")
        return Val(base.labels, base.steps) if base.labels else EMPTY

    def compare(self, node: ast.Compare, env: dict) -> Val:
        left = self.ev(node.left, env)
        rights = [self.ev(c, env) for c in node.comparators]
        for op, rnode, right in zip(node.ops, node.comparators, rights):
            if isinstance(op, (ast.In, ast.NotIn)):
                # "MARKER in target_text": the infected-already check of a file infector
                if left.text and "{}" not in left.text and not left.labels and right.has(TARGET_TEXT, ENUM_CODE):
                    fr = next((f for f in reversed(self.frames) if f.kind in ("for", "while", "func", "module")), None)
                    if fr is not None and fr.marker is None:
                        fr.marker = (f"checks the target for the marker {_short(left.text)}", node)
                if left.has(ENUM) and right.text and any(patterns.is_code_ext(x) for x in right.text.split()):
                    self.upgrade(node.left, ENUM_CODE, ("keeps code files", node), env)
            if isinstance(op, (ast.Eq, ast.In)):
                if left.has(ENUM) and right.text and patterns.is_code_ext(right.text.split()[0] if right.text.split() else ""):
                    self.upgrade(node.left, ENUM_CODE, ("keeps code files", node), env)
        return EMPTY

    def comprehension(self, node, env: dict) -> Val:
        cenv = dict(env)
        for gen in node.generators:
            it = self.ev(gen.iter, cenv)
            self.assign(gen.target, self.element(it, gen.iter), cenv)
            for cond in gen.ifs:
                self.ev(cond, cenv)
        if isinstance(node, ast.DictComp):
            v = join(self.ev(node.key, cenv), self.ev(node.value, cenv))
        else:
            v = self.ev(node.elt, cenv)
        return Val(v.labels, v.steps)

    def element(self, it: Val, node=None) -> Val:
        """What iterating over `it` yields."""
        if it.obj == "file":
            return self.read_content(it, node, "iterates over")
        if it.items is not None and it.items:
            if len(it.items) == 1:
                return it.items[0]
            texts = [i.text for i in it.items if i.text]
            return join(*it.items).retext(" ".join(texts)[:400] if texts else None)
        return Val(it.labels, it.steps, None, "path" if it.obj == "path" else None)

    # -- paths ---------------------------------------------------------------------------------
    def dirname(self, v: Val, node) -> Val:
        labels = set(v.labels)
        steps = v.steps
        if SELF_PATH in labels or SELF_DIR in labels:
            labels -= {SELF_PATH}
            if SELF_DIR not in labels:
                labels.add(SELF_DIR)
                steps = steps + (("its own folder", node),)
        if SELF_COPY in labels:
            labels.discard(SELF_COPY)
        labels -= {ENUM_CODE}
        text = v.text.rsplit("/", 1)[0] if v.text and "/" in v.text else v.text
        return Val(frozenset(labels), steps, text, "path")

    def path_join(self, base: Val, parts: list[Val], node) -> Val:
        """os.path.join / Path / "/": naming a *different* file below one's own folder drops the
        self labels (resource loading); other labels (enumerated, asset, persistence) survive."""
        labels = set(base.labels)
        steps = base.steps
        inside_copy = SELF_COPY_DIR in labels
        if parts and (labels & {SELF_PATH, SELF_DIR, SELF_COPY}):
            rel = [p.text for p in parts]
            if all(r is not None and r.strip() in ("", ".", "..", "../..", "./") for r in rel):
                if SELF_PATH in labels:
                    labels = (labels - {SELF_PATH}) | {SELF_DIR}
            else:
                labels -= {SELF_PATH, SELF_DIR, SELF_COPY}
                steps = tuple(s for s in steps if not s[0].startswith("its own"))
        for p in parts:
            labels |= {lab for lab in p.labels if lab not in (SELF_PATH, SELF_DIR, SELF_COPY, PYEXE, ARGV)}
            steps = steps + tuple(s for s in p.steps if not s[0].startswith("its own"))
        if inside_copy and parts:
            labels |= {SELF_COPY}
            labels.discard(SELF_COPY_DIR)
            steps = base.steps
        texts = [base.shown] + [p.shown for p in parts]
        text = "/".join(t.strip("/") if i else t.rstrip("/") for i, t in enumerate(texts))
        out = Val(frozenset(labels), steps[:10], text[:2000], "path")
        return self._classified(out, node)

    # -- files ---------------------------------------------------------------------------------
    def open_file(self, path: Val, mode: str, node, path_node=None) -> Val:
        return Val(path.labels, path.steps, path.text, "file", None,
                   {"path": path, "mode": mode, "node": path_node})

    def config_written(self, dest: Val, data: Val, node) -> None:
        if dest.text and patterns.is_config_file(dest.text):
            self.emit("config-write", node, "write", payload=data, dest=dest)
            key = patterns.flip_in_text(data.text or "")
            if key:
                self.emit("oversight", node, "config text", payload=data, key=key)

    def wrote(self, dest: Val, data: Val, dest_node, node, env) -> None:
        """After writing its own code to a file, that file is a copy of itself."""
        if not data.has(SELF_CODE) or dest.has(SELF_PATH):
            return
        for tag in sorted(dest.labels):
            if tag.startswith("tag:"):
                self.self_tags[tag] = data.steps[:8] + (("writes its own source to a temporary file", node),)
        if dest.text and "{}" not in dest.text:
            self.copies[dest.text] = dest.with_label(SELF_COPY, (f"writes its own source to {_short(dest.text)}", node))
        if dest_node is None:
            return
        step = (f"writes {'its own text (a quine)' if any('quine' in st[0] for st in data.steps) else 'its own source'}"
                f" to {_short(dest.shown)}", node)
        newv = Val(dest.labels, data.steps[:8], dest.text, dest.obj, None, None).with_label(SELF_COPY, step)
        self._mark_copy(dest_node, newv, env)

    def read_content(self, fileval: Val, node, verb: str = "reads") -> Val:
        """Content read from a file whose path value is known."""
        path = (fileval.info or {}).get("path", fileval) if fileval.obj == "file" else fileval
        labels = set()
        steps = list(path.steps)
        lab = path.labels
        if lab & {SELF_PATH, SELF_COPY}:
            labels.add(SELF_CODE)
            steps.append((f"{verb} its own source", node))
        for a in path.has_prefix(ASSET_PATH):
            labels.add(ASSET + a[len(ASSET_PATH):])
        if HOSTS_FILE in lab:
            labels.add(HOSTS)
            steps.append(("harvests hosts from it", node))
        if CRED_FILE in lab:
            labels.add(CRED)
            steps.append(("reads credentials", node))
        if lab & {ENUM, ENUM_CODE}:
            labels.add(TARGET_TEXT)
        if SELF_DIR in lab and any("archive" in st[0] for st in path.steps):
            labels.add(SELF_DIR)  # the bytes of an archive of its own folder
        labels |= {x for x in lab if x in (SELF_CODE, HOSTS, CRED, LLM_OUT, LLM_SELF) or x.startswith(ASSET)}
        if not labels:
            return EMPTY
        return Val(frozenset(labels), tuple(steps[:10]))

    # -- calls -----------------------------------------------------------------------------------
    def call(self, node: ast.Call, env: dict) -> Val:
        func = node.func
        recv = None
        q = self.qual(func, env)
        if q is None:
            if isinstance(func, ast.Attribute):
                recv = self.ev(func.value, env)
                if recv.obj and recv.obj.startswith("mod:"):
                    q = recv.obj[4:] + "." + func.attr
                elif recv.obj and recv.obj.startswith("inst:"):
                    q = recv.obj[5:] + "." + func.attr
                elif recv.obj == "selfmod" and func.attr:
                    q = "selfmod." + func.attr
                elif recv.obj == "namespace" and func.attr == "get" and node.args \
                        and isinstance(node.args[0], ast.Constant) and node.args[0].value in ("__file__", "__vsc_ipynb_file__"):
                    # globals().get('__file__') / globals().get('__vsc_ipynb_file__', 'nb.ipynb')
                    return Val(frozenset({SELF_PATH}), (("its own path (from its namespace)", node),), "{__file__}", "path")
                else:
                    q = "?." + func.attr
            else:
                fv = self.ev(func, env)
                if fv.obj and fv.obj.startswith("mod:"):
                    q = fv.obj[4:]
                elif fv.obj and fv.obj.startswith(("def:", "class:", "meth:")):
                    q = fv.obj
                elif fv.obj == "lambda":
                    q = "lambda"
                else:
                    q = None
        args = [self.ev(a, env) for a in node.args[:64]]
        kw = {}
        for k in node.keywords[:64]:
            v = self.ev(k.value, env)
            if k.arg is None:
                kw.setdefault("**", v)
            else:
                kw[k.arg] = v
        if q is None:
            return join(*[a.content() for a in args])
        return self.dispatch(q, node, args, kw, recv, env)

    def _arg(self, args, kw, i, name, default=EMPTY) -> Val:
        if name and name in kw:
            return kw[name]
        if i is not None and i < len(args):
            return args[i]
        return default

    def dispatch(self, q: str, node, args: list[Val], kw: dict, recv: Val | None, env: dict) -> Val:
        meth = q.rsplit(".", 1)[-1]
        # local functions and classes
        if q.startswith("def:"):
            name = q[4:]
            fn = self.defs.get(name)
            return self.call_def(name, fn, args, kw, None, node) if fn else EMPTY
        if q.startswith("meth:"):
            name = q[5:]
            fn = self.defs.get(name)
            cls = name.split(".")[0]
            return self.call_def(name, fn, args, kw, Val(obj="inst:" + cls), node) if fn else EMPTY
        if q.startswith("class:"):
            cls = q[6:]
            init = self.defs.get(f"{cls}.__init__")
            if init is not None:
                self.call_def(f"{cls}.__init__", init, args, kw, Val(obj="inst:" + cls), node)
            return Val(obj="inst:" + cls)
        if q.startswith("?.") or (recv is not None and recv.obj and recv.obj.startswith("inst:") and recv.obj[5:].split(".")[0] in self.classes):
            if recv is not None and recv.obj and recv.obj.startswith("inst:"):
                cls = recv.obj[5:].split(".")[0]
                if cls in self.classes and meth in self.classes[cls]:
                    return self.call_def(f"{cls}.{meth}", self.classes[cls][meth], args, kw, recv, node)
            # self.method() inside a class
            if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == "self" and self._cls():
                cls = self._cls()
                if cls in self.classes and meth in self.classes[cls]:
                    return self.call_def(f"{cls}.{meth}", self.classes[cls][meth], args, kw, Val(obj="inst:" + cls), node)
            return self.method(meth, node, args, kw, recv or EMPTY, env)
        h = _HANDLERS.get(q)
        if h is not None:
            return h(self, q, node, args, kw, recv, env)
        for prefix, h in _PREFIX_HANDLERS:
            if q.startswith(prefix):
                return h(self, q, node, args, kw, recv, env)
        if q in SPAWN_FUNCS:
            return self.spawn(q, node, args, kw, env)
        if q in COPY_FUNCS:
            return self.copy(q, node, args, kw, env)
        if q in KNOWN_CLASSES or (meth[:1].isupper() and not meth.isupper() and "." in q and not q.startswith("builtins.")):
            self.constructed(q, node, args, kw, env)
            labels = join(*[a for a in args], *kw.values())
            return Val(labels.labels, labels.steps, None, "inst:" + q)
        if any(h in q for h in LLM_HINTS[:10]):
            return self.llm(q, node, args, kw)
        if q in KEEP_ALL:
            if q == "builtins.str" and args and args[0].obj == "file":
                return EMPTY
            v = join(*args) if len(args) != 1 else args[0]
            return v.reobj("path" if args and args[0].obj == "path" else None) if args else EMPTY
        if meth in UPLOAD_METHODS or meth in ("run_instances", "create_namespaced_deployment",
                                              "create_namespaced_pod", "patch_namespaced_deployment_scale"):
            return self.method(meth, node, args, kw, recv or Val(obj="inst:" + q.rsplit(".", 1)[0]), env)
        if recv is not None and recv.obj and recv.obj.startswith("inst:"):
            return self.method(meth, node, args, kw, recv, env)
        # an unknown function: content survives, paths do not
        return join(*[a.content() for a in args], *[v.content() for v in kw.values()])

    def call_def(self, name: str, fn, args, kw, selfval, node) -> Val:
        if fn is None:
            return EMPTY
        self.analysed.add(name)
        if name in self.stack or len(self.stack) >= MAX_INLINE_DEPTH:
            return join(*[a.content() for a in args])
        key = (name, tuple(a.labels for a in args), tuple(sorted((k, v.labels) for k, v in kw.items())),
               selfval.obj if selfval is not None else None, self._context_sig())
        if key in self.memo and not any(a.labels for a in args) and not any(v.labels for v in kw.values()):
            return self.memo[key]
        n = self.inlined.get(name, 0)
        if n >= MAX_INLINE_PER_FUNC:
            return join(*[a.content() for a in args])
        self.inlined[name] = n + 1
        local: dict[str, Val] = {}
        a = fn.args
        params = [p.arg for p in a.posonlyargs + a.args]
        if selfval is not None and params:
            local[params[0]] = selfval
            params = params[1:]
        defaults = a.defaults
        for i, p in enumerate(params):
            if i < len(args):
                local[p] = args[i]
            elif p in kw:
                local[p] = kw[p]
            else:
                j = i - (len(params) - len(defaults))
                local[p] = self.ev(defaults[j], self.globals) if 0 <= j < len(defaults) else EMPTY
        for p, d in zip(a.kwonlyargs, a.kw_defaults):
            local[p.arg] = kw.get(p.arg) or (self.ev(d, self.globals) if d is not None else EMPTY)
        if a.vararg:
            local[a.vararg.arg] = seq(args[len(params):]) if len(args) > len(params) else EMPTY
        if a.kwarg:
            local[a.kwarg.arg] = join(*[v for k, v in kw.items() if k not in params])
        cls = name.split(".")[0] if "." in name and name.split(".")[0] in self.classes else None
        self.stack.append(name)
        self.frames.append(Frame("func", fn, func=name, cls=cls))
        self.returns.append([])
        self.global_decls.append(set())
        try:
            self.block(fn.body, local)
        finally:
            self.stack.pop()
            self.frames.pop()
            rets = self.returns.pop()
            self.global_decls.pop()
        out = EMPTY if not rets else rets[0] if len(rets) == 1 else join(*rets).retext(rets[0].text)
        self.memo[key] = out
        return out

    def _context_sig(self) -> tuple:
        """What of the calling context changes a function's events: handlers, endless loops."""
        handler = next((fr.handler[0] for fr in self.frames if fr.handler is not None), None)
        inner = next((fr for fr in reversed(self.frames) if fr.kind in ("while", "for")), None)
        iters = frozenset().union(*(fr.iter.labels for fr in self.frames if fr.iter is not None))
        return (handler, bool(inner is not None and inner.unbounded), iters)

    def constructed(self, q, node, args, kw, env) -> None:
        """Constructors that already reach a sink (`multiprocessing.Process(target=…)`, …)."""
        cls = q.rsplit(".", 1)[-1]
        if cls in ("Process", "Thread", "Timer"):
            target = kw.get("target") or (args[1] if cls == "Timer" and len(args) > 1 else EMPTY)
            recursive = bool(target.obj and target.obj.split(":", 1)[-1].split(".")[-1]
                             in {n.split(".")[-1] for n in self.stack}) and not self._conditional()
            if cls == "Process" or recursive:
                self.emit("process", node, q, payload=target,
                          flags=("unbounded", "recursive") if recursive else ())
            if not recursive:
                targs = kw.get("args")
                targs = list(targs.items) if targs is not None and targs.items is not None else \
                    ([targs] if targs is not None else None)
                tkw = kw.get("kwargs")
                self.run_callable(target, node, env, args=targs,
                                  kwargs=dict(tkw.info) if tkw is not None and tkw.obj == "dict" and tkw.info else None)
        elif q in ("fabric.Connection", "paramiko.Transport", "ftplib.FTP", "ftplib.FTP_TLS",
                   "telnetlib.Telnet", "socket.create_connection"):
            host = args[0] if args else kw.get("host", kw.get("hostname", EMPTY))
            self.emit("connect", node, q, dest=host)

    def run_callable(self, fnval: Val, node, env, handler=None, args: list | None = None,
                     kwargs: dict | None = None) -> None:
        """Analyse a function handed over as a value (thread target, pool task, signal handler,
        atexit) with the arguments it will receive, when they are known."""
        fr = None
        if handler is not None:
            fr = Frame("handler", node, handler=handler)
            self.frames.append(fr)
        try:
            if fnval.obj and fnval.obj.startswith(("def:", "meth:")):
                name = fnval.obj.split(":", 1)[1]
                fn = self.defs.get(name)
                if fn is not None:
                    sv = Val(obj="inst:" + name.split(".")[0]) if fnval.obj.startswith("meth:") else None
                    saved = self.inlined.get(name, 0)
                    self.inlined[name] = 0  # a handler context is a different context
                    self.call_def(name, fn, list(args) if args is not None else [EMPTY, EMPTY], kwargs or {}, sv, node)
                    self.inlined[name] = max(saved, self.inlined.get(name, 0))
            elif fnval.obj == "lambda":
                lam = fnval.info["node"]
                params = [a.arg for a in lam.args.args]
                vals = list(args or [])
                self.ev(lam.body, {p: (vals[i] if i < len(vals) else EMPTY) for i, p in enumerate(params)})
        finally:
            if fr is not None:
                self.frames.pop()

    def pooled(self, meth: str, node, args, kw, env) -> None:
        """`executor.map(f, hosts)`, `pool.apply_async(f, (x,))`, `loop.run_in_executor(None, f, x)`:
        f runs with the elements or arguments it is handed."""
        fn, rest = args[0], args[1:]
        if meth in ("map", "imap", "imap_unordered", "map_async", "starmap", "starmap_async"):
            elems = [self.element(r) for r in rest]
            if meth.startswith("starmap") and elems:
                elems = [elems[0]] * 4
            self.run_callable(fn, node, env, args=elems)
        elif meth in ("apply_async", "apply"):
            a = rest[0] if rest else kw.get("args")
            self.run_callable(fn, node, env, args=list(a.items) if a is not None and a.items is not None else None)
        else:  # submit, run_in_executor (first argument already dropped by the caller), call_soon
            self.run_callable(fn, node, env, args=list(rest))

    # -- methods on values -----------------------------------------------------------------------
    def method(self, meth: str, node, args, kw, recv: Val, env: dict) -> Val:
        obj = recv.obj or ""
        if obj == "environ" and meth in ("get", "setdefault", "pop"):
            key = args[0].text if args else ""
            default = args[1] if len(args) > 1 else kw.get("default", EMPTY)
            if key and any(k in key.upper() for k in ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL")):
                return default.with_label(CRED, (f"reads the secret {key}", node))
            return default
        if meth in POOL_METHODS and args and (args[0].obj or "").startswith(("def:", "meth:", "lambda")):
            self.pooled(meth, node, args, kw, env)
            return EMPTY
        func = node.func
        target = func.value if isinstance(func, ast.Attribute) else None
        # containers that collect what is appended to them
        if meth in ("append", "extend", "insert", "add", "update", "appendleft", "setdefault", "put",
                    "add_attachment", "attach", "set_content", "set_payload", "add_header"):
            if meth == "put" and obj.startswith("inst:") and _is_remote_obj(obj[5:]):
                return self.remote_put(obj[5:] + ".put", node, args, kw, recv)
            if target is not None and args:
                self.mutate(target, join(*args), env)
            return EMPTY
        if obj == "file" or (obj.startswith("inst:") and obj.endswith(("open", "TextIOWrapper"))):
            if meth in ("read", "readlines", "readline", "read_text", "read_bytes"):
                return self.read_content(recv, node)
            if meth in ("write", "writelines"):
                info = recv.info or {}
                path = info.get("path", EMPTY)
                data = join(*args)
                self.emit("write", node, "write", payload=data, dest=path, mode=info.get("mode", "w"))
                self.wrote(path, data, info.get("node"), node, env)
                self.config_written(path, data, node)
                return EMPTY
        if obj == "path" or recv.has(SELF_PATH, SELF_DIR, SELF_COPY, ENUM, ENUM_CODE) or recv.has_prefix(ASSET_PATH) \
                or recv.has_prefix(PERSIST) or recv.has(SITE_DIR, HOSTS_FILE, CRED_FILE):
            r = self.path_method(meth, node, args, kw, recv, env)
            if r is not None:
                return r
        if meth in ("rglob", "glob", "iterdir") and obj != "mod:glob":
            return self.enumerate_files(f"Path.{meth}", node, args[0] if args else EMPTY, recv)
        if meth in ("read_text", "read_bytes"):
            return self.read_content(recv, node)
        if meth in ("write_text", "write_bytes"):
            self.emit("write", node, meth, payload=join(*args), dest=recv, mode="w")
            return EMPTY
        if meth in ("endswith", "match", "fnmatch") and args and target is not None:
            root = self._root_name(target)
            rv = self.lookup(root.id, env) if root is not None else None
            if (recv.has(ENUM) or (rv is not None and rv.has(ENUM))) and args[0].text and any(
                    patterns.is_code_ext(x) or patterns.is_code_glob(x)
                    for x in args[0].text.replace(",", " ").split()):
                self.upgrade(target, ENUM_CODE, ("keeps code files", node), env)
            if meth == "endswith":
                return EMPTY
        if meth == "join" and recv.text is not None and args:
            a = args[0]
            if a.items is not None:
                v = concat(*a.items, sep=recv.text)
                return self._classified(v, node)
            return Val(a.labels, a.steps, None)
        if meth in ("format", "format_map", "substitute", "safe_substitute"):
            if isinstance(func, ast.Attribute) and args and recv.text is not None \
                    and self._quine(func.value, node.args[0], env):
                return join(recv, *args).with_label(SELF_CODE, ("formats its own text into itself (a quine)", node))
            v = join(recv, *args, *kw.values())
            return self._classified(Val(v.labels, v.steps, recv.text), node)
        if meth in ("replace", "sub") and len(args) >= 2:
            new_text = args[1].text if meth == "replace" else (args[1].text if len(args) > 1 else None)
            key = patterns.flip_in_text(new_text or "")
            if key and not patterns.flip_in_text(args[0].text or ""):
                self.emit("oversight", node, f"text {meth}", payload=args[1], key=key)
        if meth in STR_METHODS:
            v = join(recv, *[a.content() for a in args], *[a.content() for a in kw.values()])
            if meth in ("split", "rsplit", "splitlines", "partition", "rpartition"):
                return Val(v.labels, v.steps)
            return Val(v.labels, v.steps, recv.text if meth in ("strip", "lstrip", "rstrip", "encode", "decode", "lower", "as_posix", "resolve", "absolute", "expanduser", "__str__") else None,
                       recv.obj if recv.obj in ("path",) else None, None, recv.info if recv.obj == "path" else None)
        if obj.startswith("inst:"):
            return self.instance_method(obj[5:], meth, node, args, kw, recv, env)
        if meth in UPLOAD_METHODS:
            return self.upload(meth, node, args, kw, recv)
        if meth in ("exec_command", "run", "sudo", "sendline", "send_command", "execute") and (recv.has(HOSTS) or _is_remote_obj(obj)):
            return self.remote_cmd(meth, node, args, kw, recv)
        if recv.obj == "llm" or recv.has(LLM_OUT, LLM_SELF):
            return Val(recv.labels, recv.steps, None, "llm")
        if any(meth == h.rsplit(".", 1)[-1] for h in LLM_HINTS) and isinstance(func, ast.Attribute):
            chain = ast.unparse(func)[:80] if hasattr(ast, "unparse") else meth
            if any(h in chain for h in ("chat.completions", "messages.create", "completions.create",
                                        "responses.create", "generate_content", "llm.", "model.invoke",
                                        "client.chat", "ollama")):
                return self.llm(chain, node, args, kw)
        return join(recv.content(), *[a.content() for a in args])

    def path_method(self, meth, node, args, kw, recv: Val, env) -> Val | None:
        if meth in ("read_text", "read_bytes", "open") and meth != "open":
            return self.read_content(recv, node)
        if meth == "open":
            mode = (args[0].text if args else None) or (kw.get("mode").text if "mode" in kw else None) or "r"
            return self.open_file(recv, mode, node)
        if meth in ("write_text", "write_bytes"):
            self.emit("write", node, meth, payload=join(*args), dest=recv, mode="w")
            self.wrote(recv, join(*args), node.func.value, node, env)
            self.config_written(recv, join(*args), node)
            return EMPTY
        if meth in ("joinpath",):
            return self.path_join(recv, args, node)
        if meth in ("with_name", "with_suffix", "with_stem", "relative_to"):
            return Val(recv.labels - {SELF_PATH, SELF_COPY, SELF_DIR}, recv.steps, None, "path")
        if meth in ("glob", "rglob", "iterdir", "walk"):
            return self.enumerate_files(f"Path.{meth}", node, args[0] if args else EMPTY, recv)
        if meth in ("resolve", "absolute", "expanduser", "as_posix", "__fspath__"):
            return recv.reobj("path")
        if meth in ("exists", "is_file", "is_dir", "stat", "unlink", "mkdir", "touch", "chmod", "samefile"):
            return EMPTY
        if meth == "copy" or meth == "copy_into" or meth == "copytree":
            self.copy_event("Path." + meth, node, recv, args[0] if args else EMPTY)
            return EMPTY
        return None

    def instance_method(self, cls: str, meth: str, node, args, kw, recv: Val, env) -> Val:
        func = node.func
        target = func.value if isinstance(func, ast.Attribute) else None
        full = f"{cls}.{meth}"
        if meth == "connect" or meth == "login":
            host = self._arg(args, kw, 0, "hostname")
            if host is EMPTY:
                host = kw.get("host", kw.get("server", EMPTY))
            if cls.startswith("socket") and args:
                host = args[0]
            cred_vals = [v for k, v in kw.items() if k in ("password", "pkey", "key_filename", "passwd")]
            cred_vals += list(args[2:4] if meth == "login" else args[3:4])
            creds = join(*cred_vals)
            if cred_vals and not creds.has(CRED):
                creds = creds.with_label(CRED, ("logs in with a password or key", node))
            self.emit("connect", node, full, dest=host, payload=creds)
            if target is not None:
                self.mutate(target, Val(host.labels | creds.labels, host.steps + creds.steps), env)
            return EMPTY
        if meth == "set_missing_host_key_policy":
            return EMPTY
        if meth in ("open_sftp", "get_transport", "from_transport", "invoke_shell", "cursor", "Bucket",
                    "Object", "bucket", "blob", "table", "repo"):
            sub = {"open_sftp": "paramiko.SFTPClient", "get_transport": "paramiko.Transport",
                   "invoke_shell": "paramiko.Channel"}.get(meth, f"{cls}.{meth}")
            return Val(recv.labels | join(*args).labels, recv.steps + join(*args).steps, None, "inst:" + sub)
        if _is_llm_obj(cls) and meth in ("create", "generate", "chat", "stream", "invoke", "generate_content",
                                         "complete", "send_message", "predict"):
            return self.llm(full, node, args, kw)
        if cls.startswith(("requests", "httpx")) or cls in ("urllib3.PoolManager",):
            return self.http(full, meth, node, args, kw)
        if meth in ("exec_command", "run", "sudo", "sendline", "send", "execute", "write") and _is_remote_obj(cls):
            if meth in ("send", "write") and "Channel" not in cls and "Telnet" not in cls and not cls.startswith("pexpect"):
                pass
            else:
                return self.remote_cmd(full, node, args, kw, recv)
        if meth in ("put", "putfo", "storbinary", "storlines", "upload", "put_file", "mput") and _is_remote_obj(cls):
            return self.remote_put(full, node, args, kw, recv)
        if meth in ("send_message", "sendmail") and cls.startswith("smtplib"):
            payload = join(*args, *kw.values())
            self.emit("upload", node, full, payload=payload, dest=recv, channel="email")
            return EMPTY
        if meth in ("send", "sendall", "sendto", "sendfile") and cls.startswith("socket"):
            self.emit("upload", node, full, payload=join(*args), dest=recv, channel="socket")
            return EMPTY
        if meth in UPLOAD_METHODS:
            return self.upload(full, node, args, kw, recv)
        if meth in ("run_instances", "create_instances", "create_namespaced_deployment", "create_namespaced_pod",
                    "patch_namespaced_deployment_scale", "create_namespaced_daemon_set", "insert", "create_instance"):
            payload = join(*args, *kw.values())
            self.emit("cloud", node, full, payload=payload, extra_text=_texts(args, kw))
            return EMPTY
        if cls.startswith("crontab") and meth == "new":
            cmd = self._arg(args, kw, 0, "command")
            self.emit("persist", node, full, payload=cmd, persist="cron")
            return Val(obj="inst:crontab.job")
        if cls.startswith("nmap") and meth in ("scan", "all_hosts", "listscan"):
            return Val(frozenset({HOSTS}), (("scans the network for hosts", node),), None, "inst:" + cls)
        if meth in ("all_hosts",):
            return Val(frozenset({HOSTS}), (("lists scanned hosts", node),))
        if meth in ("read", "readlines", "readline", "read_text", "read_bytes", "readlines"):
            return Val(recv.labels, recv.steps)
        if cls == "archive" and meth in ("add", "write", "writestr") and args:
            item = args[0]
            keep = {lab for lab in item.labels if lab in (SELF_DIR, SELF_PATH, SELF_CODE) or lab.startswith((ASSET_PATH, ASSET))}
            name = (recv.info or {}).get("name", EMPTY)
            if keep and name.text and "{}" not in name.text:
                old = self.copies.get(name.text)
                packed = Val(frozenset(keep), item.steps + (("packs it into an archive", node),), name.text, "path")
                self.copies[name.text] = join(old, packed).retext(name.text) if old is not None else packed
            return EMPTY
        if meth in ("start", "join", "close", "wait", "communicate"):
            return EMPTY
        return Val(recv.labels | join(*args).labels, recv.steps, None, "inst:" + full)

    # -- sinks -------------------------------------------------------------------------------------
    def copy(self, q, node, args, kw, env) -> Val:
        if q in ("os.link", "os.symlink", "shutil.copymode"):
            return EMPTY
        src = self._arg(args, kw, 0, "src")
        dst = self._arg(args, kw, 1, "dst")
        self.copy_event(q, node, src, dst, args_nodes=node.args, env=env)
        return dst

    def copy_event(self, how, node, src: Val, dst: Val, args_nodes=(), env=None) -> None:
        self.emit("copy", node, how, payload=src, dest=dst)
        # the destination now holds a copy of what src names
        marks = set()
        if src.has(SELF_PATH, SELF_COPY, SELF_CODE):
            marks.add(SELF_COPY)
        if src.has(SELF_DIR, SELF_COPY_DIR):
            marks.add(SELF_COPY)
            marks.add(SELF_COPY_DIR)
        for a in src.has_prefix(ASSET_PATH):
            marks.add(a)
        if marks and (env is not None and len(args_nodes) >= 2 or dst.text):
            what = "its own folder" if SELF_COPY_DIR in marks else "itself" if SELF_COPY in marks else "an agent asset"
            step = (f"copies {what} to {_short(dst.shown)}", node)
            newv = Val(dst.labels, tuple(s for s in src.steps)[:8], dst.text, dst.obj, dst.items, dst.info)
            for m in marks:
                newv = newv.with_label(m, step)
            if env is not None and len(args_nodes) >= 2:
                self._mark_copy(args_nodes[1], newv, env)
            elif newv.text and "{}" not in newv.text:
                self.copies[newv.text] = newv

    def _mark_copy(self, dst_node, newv: Val, env) -> None:
        if isinstance(dst_node, (ast.Name, ast.Attribute)):
            self.assign(dst_node, newv, env) if isinstance(dst_node, ast.Name) else self.mutate(dst_node, newv, env)
        if newv.text and "{}" not in newv.text:
            self.copies[newv.text] = newv

    def spawn(self, q, node, args, kw, env) -> Val:
        style = SPAWN_FUNCS[q]
        if style in ("argv", "shell"):
            argv = self._arg(args, kw, 0, "args")
            if q == "pexpect.spawn" and len(args) > 1:
                argv = concat(argv, args[1], sep=" ")
        elif style == "args":
            argv = seq(args)
        elif style == "spawn":
            argv = seq(args[1:]) if args else EMPTY
        elif style == "pspawn":
            argv = join(*args[:2]).retext(" ".join(a.shown for a in args[:2])) if args else EMPTY
            if len(args) > 1 and args[1].items is not None:
                argv = seq(list(args[1].items))
        else:  # exec*: replaces the process
            argv = seq(args)
        shell = style == "shell" or (kw.get("shell") is not None and kw["shell"].text in ("True", "1"))
        flags = set()
        if shell:
            flags.add("shell")
        if style == "exec":
            flags.add("replace")
        sns = kw.get("start_new_session")
        if sns is not None and sns.text in ("True", "1"):
            flags.add("detached")
        if "preexec_fn" in kw and (kw["preexec_fn"].obj or "").endswith(("setsid", "setpgrp")):
            flags.add("detached")
        if "process_group" in kw or ("creationflags" in kw and any(x in (ast.unparse(node)) for x in ("DETACHED", "NEW_PROCESS_GROUP", "CREATE_NO_WINDOW"))):
            flags.add("detached")
        silenced = [k for k in ("stdout", "stderr", "stdin") if k in kw and kw[k].obj == "devnull"]
        if len(silenced) >= 2 or ("stdout" in silenced and "stderr" in kw):
            flags.add("silenced")
        for tag in sorted(lab for lab in argv.labels if lab.startswith("tag:")):
            if tag in self.self_tags and SELF_COPY not in argv.labels:
                argv = Val(argv.labels | {SELF_COPY}, self.self_tags[tag], argv.text, argv.obj, argv.items, argv.info)
        if SELF_COPY not in argv.labels and argv.text and self.copies:
            for path, c in self.copies.items():
                if SELF_COPY in c.labels and len(path) > 3 and path in argv.text:
                    argv = Val(argv.labels | {SELF_COPY}, c.steps, argv.text, argv.obj, argv.items, argv.info)
                    break
        text = argv.text or ""
        stdin = kw.get("input", EMPTY)
        env_val = kw.get("env", EMPTY)
        env_text = " ".join(v.shown for v in (env_val.info or {}).values()) if env_val.obj == "dict" else ""
        if "cwd" in kw:
            env_text = (env_text + " " + kw["cwd"].shown + "/").strip()
        cmd = patterns.command_kinds(text + (" " + stdin.text if stdin.text else ""))
        if "detach" in cmd and (shell or text.split(" ", 1)[0] in ("nohup", "setsid", "screen", "tmux", "daemonize")):
            flags.add("detached")
        fr = self._func_frame()
        if fr is not None and fr.daemon is not None and "replace" not in flags:
            flags.add("detached")
            argv = Val(argv.labels, argv.steps + (fr.daemon,), argv.text, argv.obj, argv.items, argv.info)
        self.emit("spawn", node, q, payload=argv, dest=argv, cmd=cmd, flags=flags, env=env_text)
        # a command line can itself be a copy, remote copy or persistence step
        if "copy" in cmd and argv.items is None and argv.has(SELF_PATH, SELF_COPY, SELF_DIR) and shell:
            words = [w for w in text.replace(";", " ; ").replace("&&", " ; ").split() if w]
            for k, w in enumerate(words):
                if w in ("cp", "copy") and k + 2 < len(words):
                    rest = [x for x in words[k + 1:] if not x.startswith("-")]
                    rest = rest[:rest.index(";")] if ";" in rest else rest
                    if len(rest) >= 2 and "{}" not in rest[-1] and rest[-1] not in ("{__file__}",):
                        self.copies[rest[-1]] = Val(frozenset({SELF_COPY}), argv.steps + (
                            (f"copies itself to {_short(rest[-1])}", node),), rest[-1], "path")
                    break
        if "copy" in cmd and argv.items is not None and len(argv.items) >= 3:
            items = [i for i in argv.items if not (i.text or "").startswith("-")]
            if len(items) >= 3:
                self.copy_event("cp", node, items[-2], items[-1])
                src = items[-2]
                if src.has(SELF_PATH, SELF_DIR, SELF_COPY) and items[-1].text and "{}" not in items[-1].text:
                    self.copies[items[-1].text] = items[-1].with_label(SELF_COPY, (f"copies itself to {_short(items[-1].text)}", node))
        if "remote-copy" in cmd or "remote-exec" in cmd:
            kind = "copy" if "remote-copy" in cmd else "exec"
            self.emit("remote", node, q + " " + cmd.get("remote-copy", cmd.get("remote-exec", "")), payload=argv,
                      dest=argv, cmd=cmd, mode=kind)
            if "remote-copy" in cmd and "remote-exec" in cmd:
                self.emit("remote", node, q, payload=argv, dest=argv, cmd=cmd, mode="exec")
        if "persist" in cmd:
            self.emit("persist", node, q, payload=join(argv, stdin), cmd=cmd, persist=cmd["persist"])
        if "cloud" in cmd:
            self.emit("cloud", node, q, payload=argv, cmd=cmd)
        if "publish" in cmd:
            self.emit("publish", node, q, payload=argv, cmd=cmd)
        if q.startswith("subprocess.Popen") or q.startswith("asyncio"):
            return Val(obj="inst:subprocess.Popen")
        if q in ("subprocess.check_output", "subprocess.getoutput", "os.popen") and "{}" not in text:
            if any(w in text for w in ("arp", "ip neigh", "nmap", "known_hosts", "netstat", "ss -", "fping",
                                       "masscan", "history")):
                return Val(frozenset({HOSTS}), ((f"discovers hosts with `{_short(text)}`", node),))
        return EMPTY

    def remote_cmd(self, how, node, args, kw, recv: Val) -> Val:
        cmd = self._arg(args, kw, 0, "command")
        kinds = patterns.command_kinds(cmd.text or "")
        self.emit("remote", node, how, payload=cmd, dest=recv, cmd=kinds, mode="exec")
        return Val(obj="inst:remote-result")

    def remote_put(self, how, node, args, kw, recv: Val) -> Val:
        src = self._arg(args, kw, 0, "localpath")
        if src is EMPTY:
            src = kw.get("local", kw.get("files", EMPTY))
        if how.endswith(("storbinary", "storlines")) and len(args) > 1:
            src = args[1]
            if src.obj == "file":
                src = (src.info or {}).get("path", src)
        if src.obj == "file":
            src = join(src, (src.info or {}).get("path", EMPTY))
        self.emit("remote", node, how, payload=src, dest=recv, mode="copy")
        return EMPTY

    def upload(self, how, node, args, kw, recv: Val) -> Val:
        payload = join(*args, *[v for k, v in kw.items() if k in (
            "path_or_fileobj", "folder_path", "Filename", "Body", "Fileobj", "filename", "file_obj",
            "data", "path", "local_path", "operations", "file", "files")])
        if how.endswith("push_to_hub"):
            payload = join(payload, recv)
        if payload.obj == "file":
            payload = join(payload, (payload.info or {}).get("path", EMPTY))
        channel = "hub" if ("hub" in how.lower() or "hfapi" in how.lower() or how.endswith(("upload_folder", "push_to_hub", "create_commit", "upload_large_folder"))) else "cloud storage"
        self.emit("upload", node, how, payload=payload, dest=recv, channel=channel)
        return EMPTY

    def http(self, how, meth, node, args, kw) -> Val:
        url = self._arg(args, kw, 0, "url")
        body = join(*[v for k, v in kw.items() if k in ("data", "files", "json", "content")], *args[1:])
        for k in ("files", "data"):
            v = kw.get(k)
            if v is not None and v.obj == "dict" and v.info:
                for fv in v.info.values():
                    if fv.obj == "file":
                        body = join(body, (fv.info or {}).get("path", EMPTY))
            if v is not None and v.obj == "file":
                body = join(body, (v.info or {}).get("path", EMPTY))
        if url.text and any(u in url.text for u in LLM_URL):
            return self.llm(how, node, args, kw)
        if meth in ("post", "put", "patch", "request") and body.labels:
            self.emit("upload", node, how, payload=body, dest=url, channel="http")
        return Val(obj="inst:http-response")

    def llm(self, how, node, args, kw) -> Val:
        prompt = join(*args, *kw.values())
        self.emit("llm", node, how, payload=prompt)
        self.llm_calls += 1
        labels = {LLM_OUT}
        steps = tuple(s for s in prompt.steps if "own source" in s[0] or "quine" in s[0])
        if prompt.has(SELF_CODE):
            labels.add(LLM_SELF)
            steps = steps + (("sends its own source to a language model", node),)
        else:
            steps = (("asks a language model", node),)
        return Val(frozenset(labels), steps, None, "llm")


_PCT = lazy_re(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdrifxXoeEgGc%]")


def _percent(fmt: str | None, args: Val) -> str | None:
    """`fmt % args` with the known parts filled in ("{}" for the unknown ones)."""
    if fmt is None:
        return None
    items = list(args.items) if args.items is not None else [args]
    out, i = [], 0
    pos = 0
    for m in _PCT.finditer(fmt):
        out.append(fmt[pos:m.start()])
        if m.group(0) == "%%":
            out.append("%")
        else:
            out.append(items[i].shown if i < len(items) else "{}")
            i += 1
        pos = m.end()
    out.append(fmt[pos:])
    return "".join(out)[:4000]


def _is_remote_obj(cls: str) -> bool:
    return cls.startswith(("paramiko", "scp.", "fabric", "ftplib", "pexpect", "pxssh", "asyncssh",
                           "telnetlib", "smbclient", "spur", "parallel_ssh", "pssh", "invoke",
                           "remote-", "netmiko")) or "SSH" in cls or "SFTP" in cls or "SCP" in cls


def _is_llm_obj(cls: str) -> bool:
    return cls.startswith(("openai", "anthropic", "ollama", "litellm", "google.generativeai", "groq",
                           "mistralai", "cohere", "together", "langchain", "transformers.pipeline",
                           "llama_cpp", "vllm")) or "chat" in cls.lower() and "completions" in cls.lower()


def _texts(args, kw) -> str:
    return " ".join(v.shown for v in [*args, *kw.values()])[:2000]


def _short(s: str | None, n: int = 48) -> str:
    if s is None:
        return "{}"
    s = " ".join(s.split())
    return repr(s if len(s) <= n else s[: n - 1] + "\u2026")


# -- handlers by qualified name ---------------------------------------------------------------
def _h_open(self: Flow, q, node, args, kw, recv, env):
    path = self._arg(args, kw, 0, "file")
    mode = self._arg(args, kw, 1, "mode").text or "r"
    return self.open_file(path, mode, node, node.args[0] if node.args else None)


def _h_os_open(self: Flow, q, node, args, kw, recv, env):
    path = self._arg(args, kw, 0, "path")
    return self.open_file(path, "w", node)


def _h_os_write(self: Flow, q, node, args, kw, recv, env):
    fd = args[0] if args else EMPTY
    data = args[1] if len(args) > 1 else EMPTY
    self.emit("write", node, q, payload=data, dest=(fd.info or {}).get("path", EMPTY), mode="w")
    return EMPTY


def _h_print(self: Flow, q, node, args, kw, recv, env):
    f = kw.get("file")
    if f is not None and f.obj == "file":
        self.emit("write", node, "print", payload=join(*args), dest=(f.info or {}).get("path", EMPTY), mode="w")
    return EMPTY


def _h_path(self: Flow, q, node, args, kw, recv, env):
    if not args:
        return Val(text=".", obj="path")
    if len(args) == 1:
        return args[0].reobj("path")
    return self.path_join(args[0], args[1:], node)


def _h_home(self: Flow, q, node, args, kw, recv, env):
    return Val(text="~" if q.endswith("home") else ".", obj="path")


def _h_join(self: Flow, q, node, args, kw, recv, env):
    if not args:
        return EMPTY
    return self.path_join(args[0], args[1:], node)


def _h_dirname(self: Flow, q, node, args, kw, recv, env):
    return self.dirname(args[0], node) if args else EMPTY


def _h_basename(self: Flow, q, node, args, kw, recv, env):
    if args and args[0].has(SELF_PATH):
        return Val(text="{self-name}")
    return Val(text=None)


def _h_split(self: Flow, q, node, args, kw, recv, env):
    if not args:
        return EMPTY
    return seq([self.dirname(args[0], node), Val(text=None)])


def _h_getsource(self: Flow, q, node, args, kw, recv, env):
    a = args[0] if args else EMPTY
    arg_node = node.args[0] if node.args else None
    own = a.obj in ("selfmod",) or (a.obj or "").startswith(("def:", "class:", "meth:")) \
        or (isinstance(arg_node, ast.Call) and "currentframe" in ast.unparse(arg_node)) \
        or (isinstance(arg_node, ast.Name) and arg_node.id in ("__name__",))
    if not own:
        return EMPTY
    if q.endswith(("getsourcefile", "getfile")):
        return Val(frozenset({SELF_PATH}), ((f"its own path ({q.rsplit('.', 1)[-1]})", node),), "{__file__}", "path")
    what = "its own module" if a.obj == "selfmod" else f"its own code ({(a.obj or '').split(':', 1)[-1]})"
    return Val(frozenset({SELF_CODE}), ((f"reads the source of {what} ({q.rsplit('.', 1)[-1]})", node),))


def _h_namespace(self: Flow, q, node, args, kw, recv, env):
    return Val(obj="namespace") if not args or args[0].obj == "selfmod" else EMPTY


def _h_getattr(self: Flow, q, node, args, kw, recv, env):
    if len(args) >= 2 and args[1].text == "__file__" and args[0].obj in ("selfmod", "namespace"):
        return Val(frozenset({SELF_PATH}), (("its own path (getattr … __file__)", node),), "{__file__}", "path")
    if len(args) >= 2 and args[0].obj and args[0].obj.startswith("mod:") and args[1].text:
        return self.module_attr(args[0].obj[4:] + "." + args[1].text, node)
    return join(*[a.content() for a in args])


def _h_getenv(self: Flow, q, node, args, kw, recv, env):
    key = args[0].text if args else ""
    default = args[1] if len(args) > 1 else kw.get("default", EMPTY)
    if key and any(k in key.upper() for k in ("TOKEN", "KEY", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL")):
        return default.with_label(CRED, (f"reads the secret {key}", node))
    return default


def _h_import(self: Flow, q, node, args, kw, recv, env):
    name = args[0].text if args else None
    if name and "{}" not in name and name.replace(".", "").replace("_", "").isalnum():
        return Val(obj="mod:" + name)
    return EMPTY


def _h_stack(self: Flow, q, node, args, kw, recv, env):
    frame = Val(obj="frameinfo")
    return Val(obj="frameinfo", items=(frame,)) if q.endswith("stack") else frame


def _h_getmodule(self: Flow, q, node, args, kw, recv, env):
    return Val(obj="selfmod")


def _h_loader_source(self: Flow, q, node, args, kw, recv, env):
    return Val(frozenset({SELF_CODE}), (("reads its own source (__loader__.get_source)", node),))


def _h_linecache(self: Flow, q, node, args, kw, recv, env):
    if args and args[0].has(SELF_PATH):
        return Val(frozenset({SELF_CODE}), args[0].steps + (("reads its own source (linecache)", node),))
    return EMPTY


def _h_find_spec(self: Flow, q, node, args, kw, recv, env):
    if node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == "__name__":
        return Val(obj="spec-self")
    return EMPTY


def _h_glob(self: Flow, q, node, args, kw, recv, env):
    pat = self._arg(args, kw, 0, "pathname")
    return self.enumerate_files(q, node, pat, EMPTY)


def _h_listdir(self: Flow, q, node, args, kw, recv, env):
    return self.enumerate_files(q, node, EMPTY, args[0] if args else Val(text="."))


def _enumerate_files(self: Flow, how, node, pattern: Val, base: Val) -> Val:
    text = (pattern.text or "")
    labels = {ENUM}
    steps = [(f"enumerates files ({how.rsplit('.', 1)[-1]}"
              + (f" {_short(text)}" if text else "") + ")", node)]
    if text and (patterns.is_code_glob(text.split("/")[-1]) or patterns.is_code_glob(text)):
        labels.add(ENUM_CODE)
    for a in base.has_prefix(ASSET_PATH) + pattern.has_prefix(ASSET_PATH):
        labels.add(a)
    return Val(frozenset(labels), tuple(steps), None, "path")


Flow.enumerate_files = _enumerate_files


def _h_walk(self: Flow, q, node, args, kw, recv, env):
    v = self.enumerate_files(q, node, EMPTY, args[0] if args else EMPTY)
    return Val(v.labels, v.steps, None, None)


def _h_ip_network(self: Flow, q, node, args, kw, recv, env):
    return Val(frozenset({HOSTS}), (("enumerates the addresses of a network", node),), None, "inst:ipaddress.network")


def _h_signal(self: Flow, q, node, args, kw, recv, env):
    sig = args[0] if args else EMPTY
    handler = args[1] if len(args) > 1 else kw.get("handler", EMPTY)
    # only termination signals: a SIGCHLD handler re-forking workers is how pre-fork servers work
    names = [w for w in (sig.text or "").replace(",", " ").split() if w in HANDLER_SIGNALS]
    if names:
        self.run_callable(handler, node, env, handler=(names[0], node))
    return EMPTY


def _h_atexit(self: Flow, q, node, args, kw, recv, env):
    if args:
        self.run_callable(args[0], node, env, handler=("exit", node))
    return EMPTY


def _h_exec(self: Flow, q, node, args, kw, recv, env):
    code = args[0] if args else EMPTY
    if q.endswith("compile"):
        return Val(code.labels, code.steps, code.text, "code")
    self.emit("exec", node, q, payload=code)
    return EMPTY


def _h_fork(self: Flow, q, node, args, kw, recv, env):
    self.emit("fork", node, q)
    return Val(text="{pid}")


def _h_setsid(self: Flow, q, node, args, kw, recv, env):
    self.emit("setsid", node, q)
    fr = self._func_frame()
    if fr is not None:
        fr.daemon = (f"detaches from its terminal ({q})", node)
    return EMPTY


def _h_copyfileobj(self: Flow, q, node, args, kw, recv, env):
    src = args[0] if args else EMPTY
    dst = args[1] if len(args) > 1 else EMPTY
    self.emit("write", node, q, payload=self.read_content(src, node), dest=(dst.info or {}).get("path", EMPTY), mode="w")
    return EMPTY


def _h_winreg(self: Flow, q, node, args, kw, recv, env):
    value = args[-1] if args else EMPTY
    key = args[0] if args else EMPTY
    text = " ".join(a.shown for a in args)
    if "run" in text.lower() or "run" in (key.text or "").lower() or key.has_prefix(PERSIST):
        self.emit("persist", node, q, payload=value, persist="registry-run")
    return EMPTY


def _h_winreg_open(self: Flow, q, node, args, kw, recv, env):
    text = " ".join(a.shown for a in args)
    if "currentversion\\run" in text.lower().replace("\\\\", "\\"):
        return Val(frozenset({PERSIST + "autostart"}), (("opens the Run key", node),), text, "inst:winreg.key")
    return Val(obj="inst:winreg.key")


def _h_site(self: Flow, q, node, args, kw, recv, env):
    return Val(frozenset({SITE_DIR}), ((f"site-packages ({q})", node),), "{site}", "path")


def _h_get_paths(self: Flow, q, node, args, kw, recv, env):
    return Val(frozenset({SITE_DIR}), ((f"site-packages ({q})", node),), "{site}", "dict",
               {"purelib": Val(frozenset({SITE_DIR}), ((f"site-packages ({q})", node),), "{site}", "path"),
                "platlib": Val(frozenset({SITE_DIR}), ((f"site-packages ({q})", node),), "{site}", "path")})


def _h_get_path(self: Flow, q, node, args, kw, recv, env):
    if args and args[0].text in ("purelib", "platlib"):
        return _h_site(self, q, node, args, kw, recv, env)
    return EMPTY


def _h_requests(self: Flow, q, node, args, kw, recv, env):
    meth = q.rsplit(".", 1)[-1]
    if meth in ("Session", "session", "Client", "AsyncClient"):
        return Val(obj="inst:" + q)
    return self.http(q, meth, node, args, kw)


def _h_urlopen(self: Flow, q, node, args, kw, recv, env):
    req = args[0] if args else EMPTY
    data = self._arg(args, kw, 1, "data")
    body = join(data, req if req.obj == "inst:urllib.request.Request" else EMPTY)
    if body.labels:
        self.emit("upload", node, q, payload=body, dest=req, channel="http")
    return Val(obj="inst:http-response")


def _h_request_obj(self: Flow, q, node, args, kw, recv, env):
    url = args[0] if args else EMPTY
    data = self._arg(args, kw, 1, "data")
    if url.text and any(u in url.text for u in LLM_URL):
        return self.llm(q, node, args, kw)
    return Val(data.labels, data.steps, url.text, "inst:urllib.request.Request")


def _h_hub_upload(self: Flow, q, node, args, kw, recv, env):
    return self.upload(q, node, args, kw, EMPTY)


def _h_getfile_frame(self: Flow, q, node, args, kw, recv, env):
    return Val(obj="frame")


def _h_boto3(self: Flow, q, node, args, kw, recv, env):
    svc = args[0].text if args else ""
    return Val(obj=f"inst:boto3.{svc or 'client'}")


def _h_crontab(self: Flow, q, node, args, kw, recv, env):
    return Val(obj="inst:crontab.CronTab")


def _h_scp_client(self: Flow, q, node, args, kw, recv, env):
    t = args[0] if args else EMPTY
    return Val(t.labels, t.steps, None, "inst:scp.SCPClient")


def _h_dump(self: Flow, q, node, args, kw, recv, env):
    f = args[1] if len(args) > 1 else kw.get("stream", kw.get("fp", EMPTY))
    path = (f.info or {}).get("path", f) if f.obj == "file" else f
    self.config_written(path, args[0] if args else EMPTY, node)
    return EMPTY


def _h_dict(self: Flow, q, node, args, kw, recv, env):
    info = dict((args[0].info or {})) if args and args[0].obj == "dict" else {}
    info.update(kw)
    j = join(*args, *kw.values())
    return Val(j.labels, j.steps, None, "dict", None, info)


def _h_map(self: Flow, q, node, args, kw, recv, env):
    if args and (args[0].obj or "").startswith(("def:", "meth:", "lambda")):
        self.pooled("map", node, args, kw, env)
        return EMPTY
    return join(*[a.content() for a in args])


def _h_fnmatch_filter(self: Flow, q, node, args, kw, recv, env):
    names = args[0] if args else EMPTY
    pat = args[1] if len(args) > 1 else EMPTY
    v = Val(names.labels | {ENUM}, names.steps, None, "path")
    if pat.text and patterns.is_code_glob(pat.text):
        v = v.with_label(ENUM_CODE, (f"keeps code files ({_short(pat.text)})", node))
    return v


def _h_fnmatch(self: Flow, q, node, args, kw, recv, env):
    if len(args) > 1 and args[1].text and patterns.is_code_glob(args[1].text) and node.args:
        root = self._root_name(node.args[0])
        rv = self.lookup(root.id, env) if root is not None else None
        if rv is not None and rv.has(ENUM):
            self.upgrade(node.args[0], ENUM_CODE, ("keeps code files", node), env)
    return EMPTY


def _new_tag(self: Flow, node, what: str) -> Val:
    self.tag_count += 1
    suffix = ""
    return Val(frozenset({f"tag:{self.tag_count}"}), (), "{" + what + "}" + suffix, "path")


def _h_mkstemp(self: Flow, q, node, args, kw, recv, env):
    path = _new_tag(self, node, "tmp")
    fd = Val(path.labels, (), None, "fd", None, {"path": path, "mode": "w"})
    return seq([fd, path])


def _h_named_tmp(self: Flow, q, node, args, kw, recv, env):
    path = _new_tag(self, node, "tmp")
    mode = self._arg(args, kw, 0, "mode").text or "w+b"
    return self.open_file(path, mode, node)


def _h_fdopen(self: Flow, q, node, args, kw, recv, env):
    fd = args[0] if args else EMPTY
    if fd.obj == "fd":
        info = fd.info or {}
        mode = self._arg(args, kw, 1, "mode").text or "r"
        return self.open_file(info.get("path", EMPTY), mode, node)
    return fd


def _h_make_archive(self: Flow, q, node, args, kw, recv, env):
    base = self._arg(args, kw, 0, "base_name")
    content = join(self._arg(args, kw, 2, "root_dir"), self._arg(args, kw, 3, "base_dir"))
    keep = {lab for lab in content.labels if lab in (SELF_DIR, SELF_PATH) or lab.startswith(ASSET_PATH)}
    out = Val(frozenset(keep), content.steps + (("packs it into an archive", node),) if keep else (),
              (base.text or "{}") + ".archive", "path")
    return out


def _h_archive_open(self: Flow, q, node, args, kw, recv, env):
    name = self._arg(args, kw, 0, "name" if "tar" in q else "file")
    return Val(obj="inst:archive", info={"name": name})


_HANDLERS = {
    "builtins.dict": _h_dict, "builtins.map": _h_map,
    "yaml.dump": _h_dump, "yaml.safe_dump": _h_dump, "json.dump": _h_dump, "toml.dump": _h_dump,
    "tomli_w.dump": _h_dump, "ruamel.yaml.YAML.dump": _h_dump,
    "builtins.globals": _h_namespace, "builtins.vars": _h_namespace, "builtins.locals": _h_namespace,
    "builtins.getattr": _h_getattr, "builtins.__import__": _h_import, "os.getenv": _h_getenv,
    "os.environ.get": _h_getenv, "os.environ.setdefault": _h_getenv, "os.environ.pop": _h_getenv, "importlib.import_module": _h_import,
    "inspect.stack": _h_stack, "inspect.getframeinfo": _h_stack,
    "fnmatch.filter": _h_fnmatch_filter, "fnmatch.fnmatch": _h_fnmatch, "fnmatch.fnmatchcase": _h_fnmatch,
    "tempfile.mkstemp": _h_mkstemp, "tempfile.NamedTemporaryFile": _h_named_tmp, "os.fdopen": _h_fdopen,
    "shutil.make_archive": _h_make_archive, "tarfile.open": _h_archive_open, "zipfile.ZipFile": _h_archive_open,
    "builtins.open": _h_open, "io.open": _h_open, "codecs.open": _h_open, "os.open": _h_os_open,
    "os.write": _h_os_write, "builtins.print": _h_print,
    "pathlib.Path": _h_path, "pathlib.PurePath": _h_path, "pathlib.PosixPath": _h_path,
    "pathlib.WindowsPath": _h_path, "pathlib.Path.home": _h_home, "pathlib.Path.cwd": _h_home,
    "os.getcwd": _h_home, "os.path.join": _h_join, "posixpath.join": _h_join,
    "ntpath.join": _h_join, "os.path.dirname": _h_dirname, "posixpath.dirname": _h_dirname,
    "os.path.basename": _h_basename, "os.path.split": _h_split, "os.path.splitext": _h_basename,
    "inspect.getsource": _h_getsource, "inspect.getsourcelines": _h_getsource,
    "inspect.getsourcefile": _h_getsource, "inspect.getfile": _h_getsource,
    "inspect.getmodule": _h_getmodule, "inspect.currentframe": _h_getfile_frame,
    "sys._getframe": _h_getfile_frame,
    "__loader__.get_source": _h_loader_source, "linecache.getlines": _h_linecache,
    "linecache.getline": _h_linecache, "importlib.util.find_spec": _h_find_spec,
    "glob.glob": _h_glob, "glob.iglob": _h_glob, "os.listdir": _h_listdir, "os.scandir": _h_listdir,
    "os.walk": _h_walk, "ipaddress.ip_network": _h_ip_network, "ipaddress.IPv4Network": _h_ip_network,
    "ipaddress.ip_interface": _h_ip_network,
    "signal.signal": _h_signal, "atexit.register": _h_atexit,
    "builtins.exec": _h_exec, "builtins.eval": _h_exec, "builtins.compile": _h_exec,
    "os.fork": _h_fork, "os.forkpty": _h_fork, "pty.fork": _h_fork,
    "os.setsid": _h_setsid, "os.setpgrp": _h_setsid, "os.daemon": _h_setsid,
    "shutil.copyfileobj": _h_copyfileobj,
    "winreg.SetValueEx": _h_winreg, "winreg.SetValue": _h_winreg, "_winreg.SetValueEx": _h_winreg,
    "winreg.OpenKey": _h_winreg_open, "winreg.CreateKey": _h_winreg_open, "winreg.OpenKeyEx": _h_winreg_open,
    "winreg.CreateKeyEx": _h_winreg_open,
    "site.getsitepackages": _h_site, "site.getusersitepackages": _h_site,
    "sysconfig.get_paths": _h_get_paths, "sysconfig.get_path": _h_get_path,
    "distutils.sysconfig.get_python_lib": _h_site,
    "urllib.request.urlopen": _h_urlopen, "urllib.request.Request": _h_request_obj,
    "huggingface_hub.upload_file": _h_hub_upload, "huggingface_hub.upload_folder": _h_hub_upload,
    "huggingface_hub.create_commit": _h_hub_upload, "huggingface_hub.upload_large_folder": _h_hub_upload,
    "boto3.client": _h_boto3, "boto3.resource": _h_boto3, "crontab.CronTab": _h_crontab,
    "scp.SCPClient": _h_scp_client,
}
_PREFIX_HANDLERS = [
    ("requests.", _h_requests), ("httpx.", _h_requests),
]
