"""Self-replication behaviours of JavaScript/TypeScript, as signals.

Works on the comment-free view of `js_lex.JsView` with call arguments found by bracket
matching.  "Self" is the running module's own file (`__filename`, `process.argv[1]`,
`require.main.filename`, `module.filename`, `import.meta.url`/`fileURLToPath(import.meta.url)`,
`import.meta.filename`, `Deno.mainModule`, `Bun.main`) or a variable assigned one of them; its
text is what `readFileSync(<self>)` returns (or a variable holding it).  `path.join(__dirname,
'x')` names another file and is not self.

Signals (located on the call):
- `sr.js-self-spawn-detached`: spawn/fork/exec of self (or of its copy) detached
  (`detached: true`, `.unref()`, `stdio: 'ignore'` with detached, `nohup`/`setsid` in a command);
- `sr.js-self-copy`: own file copied to a hidden or temporary place, data `dest`;
- `sr.js-self-plant`: own file written into another project's dependencies (`node_modules`,
  `site-packages`, `vendor`), where that project's own code or install step loads it, data `dest`
  and `also` (an install script the same file writes into a package manifest);
- `sr.js-infect`: own text written or appended to files found by enumerating code files;
- `sr.js-fork-loop`: fork/spawn of self or `cluster.fork()` inside `while (true)`, `for (;;)`
  or `setInterval`;
- `sr.js-ssh-self-upload`: an SSH library (ssh2, node-ssh, ssh2-sftp-client) uploading self;
  `sr.js-host-harvest`: hosts read from known_hosts, ssh config, history or /etc/hosts;
- `sr.js-npm-publish`: `npm|yarn|pnpm publish` run from code; `sr.js-pkg-rewrite`: package.json
  written; `sr.js-pkg-inject`: an install script (pre/postinstall) put into a manifest;
  `sr.js-pkg-enumerate`: the maintainer's other packages listed; `sr.js-npm-token`: the
  registry token read (.npmrc, NPM_TOKEN, _authToken);
- `sr.js-persists-self`: a persistence location (rc file, crontab, systemd, autostart,
  LaunchAgents, git hook) written with a command that runs self;
- `sr.js-agent-unattended`: an agent CLI started with permission checks off, detached or in an
  endless loop/timer;
- `sr.js-asset-upload`: model weights or agent files read in a file that sends data over the
  network;
- `sr.js-signal-respawn`: a SIGTERM/SIGINT/SIGHUP/exit handler that starts self again.

Encoded code that is run (`eval(Buffer.from(B64, 'base64').toString())`, `new Function(atob(…))`,
`execSync(Buffer.from(B64, 'base64').toString())`) is decoded, bounded, into a child artefact of
kind javascript or shell, so every rule judges the plain code and the finding shows it decoded.
"""
from __future__ import annotations

import re

from . import detector
from .js_lex import JsView
from ..lazyregex import lazy_re

SIGNALS = ("sr.js-signal-respawn", "sr.js-asset-upload", "sr.js-agent-unattended", "sr.js-self-spawn-detached", "sr.js-self-copy", "sr.js-infect", "sr.js-fork-loop",
           "sr.js-ssh-self-upload", "sr.js-host-harvest", "sr.js-npm-publish", "sr.js-pkg-rewrite",
           "sr.js-pkg-inject", "sr.js-pkg-enumerate", "sr.js-npm-token", "sr.js-persists-self",
           "sr.js-self-plant")
LITERALS = ("safetensors", "gguf", ".ckpt", "pytorch_model", ".claude", ".codex", "base64", "atob(", "__filename", "process.argv", "require.main", "module.filename", "import.meta",
            "mainmodule", "bun.main", "publish", "cluster.fork", "dangerously", "--yolo", "--full-auto",
            "--yes-always", "bypasspermissions", "danger-full-access")
_AGENT = lazy_re(r"""['"`\s](?:claude|codex|gemini|aider|cursor-agent|copilot|qwen|opencode|amp|goose|auggie|@anthropic-ai/claude-code|@openai/codex|@google/gemini-cli)['"`\s]""")
_BYPASS = lazy_re(r"--dangerously-skip-permissions|--dangerously-bypass-approvals-and-sandbox|--yolo\b|--full-auto\b|"
                     r"--yes-always\b|bypassPermissions|danger-full-access|--dangerously-allow-all|--allow-all-tools")

_SELF = (r"__filename\b|process\.argv\[\s*1\s*\]|require\.main\.filename|module\.filename|"
         r"process\.mainModule\.filename|import\.meta\.filename|"
         r"(?:url\.)?fileURLToPath\(\s*import\.meta\.url\s*\)|new\s+URL\(\s*import\.meta\.url\s*\)|"
         r"import\.meta\.url|Deno\.mainModule|Bun\.main")
_ASSIGN = lazy_re(r"\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[\w.<>\[\]]+\s*)?=\s*([^;\n]{1,300})")
_CALL = lazy_re(r"(?<![\w$])(?:[\w$]+\.)*(spawn|fork|execFile|exec|execSync|spawnSync|execFileSync|execa|execaNode|execaCommand)\s*\(")
_COPY = lazy_re(r"(?<![\w$])(?:[\w$]+\.)*(copyFileSync|copyFile|cpSync|cp|writeFileSync|writeFile|appendFileSync|appendFile|outputFile|outputFileSync)\s*\(")
_ENUM = lazy_re(r"readdirSync|readdir\s*\(|\bglob(?:Sync)?\s*\(|\bglob\.(?:sync|glob|stream)\s*\(|\bfg\.(?:sync|glob|stream)\s*\(|fast-glob|\bfg\s*\(|globby|opendir|walk(?:Sync)?\s*\(|recursive\s*:\s*true")
_CODE_EXT = lazy_re(r"""['"`]\*\*?/\*?\.?\*?\.(?:js|mjs|cjs|ts)['"`]|\.endsWith\(\s*['"`]\.(?:js|mjs|cjs|ts)['"`]|\\\.(?:js|mjs|ts)\b|extname\([^)]*\)\s*===?\s*['"`]\.(?:js|mjs|ts)['"`]|['"`]\.(?:js|mjs|cjs|ts)['"`]""")
_INF_LOOP = lazy_re(r"\bwhile\s*\(\s*(?:true|1|!0|!false)\s*\)\s*\{?|\bfor\s*\(\s*;\s*;\s*\)\s*\{?|\bsetInterval\s*\(")
_SSH_LIB = lazy_re(r"""(?:require\(\s*|from\s+|import\(\s*)['"](?:ssh2|node-ssh|ssh2-sftp-client|simple-ssh|ssh2-promise|scp2|node-scp)['"]""")
_SSH_PUT = lazy_re(r"\.(?:fastPut|put|putFile|putFiles|putDirectory|uploadFile|upload|scp)\s*\(")
_HOSTS = lazy_re(r"known_hosts|\.ssh/config|\.ssh['\"`]\s*,\s*['\"`]config|_history\b|/etc/hosts\b|\barp\s+-a|ip\s+neigh")
_PUBLISH = lazy_re(r"""\b(?:npm|yarn|pnpm|bun)\s+publish\b|['"`](?:npm|yarn|pnpm)['"`]\s*,\s*\[\s*['"`]publish['"`]""")
_PKG_WRITE = lazy_re(r"package\.json")
_INJECT = lazy_re(r"""\b(?:pre|post)?install['"`]?\s*[:=]|scripts\s*\.\s*(?:pre|post)?install\b|scripts\s*\[\s*['"`](?:pre|post)?install""")
_ENUMERATE = lazy_re(r"maintainer:|npm\s+owner\s+ls|/-/v1/search|npm\s+access\s+(?:ls-packages|list\s+packages)|npm\s+search|/-/user/|npm\s+pack\b")
_TOKEN = lazy_re(r"readFile(?:Sync)?\s*\([^;\n]{0,120}\.npmrc|_authToken\s*=\s*\(|match\([^)]*_authToken|"
                    r"process\.env\.(?:NPM_TOKEN|NODE_AUTH_TOKEN)\b[^;\n]{0,80}(?:fetch|post|request|send|write)")
_PERSIST = lazy_re(r"\.bashrc|\.bash_profile|\.profile\b|\.zshrc|\bcrontab\b|cron\.d|systemd/(?:user|system)|\.config/autostart|LaunchAgents|\.git/hooks|/etc/rc\.local")
# other projects' dependency folders: code there is loaded by that project, not by this one
_DEPS_DIR = lazy_re(r"""node_modules|site-packages|dist-packages|['"`]vendor['"`]|/vendor/""")
_HIDDEN = lazy_re(r"tmpdir\(\)|['\"`]/tmp/|['\"`]/dev/shm|['\"`]/var/tmp|['\"`]\.[A-Za-z0-9_-]+['\"`]|/\.[A-Za-z0-9_-]+")
MAX_ARGS = 4000
_SIGNAL_HANDLER = lazy_re(r"""\bprocess\.(?:on|once|addListener|prependListener)\s*\(\s*['"`](SIGTERM|SIGINT|SIGHUP|SIGQUIT|exit|beforeExit)['"`]\s*,""")
_ASSET_READ = lazy_re(
    r"""(?:readFile(?:Sync)?|createReadStream|openAsBlob|fileFrom(?:Sync)?|Bun\.file)\s*\(\s*(?:[\w.]+\s*\(\s*)?[^)]{0,200}?"""
    r"""['"`][^'"`]*?(?:\.(?:safetensors|gguf|ggml|ckpt)|(?:pytorch_model|adapter_model|consolidated)[\w.\-]*\.(?:bin|pt|pth)|"""
    r"""(?:^|/)\.(?:claude|codex|gemini)(?:/|['"`])|(?:CLAUDE|AGENTS)\.md|system_prompt)""")
_NET_SEND = lazy_re(r"\bfetch\s*\(|\baxios\b|\bhttps?\.request\s*\(|\bgot\s*\(|\bFormData\b|PutObjectCommand|"
                       r"\.upload\s*\(|\bsuperagent\b|\bneedle\b|\bundici\b|\.putObject\s*\(|uploadFile\s*\(")
_ENCODED_RUN = lazy_re(
    r"(?P<sink>\beval|\bFunction|\bexecSync|\bexec|\bspawnSync|\bexecFileSync)\s*\(\s*(?:new\s+Function\s*\(\s*)?"
    r"(?:Buffer\.from\(\s*(?P<q1>['\"`])(?P<b1>[A-Za-z0-9+/=\s]{16,})(?P=q1)\s*,\s*['\"`]base64['\"`]\s*\)"
    r"\s*\.toString\([^)]{0,20}\)|atob\(\s*(?P<q2>['\"`])(?P<b2>[A-Za-z0-9+/=]{16,})(?P=q2)\s*\))")
_BRACKETS = lazy_re(r"[()\[\]{}]")


class _Js:
    def __init__(self, art, ctx):
        self.art, self.ctx = art, ctx
        self.view = JsView(art.text)
        self.code = self.view.code
        self.self_names: set[str] = set()
        self.content_names: set[str] = set()
        self.copy_names: set[str] = set()
        self.copy_paths: set[str] = set()  # literal destinations of self copies
        self.mention_names: set[str] = set()  # strings built around the own file (`node ${__filename} &`)
        self._pairs: dict[int, int] | None = None
        self._assigns: dict[str, str] = {}
        self.budget = 40 * 1024 * 1024  # characters of call arguments examined, over all checks
        self._vars()

    def self_re(self) -> re.Pattern:
        names = "|".join(re.escape(n) for n in sorted(self.self_names))
        return re.compile(_SELF + (r"|(?<![\w$.])(?:" + names + r")(?![\w$])" if names else ""))

    def _vars(self) -> None:
        # const [, script] = process.argv  /  const { filename } = import.meta
        for m in re.finditer(r"\b(?:const|let|var)\s*\[\s*[\w$]*\s*,\s*([\w$]+)[^\]]*\]\s*=\s*process\.argv\b", self.code):
            self.self_names.add(m.group(1))
        for m in re.finditer(r"\b(?:const|let|var)\s*\{[^}]*\bfilename\b(?:\s*:\s*([\w$]+))?[^}]*\}\s*=\s*(?:import\.meta|module)\b", self.code):
            self.self_names.add(m.group(1) or "filename")
        assigns = [(m.group(1), m.group(2), m.start()) for m in _ASSIGN.finditer(self.code)]
        self._assigns = {}  # each name's first assigned value, for `_copy` and `_resolve`
        for name, expr, _at in assigns:
            self._assigns.setdefault(name, expr)
        for _round in range(3):
            sre = self.self_re()
            before = (len(self.self_names), len(self.content_names))
            for name, expr, _at in assigns:
                e = expr.strip().rstrip(",")
                e = re.sub(r"^(?:await\s+)?(?:path\.)?(?:resolve|normalize|realpathSync|fs\.realpathSync)\((.*)\)$", r"\1", e)
                if re.fullmatch(r"(?:" + sre.pattern + r")", e.strip()):
                    self.self_names.add(name)
                elif re.search(r"readFile(?:Sync)?\s*\(\s*(?:" + sre.pattern + r")", e) or \
                        (e in self.content_names):
                    self.content_names.add(name)
            if (len(self.self_names), len(self.content_names)) == before:
                break
        sre = self.self_re()
        for name, expr, _at in assigns:
            if name not in self.self_names and name not in self.content_names and sre.search(expr):
                self.mention_names.add(name)

    def args(self, open_paren: int) -> tuple[int, str]:
        """End offset (after the closing bracket) and the argument text (at most MAX_ARGS
        characters) of the call whose bracket is at `open_paren`."""
        if self._pairs is None:
            self._pairs = _pair_brackets(self.code, self.view.strings)
        close = self._pairs.get(open_paren)
        if close is None:  # never closed: look at the start only
            end = min(len(self.code), open_paren + 300)
            text = self.code[open_paren + 1:end]
        else:
            end = close + 1
            text = self.code[open_paren + 1:min(close, open_paren + 1 + MAX_ARGS)]
        self.budget -= len(text) + 50
        if self.budget < 0:
            raise _Budget()
        return end, text

    def sig(self, name: str, start: int, end: int, **data) -> None:
        nl = self.art.text.find("\n", start, end)
        if nl > start:
            end = nl
        self.ctx.signal(self.art, name, start, max(end, start + 1), **data)

    def content_re(self, sre: re.Pattern) -> re.Pattern:
        names = "|".join(re.escape(n) for n in sorted(self.content_names))
        pat = r"readFile(?:Sync)?\s*\(\s*(?:" + sre.pattern + r")"
        if names:
            pat += r"|(?<![\w$.])(?:" + names + r")(?![\w$])"
        return re.compile(pat)

    def run(self) -> None:
        code = self.code
        sre = self.self_re()
        cre = self.content_re(sre)
        enumerates = bool(_ENUM.search(code)) and bool(_CODE_EXT.search(code))
        # every check below but publishing and agents needs the program's own file somewhere
        has_self = sre.search(code) is not None
        # copies of self, and their destinations
        for m in _COPY.finditer(code) if has_self else ():
            if self.view.in_string(m.start()):
                continue
            end, args = self.args(m.end() - 1)
            fn = m.group(1)
            parts = _split_args(args)
            if not parts:
                continue
            if fn.startswith(("copyFile", "cp")):
                src, dest = parts[0], (parts[1] if len(parts) > 1 else "")
                if sre.fullmatch(src.strip()) or re.fullmatch(r"(?:path\.)?dirname\(\s*(?:" + sre.pattern + r")\s*\)|__dirname", src.strip()):
                    self._copy(m.start(), end, dest)
                continue
            target = parts[0]
            content = ",".join(parts[1:2])
            if not (cre.search(content) or re.search(r"readFile(?:Sync)?\s*\(\s*(?:" + sre.pattern + r")", content)):
                continue
            literal_target = re.fullmatch(r"\s*(['\"`])[^'\"`$]*\1\s*", target) is not None
            if enumerates and not literal_target:
                self.sig("sr.js-infect", m.start(), end, how="appends" if "append" in fn.lower() else "writes")
            else:
                self._copy(m.start(), end, target)
        # spawns of self
        names = "|".join(re.escape(n) for n in sorted(self.copy_names))
        for m in _CALL.finditer(code) if has_self else ():
            if self.view.in_string(m.start()):
                continue
            end, args = self.args(m.end() - 1)
            if not (sre.search(args) or (names and re.search(names, args)) or any(p in args for p in self.copy_paths)):
                continue
            # what runs: the program and its argument list, not the options (env, cwd…)
            parts = _split_args(args)
            what = ",".join(p for p in parts[:2] if not p.lstrip().startswith("{"))
            runs_self = sre.search(what) or (names and re.search(r"(?<![\w$.])(?:" + names + r")(?![\w$])", what)) \
                or any(p in what for p in self.copy_paths)
            if not runs_self:
                continue
            how = ""
            if re.search(r"detached\s*:\s*true", args):
                how = "detached: true"
            elif re.match(r"\s*\)?\s*\.unref\(\)", code[end:end + 40]):
                how = ".unref()"
            elif re.search(r"\bnohup\b|\bsetsid\b|&\s*['\"`]|\bdisown\b", args):
                how = "nohup/& in the command"
            else:
                a = re.search(r"\b(?:const|let|var)\s+([\w$]+)\s*=\s*(?:await\s+)?$", code[max(0, m.start() - 80):m.start()])
                if a and re.search(r"\b" + re.escape(a.group(1)) + r"\.unref\(\)", code[end:end + 3000]):
                    how = ".unref()"
            if how:
                self.sig("sr.js-self-spawn-detached", m.start(), end, how=how, call=m.group(1))
        self._agents()
        self._assets()
        if has_self:
            self._signal_respawn(sre)
        # endless loops that fork
        for m in _INF_LOOP.finditer(code) if (has_self or "cluster.fork" in code or "execPath" in code) else ():
            if self.view.in_string(m.start()):
                continue
            open_at = m.end() - 1
            if code[open_at] in "({":  # setInterval( … ) or a braced body
                end, body = self.args(open_at)
            else:  # a single-statement body: while (true) fork(__filename);
                stop = re.compile(r"[;\n]").search(code, m.end())
                end = stop.start() if stop else len(code)
                body = code[m.end():end]
                open_at = m.end() - 1
            for f in re.finditer(r"\bcluster\.fork\s*\(|(?<![\w$])(?:[\w$]+\.)*(?:fork|spawn|exec|execFile)\s*\(", body):
                fe, fargs = self.args(open_at + 1 + f.end() - 1)
                if "cluster.fork" in f.group() or sre.search(fargs) or re.search(r"process\.execPath|process\.argv\[0\]", fargs):
                    self.sig("sr.js-fork-loop", m.start(), m.end(), loop=m.group().strip("({ "))
                    break
        # ssh worms
        if _SSH_LIB.search(code):
            for m in _SSH_PUT.finditer(code):
                end, args = self.args(m.end() - 1)
                first = _split_args(args)[:1]
                if first and (sre.fullmatch(first[0].strip()) or re.fullmatch(r"__dirname|(?:path\.)?dirname\(\s*(?:" + sre.pattern + r")\s*\)", first[0].strip())):
                    self.sig("sr.js-ssh-self-upload", m.start(), end)
            for m in re.finditer(r"\.(?:writeFile|write|appendFile)\s*\(", code):
                end, args = self.args(m.end() - 1)
                parts = _split_args(args)
                if len(parts) >= 2 and (cre.search(parts[1]) or re.search(r"readFile(?:Sync)?\s*\(\s*(?:" + sre.pattern + r")", parts[1])) \
                        and re.search(r"sftp|ssh|conn|client|remote", code[max(0, m.start() - 40):m.start()], re.I):
                    self.sig("sr.js-ssh-self-upload", m.start(), end)
            for m in _HOSTS.finditer(code):
                self.sig("sr.js-host-harvest", m.start(), m.end(), source=m.group())
                break
        # registry self-propagation
        # only a publish the program runs (a child-process call), not one its text talks about
        for m in _CALL.finditer(code) if "publish" in code else ():
            if self.view.in_string(m.start()):
                continue
            end, args = self.args(m.end() - 1)
            if _PUBLISH.search(args):
                self.sig("sr.js-npm-publish", m.start(), end)
        if "publish" in code:
            for m in _COPY.finditer(code):
                end, args = self.args(m.end() - 1)
                if _PKG_WRITE.search(args) or re.search(r"(?:pkg|manifest)Path", args):
                    self.sig("sr.js-pkg-rewrite", m.start(), end)
            for rx, name in ((_INJECT, "sr.js-pkg-inject"), (_ENUMERATE, "sr.js-pkg-enumerate"), (_TOKEN, "sr.js-npm-token")):
                mm = rx.search(code)
                if mm:
                    self.sig(name, mm.start(), mm.end(), what=mm.group())
        # persistence of self
        persists = has_self and _PERSIST.search(code) is not None
        names = "|".join(re.escape(n) for n in sorted(self.mention_names))
        carries = re.compile(sre.pattern + (r"|(?<![\w$.])(?:" + names + r")(?![\w$])" if names else ""))
        for m in _COPY.finditer(code) if persists else ():
            end, args = self.args(m.end() - 1)
            parts = _split_args(args)
            if parts and _PERSIST.search(parts[0]) and carries.search(",".join(parts[1:]) or ""):
                self.sig("sr.js-persists-self", m.start(), end, where=_PERSIST.search(parts[0]).group())
        for m in _CALL.finditer(code) if persists else ():
            end, args = self.args(m.end() - 1)
            if re.search(r"\bcrontab\b|systemctl\s+(?:--user\s+)?enable|launchctl\s+load", args) and sre.search(args):
                self.sig("sr.js-persists-self", m.start(), end, where="crontab" if "crontab" in args else "service")

    def _signal_respawn(self, sre: re.Pattern) -> None:
        """A termination handler that starts the program (or its copy) again."""
        code = self.code
        for m in _SIGNAL_HANDLER.finditer(code):
            open_at = code.rfind("(", m.start(), m.end())
            end, body = self.args(open_at)
            names = "|".join(re.escape(n) for n in sorted(self.copy_names))
            for f in _CALL.finditer(body):
                _e, fargs = self.args(open_at + 1 + f.end() - 1)
                what = ",".join(_split_args(fargs)[:2])
                if sre.search(what) or (names and re.search(names, what)) or any(p in what for p in self.copy_paths):
                    self.sig("sr.js-signal-respawn", m.start(), m.end(), signal=m.group(1))
                    return

    def _assets(self) -> None:
        _asset_uploads(self.art, self.ctx, self.code)

    def _agents(self) -> None:
        """Agent CLIs started from code with their permission checks off, detached or on a timer."""
        code = self.code
        if not _BYPASS.search(code):
            return
        loops = [(m.start(), self.args(m.end() - 1)[0]) for m in _INF_LOOP.finditer(code)]
        for m in _CALL.finditer(code):
            if self.view.in_string(m.start()):
                continue
            end, args = self.args(m.end() - 1)
            flag = _BYPASS.search(args)
            if not flag or not _AGENT.search(" " + args[:2000] + " "):
                continue
            why = ""
            if re.search(r"detached\s*:\s*true", args) or re.match(r"\s*\)?\s*\.unref\(\)", code[end:end + 40]) \
                    or re.search(r"\bnohup\b|&\s*['\"`]", args):
                why = "started detached"
            elif any(s <= m.start() < e for s, e in loops):
                why = "run in an endless loop or on a timer"
            if why:
                self.sig("sr.js-agent-unattended", m.start(), end, flag=flag.group(), why=why)

    def _copy(self, start: int, end: int, dest: str) -> None:
        a = re.search(r"\b(?:const|let|var)\s+([\w$]+)\s*=\s*$", self.code[max(0, start - 80):start])
        d = dest.strip()
        lit = re.fullmatch(r"(['\"`])([^'\"`$]{3,200})\1", d)
        if lit:
            self.copy_paths.add(lit.group(2))
        if re.fullmatch(r"[A-Za-z_$][\w$]*", d):
            self.copy_names.add(d)
            # the destination variable's value decides whether the place is hidden
            d = self._assigns.get(d, d)
        if _HIDDEN.search(d):
            self.sig("sr.js-self-copy", start, end, dest=dest.strip()[:100])
        elif a:
            self.copy_names.add(a.group(1))
        if _DEPS_DIR.search(self._resolve(dest)):
            also = ""
            mm = _INJECT.search(self.code) if "package.json" in self.code else None
            if mm and not self.view.in_string(mm.start()):
                line = self.code.count("\n", 0, mm.start()) + 1
                also = f"; it also writes an install script into a package manifest (line {line})"
            self.sig("sr.js-self-plant", start, end, dest=" ".join(dest.split())[:100], also=also)

    def _resolve(self, expr: str, rounds: int = 3) -> str:
        """`expr` with the values of the variables it names appended (three levels): where
        `path.join(dest, 'index.js')` points when `dest = path.join(p, 'node_modules', …)`."""
        out, todo, seen = [expr], [expr], set()
        for _ in range(rounds):
            nxt = []
            for e in todo:
                for name in re.findall(r"(?<![\w$.'\"`])([A-Za-z_$][\w$]*)(?![\w$])", e[:400]):
                    if name in seen or name not in self._assigns:
                        continue
                    seen.add(name)
                    nxt.append(self._assigns[name])
            out += nxt
            todo = nxt
        return " ".join(out)


def _asset_uploads(art, ctx, code: str) -> None:
    """Model weights or the agent's own files read and sent over the network from one file."""
    if not _NET_SEND.search(code):
        return
    for m in _ASSET_READ.finditer(code):
        ctx.signal(art, "sr.js-asset-upload", m.start(), m.end(), what=m.group()[-80:])
        return


def _decode_runs(art, ctx) -> None:
    """`eval(Buffer.from(B64, 'base64').toString())`, `new Function(atob(B64))`,
    `execSync(Buffer.from(B64, 'base64').toString())`: the encoded literal is decoded (bounded)
    and analysed as JavaScript or, for a child-process call, as shell."""
    if "base64" not in art.text and "atob(" not in art.text:
        return
    import base64
    import binascii

    for n, m in enumerate(_ENCODED_RUN.finditer(art.text)):
        if n >= 50:
            break
        lit = m.group("b1") or m.group("b2") or ""
        if len(lit) > 1_000_000:
            continue
        try:
            raw = base64.b64decode(re.sub(r"\s+", "", lit) + "==", validate=False)
        except (binascii.Error, ValueError):
            continue
        text = raw.decode("utf-8", "replace")
        if not text.strip() or sum(ch.isprintable() or ch in "\n\t" for ch in text) < 0.9 * len(text):
            continue
        span = m.span("b1") if m.group("b1") else m.span("b2")
        kind = "javascript" if m.group("sink") in ("eval", "Function") else "shell"
        ctx.child(art, text, label=f"base64 decoded and run at line {art.index.position(m.start())[0]}",
                  kind=kind, span=span, decoded_from="base64")


class _Budget(Exception):
    """The file has more call arguments than one scan examines."""


def _pair_brackets(code: str, strings: list[tuple[int, int]]) -> dict[int, int]:
    """Every opening bracket's closing partner, in one pass; brackets in string literals skipped."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    si = 0
    ns = len(strings)
    for m in _BRACKETS.finditer(code):
        i = m.start()
        while si < ns and strings[si][1] <= i:
            si += 1
        if si < ns and strings[si][0] <= i:
            continue
        if code[i] in "([{":
            stack.append(i)
        elif stack:
            pairs[stack.pop()] = i
    return pairs


def _split_args(args: str) -> list[str]:
    out, depth, cur = [], 0, []
    quote = ""
    for ch in args:
        if quote:
            cur.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        cur.append(ch)
    if cur:
        out.append("".join(cur))
    return [a.strip() for a in out]


@detector("js-behaviour", SIGNALS, kinds=("javascript",), literals=LITERALS)
def detect_js_behaviour(art, ctx):
    _decode_runs(art, ctx)  # bounded regex decoding: every part
    n = ctx.limits.max_parsed_parts
    if not ctx.quota(art, "js-behaviour", n,
                     f"more than {n} embedded JavaScript parts; the JavaScript behaviour rules ran on "
                     f"the first {n} only"):
        return
    try:
        _Js(art, ctx).run()
    except _Budget:
        ctx.error(art, "JavaScript: more call arguments than one scan examines; the rest was not analysed")
