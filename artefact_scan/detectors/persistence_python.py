"""Python start-up hooks and install hooks: `.pth` lines that run code, sitecustomize /
usercustomize modules, and `setup.py` command classes that override install.

Python's `site` module executes every line of a `.pth` file in site-packages that starts with
`import`; `sitecustomize.py` and `usercustomize.py` are imported by every interpreter start.
Code there runs on every `python` the user ever starts (ATT&CK T1546.018; the 2024 litellm
compromise).  The known harmless lines (setuptools' distutils shim, editable-install finders,
virtualenv, coverage and pytest-cov start-up, pywin32, namespace-package stubs) are recognised
by their exact shapes, so a copy of a harmless marker inside a malicious line does not pass.

Signals:
- `sr.pth-code-danger`: a `.pth` import line that starts processes, opens network connections,
  or executes decoded or compressed text; data `why`;
- `sr.pth-code-exec`: a `.pth` import line that executes or writes other code (exec/eval/compile,
  writing files), none of the above;
- `sr.pth-code-import`: any other import line (a note: it runs code at every start-up);
- `sr.startup-hook-danger`: a sitecustomize/usercustomize module that starts processes, opens
  network connections or executes decoded text;
- `sr.setup-install-hook`: a `setup.py` whose `cmdclass` overrides install/develop/egg_info/
  build_py/bdist_wheel with a class that starts processes, uses the network, executes code or
  writes persistence locations.
"""
from __future__ import annotations

import posixpath
import re

from . import detector
from ..lazyregex import lazy_re

_SPAWN = lazy_re(r"\bsubprocess\b|\bos\.(?:system|popen|spawn\w*|exec[lv]\w*|fork|posix_spawn\w*)\b|\bPopen\b|"
                    r"\bpty\.spawn\b|\bcommands\.getoutput\b|__import__\(\s*['\"](?:subprocess|pty)['\"]\s*\)")
_NETWORK = lazy_re(r"\burllib\b|\burlopen\b|\brequests\.|\bhttp\.client\b|\bsocket\b|\bhttpx\b|\baiohttp\b|"
                      r"\bftplib\b|\bparamiko\b|__import__\(\s*['\"](?:socket|urllib[\w.]*|requests)['\"]\s*\)")
_DECODE = lazy_re(r"b64decode|b32decode|b16decode|a85decode|b85decode|\bzlib\b|decompress|\bmarshal\b|"
                     r"codecs\.decode|fromhex|rot.?13|\bbase64\b|\blzma\b|\bbz2\b")
_EXEC = lazy_re(r"\b(?:exec|eval|compile)\s*\(|__import__\(\s*['\"]builtins['\"]\s*\)\.exec")
_WRITE = lazy_re(r"open\([^)]*['\"][wa]b?\+?['\"]|\.write_(?:text|bytes)\(|shutil\.copy")
_PERSIST = lazy_re(r"crontab|\.bashrc|\.profile|systemctl|systemd|LaunchAgents|autostart|authorized_keys|\.pth\b|sitecustomize")

# Harmless start-up lines, by exact shape.
_BENIGN_PTH = [
    re.compile(r"import _virtualenv\s*"),
    re.compile(r"import (__editable___[\w.]+_finder); \1\.install\([^;()]*\)\s*"),
    re.compile(r"import os; var = 'SETUPTOOLS_USE_DISTUTILS'; enabled = os\.environ\.get\(var, '(?:local|stdlib)'\) == 'local'; "
               r"enabled and __import__\('_distutils_hack'\)\.add_shim\(\); ?"),
    re.compile(r"import coverage; coverage\.process_startup\(\)\s*"),
    re.compile(r"import pywin32_bootstrap\s*"),
    re.compile(r"import sys, types, os;has_mfs = sys\.version_info > \(3, 5\);p = os\.path\.join\("
               r"sys\._getframe\(1\)\.f_locals\['sitedir'\], \*\('[\w.]+',?(?:\s*'[\w.]+',?)*\)\);"
               r"[^\n]*"),
    re.compile(r"import os, sys;exec\('if \\'COV_CORE_SOURCE\\' in os\.environ:\\n  try:\\n    from pytest_cov\.embed import init\\n"
               r"    init\(\)\\n  except Exception as exc:\\n    sys\.stderr\.write\([^\n]*\)\\n'\)\s*"),
]
_PTH_IMPORT = lazy_re(r"^import[ \t][^\n]*", re.M)
_CMDCLASS = lazy_re(r"cmdclass\s*=\s*\{([^}]{0,2000})\}", re.S)
_OVERRIDE = lazy_re(r"['\"](install|develop|egg_info|build_py|bdist_wheel|bdist_egg|sdist|install_lib|install_scripts|easy_install)['\"]\s*:\s*([A-Za-z_]\w*)")


def _danger(line: str) -> str:
    if _SPAWN.search(line):
        return "starts processes"
    if _NETWORK.search(line):
        return "opens network connections"
    if _EXEC.search(line) and _DECODE.search(line):
        return "executes decoded or compressed text"
    return ""


def _benign(line: str) -> bool:
    stripped = line.rstrip("\r")
    return any(rx.fullmatch(stripped) for rx in _BENIGN_PTH)


def _want(art) -> bool:
    if art.kind == "pth":
        return True
    base = posixpath.basename(art.name.replace("\\", "/")).lower()
    return base in ("sitecustomize.py", "usercustomize.py", "setup.py")


@detector("python-startup-hooks", ("sr.pth-code-danger", "sr.pth-code-exec", "sr.pth-code-import",
                                   "sr.startup-hook-danger", "sr.setup-install-hook"),
          kinds=("pth", "python"), prefilter=_want)
def detect_startup_hooks(art, ctx):
    text = art.text
    base = posixpath.basename(art.name.replace("\\", "/")).lower()
    if art.kind == "pth":
        for m in _PTH_IMPORT.finditer(text):
            line = m.group()
            if _benign(line):
                continue
            why = _danger(line)
            if why:
                ctx.signal(art, "sr.pth-code-danger", m.start(), m.end(), why=why)
            elif _EXEC.search(line) or _WRITE.search(line):
                ctx.signal(art, "sr.pth-code-exec", m.start(), m.end(),
                           why="executes code" if _EXEC.search(line) else "writes files")
            else:
                ctx.signal(art, "sr.pth-code-import", m.start(), m.end())
        return
    if base in ("sitecustomize.py", "usercustomize.py"):
        for m in re.finditer(r"^[ \t]*[^#\s][^\n]*", text, re.M):
            if re.match(r"[ \t]*(?:import|from)[ \t]", m.group()) and ";" not in m.group():
                continue  # importing a module does nothing yet; its use is judged
            why = _danger(m.group())
            if why:
                ctx.signal(art, "sr.startup-hook-danger", m.start(), m.end(), why=why, module=base)
                return
        return
    if base == "setup.py" and "cmdclass" in text:
        for cm in _CMDCLASS.finditer(text):
            for om in _OVERRIDE.finditer(cm.group(1)):
                cls = om.group(2)
                body = _class_body(text, cls)
                if body is None:
                    continue
                bs, be = body
                chunk = text[bs:be]
                why = _danger(chunk) or ("executes code" if _EXEC.search(chunk) else "") or \
                    ("writes a persistence location" if _PERSIST.search(chunk) else "")
                if why:
                    at = cm.start(1) + om.start()
                    ctx.signal(art, "sr.setup-install-hook", at, cm.start(1) + om.end(), command=om.group(1),
                               cls=cls, why=why)


def _class_body(text: str, name: str) -> tuple[int, int] | None:
    m = re.search(r"^class[ \t]+" + re.escape(name) + r"\b[^\n]*:[ \t]*\n", text, re.M)
    if not m:
        return None
    nxt = re.compile(r"^\S", re.M).search(text, m.end())
    return m.end(), (nxt.start() if nxt else len(text))
