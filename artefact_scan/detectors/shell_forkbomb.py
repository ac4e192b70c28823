"""Fork bombs in shell: a function whose body runs itself piped into itself in the background
(`f | f &`), defined and then called — the classic `:(){ :|:& };:` and every renamed variant.

The search starts from the literal `|` (fast in `re`) and checks the shape around it, rather than
trying a function-name pattern at every position of every file.  All patterns here are linear.

Signal `sr.shell-fork-bomb`: data `fn` (the function name).
"""
from __future__ import annotations

import re

from . import detector
from ..lazyregex import lazy_re

_NAME = r"[A-Za-z_:.][\w:.-]*"
_PIPE = lazy_re(r"\|[ \t]*&?[ \t]*(" + _NAME + r")[ \t]*&")
_TAIL_CALL = r"[ \t\n;]*\}}[ \t]*[;\n][ \t\n]*{fn}(?![\w:.-])"
_HEAD = r"(?:\bfunction[ \t]+)?(?<![\w:.-]){fn}[ \t]*\([ \t]*\)[ \t]*\{{[ \t\n]*{fn}[ \t]*$"


@detector("shell-fork-bomb", ("sr.shell-fork-bomb",), prefilter=lambda art: "|" in art.text and "&" in art.text)
def detect_fork_bomb(art, ctx):
    text = art.text
    for m in _PIPE.finditer(text):
        fn = m.group(1)
        efn = re.escape(fn)
        before = text[max(0, m.start() - 200):m.start()]
        head = re.search(_HEAD.format(fn=efn), before)
        if not head:
            continue
        tail = re.compile(_TAIL_CALL.format(fn=efn)).match(text, m.end())
        if not tail:
            continue
        start = m.start() - (len(before) - head.start())
        if art.kind in _PROSE and _in_prose_code_span(text, start, tail.end()):
            continue  # "the famous spelling is `:(){ :|:& };:`": named in a sentence, not run
        ctx.signal(art, "sr.shell-fork-bomb", start, tail.end(), fn=fn)


_PROSE = frozenset({"markdown", "text", "html"})
_WORDS = lazy_re(r"[A-Za-z]{2,}")


def _in_prose_code_span(text: str, start: int, end: int) -> bool:
    """Inside an inline code span (`…` on one line) of a sentence: the line before and the line
    of the span hold at least six words outside it."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    if text.count("`", ls, start) % 2 != 1 or "`" not in text[end:le]:
        return False
    close = text.index("`", end)
    open_ = text.rfind("`", ls, start)
    prev = text.rfind("\n", 0, max(0, ls - 1)) + 1
    around = text[prev:open_] + " " + text[close + 1:le]
    return len(_WORDS.findall(around)) >= 6


# -- forms without the `f|f&` shape, found on the parsed script ---------------------------------
# `f(){ f & f; }; f`, `function f { f | f & }` over several lines, and the one-liners that run
# the same idea in another interpreter from a shell line (`perl -e 'fork while fork'`,
# `python -c 'import os; while True: os.fork()'`).
_ONE_LINERS = lazy_re(
    r"\bfork\s+while\s+fork\b|\bfork\s+until\s+0\b|"
    r"\bwhile\s*(?:True|1)\s*:\s*(?:os\.)?fork\s*\(\s*\)|"
    r"\bfor\s*\(\s*;\s*;\s*\)\s*fork\s*\(\s*\)")


def _parsed_forms(art, ctx, found: set[str]) -> None:
    from .shell_model import model_allowed, model_of
    from .shell_syntax import unwrap

    if not model_allowed(art, ctx):
        return  # the `f|f&` shape and the one-liners are still found on the text
    model = model_of(art)
    for fn, frame in model.script.functions.items():
        if fn in found:
            continue
        inside = [c for c in model.in_frame.get(id(frame), []) if c.frames and frame in c.frames]
        calls = [c for c in inside if unwrap(c)[0][:1] and unwrap(c)[0][0].value == fn]
        if len(calls) < 2:
            continue
        def is_call(c) -> bool:
            return c is not None and bool(unwrap(c)[0][:1]) and unwrap(c)[0][0].value == fn

        background = [c for c in calls if c.sep == "&" or
                      any(f.background for f in c.frames[c.frames.index(frame) + 1:])]
        piped_into_itself = any(is_call(c.pipe_prev) for c in calls)
        if not (piped_into_itself or background):
            continue  # plain recursion, or piping into another command (`list | column`)
        outside = [c for c in model.cmds if frame not in c.frames and c.start >= frame.start
                   and unwrap(c)[0][:1] and unwrap(c)[0][0].value == fn]
        if not outside:
            continue
        ctx.signal(art, "sr.shell-fork-bomb", frame.start, max(frame.start + 1, frame.end), fn=fn)


@detector("shell-fork-bomb-forms", ("sr.shell-fork-bomb",), kinds=("shell",),
          prefilter=lambda art: "&" in art.text or "fork" in art.text)
def detect_fork_bomb_forms(art, ctx):
    found = {s.data.get("fn") for s in ctx.signals_of(art) if s.name == "sr.shell-fork-bomb"}
    if "&" in art.text and "(" in art.text:
        _parsed_forms(art, ctx, found)
    if "fork" in art.text:
        for m in _ONE_LINERS.finditer(art.text):
            ctx.signal(art, "sr.shell-fork-bomb", m.start(), m.end(), fn="fork")
