"""HTML: one self-contained page a person opens after a sandbox sweep.

The page holds everything inline (styles, a small filter script) and loads nothing: its
Content-Security-Policy forbids every network fetch, so opening a report of a hostile tree
cannot call out.  Every string from the scanned tree is HTML-escaped after `visible` made its
invisible and control characters into ⟨U+XXXX⟩ markers, which the page then highlights.

Sections: totals; a summary per category; a summary per run (`--group-by`, default the
top-level folder); every finding with its code frame (the match marked), the decoded payload,
the way into the file and related locations; the files not fully analysed; the documentation of
every rule that fired.  Without JavaScript every finding is shown; with it, severity and
category filters hide the rest.
"""
from __future__ import annotations

import html
import re

from .. import __version__
from ..escape import one_line, visible
from ..model import CATEGORIES
from . import renderer
from .groups import Grouper, summarise
from .json_report import clean
from ..lazyregex import lazy_re

MAX_FINDINGS = 5000
_MARK = lazy_re("(\u27e8[^\u27e9\n]{1,80}\u27e9)")
def _csp() -> str:
    """No fetch of any kind; the page's one script is allowed by its hash, so even markup that
    slipped through escaping could not run a script or an event handler."""
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; img-src data:; "
            "base-uri 'none'; form-action 'none'")

STYLE = """
:root{--err:#b3261e;--warn:#8a5a00;--note:#1f5f8b;--bg:#fbfbfa;--fg:#1d1d1f;--mute:#5f6368;--line:#dadce0}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:16px;margin:20px 0 8px}
.meta{color:var(--mute);margin:0}
code,pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
table{border-collapse:collapse;margin:8px 0;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
th{background:#f1f3f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
td.n.hot{font-weight:700}
.totals{display:flex;gap:10px;flex-wrap:wrap;margin:12px 0}
.pill{border-radius:14px;padding:3px 12px;font-weight:600;border:1px solid var(--line);background:#fff}
.badge{display:inline-block;border-radius:4px;padding:0 8px;color:#fff;font-weight:700;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.badge.error,.pill.error{background:var(--err);color:#fff;border-color:var(--err)}
.badge.warning,.pill.warning{background:var(--warn);color:#fff;border-color:var(--warn)}
.badge.note,.pill.note{background:var(--note);color:#fff;border-color:var(--note)}
.finding{background:#fff;border:1px solid var(--line);border-left:6px solid var(--note);border-radius:6px;padding:10px 14px;margin:10px 0}
.finding.error{border-left-color:var(--err)}.finding.warning{border-left-color:var(--warn)}
.finding header{display:flex;gap:8px;align-items:baseline;flex-wrap:wrap}
.finding .rule{font-weight:700}.finding .cat{color:var(--mute);font-size:13px}
.finding .loc{margin:4px 0;color:var(--mute)}
.finding .msg{margin:6px 0}
pre.frame{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:8px;overflow-x:auto;white-space:pre;margin:6px 0}
pre.frame .ln{color:var(--mute);user-select:none}
mark{background:#ffe08a;color:inherit;border-radius:2px}
.inv{background:#fde7e9;color:var(--err);border:1px solid #f4b4ba;border-radius:3px;padding:0 2px;font-size:12px}
.decoded{background:#eef6ee;border:1px solid #b7d7b7;border-radius:4px;padding:6px 10px;margin:6px 0}
.decoded pre{white-space:pre-wrap;margin:4px 0 0;word-break:break-word}
.decoded .label{font-weight:700;color:#1e6b1e}
.origin,.related,.excerpt{color:var(--mute);font-size:13px;margin:4px 0}
.excerpt code{color:var(--fg);background:#f6f8fa;padding:1px 4px;border-radius:3px}
.related{padding-left:18px}
.filters{display:flex;gap:16px;flex-wrap:wrap;margin:8px 0;font-size:14px}
.filters fieldset{border:1px solid var(--line);border-radius:6px;padding:4px 10px}
.hidden{display:none}
.empty{color:var(--mute);font-style:italic}
.ruledoc{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;margin:8px 0}
.ruledoc p{margin:4px 0}
details.clean-runs{margin:6px 0;color:var(--mute);font-size:14px}details.clean-runs p{margin:4px 0 0}
footer{color:var(--mute);font-size:13px;margin:40px 0 10px}
"""

SCRIPT = """
(function(){
  var boxes=document.querySelectorAll('.filters input');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.value]=b.checked;});
    var shown=0;
    document.querySelectorAll('.finding').forEach(function(f){
      var ok=on[f.dataset.severity]&&on[f.dataset.category];
      f.classList.toggle('hidden',!ok);if(ok)shown++;
    });
    var c=document.getElementById('shown');if(c)c.textContent=shown;
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  apply();
  document.documentElement.dataset.filters='on';
})();
"""


def esc(s) -> str:
    """Untrusted text → safe HTML with invisible characters shown and highlighted."""
    text = html.escape(visible(clean(s) if s is not None else ""), quote=True)
    return _MARK.sub(r'<span class="inv" title="invisible or control character">\1</span>', text)


def esc1(s) -> str:
    text = html.escape(one_line(clean(s) if s is not None else ""), quote=True)
    return _MARK.sub(r'<span class="inv" title="invisible or control character">\1</span>', text)


def _anchor(name: str) -> str:
    import zlib

    return "run-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name)[:80] + f"-{zlib.crc32(name.encode('utf-8', 'surrogatepass')):08x}"


def _frame(f) -> str:
    if not f.snippet:
        return ""
    lines = f.snippet.split("\n")
    first = getattr(f, "snippet_line", None) or f.location.line
    width = len(str(first + len(lines) - 1))
    out = []
    for i, line in enumerate(lines):
        num = f'<span class="ln">{first + i:>{width}} | </span>'
        if i == 0:
            start, length = f.caret
            body = esc(line[:start]) + "<mark>" + esc(line[start:start + length]) + "</mark>" + esc(line[start + length:])
        else:
            body = esc(line)
        out.append(num + body)
    return '<pre class="frame">' + "\n".join(out) + "</pre>"


def _finding(f, n: int) -> str:
    loc = f.location
    parts = [
        f'<article class="finding {f.severity}" id="f-{n}" data-severity="{f.severity}" data-category="{esc(f.category)}">',
        f'<header><span class="badge {f.severity}">{f.severity}</span> '
        f'<a class="rule" href="#rule-{esc(f.rule_id)}">{esc(f.rule_id)}</a> '
        f'<span class="title">{esc1(f.title)}</span> <span class="cat">[{esc(f.category)}, {esc(f.confidence)} confidence]</span></header>',
        f'<p class="loc"><code>{esc1(f.path)}:{loc.line}:{loc.column}</code></p>',
        f'<p class="msg">{esc1(f.message)}</p>',
        _frame(f),
    ]
    if getattr(f, "excerpt", None):
        parts.append(f'<p class="excerpt">in the part: <code>{esc1(f.excerpt)}</code></p>')
    if f.decoded:
        parts.append(f'<div class="decoded"><span class="label">Decoded:</span><pre>{esc(f.decoded)}</pre></div>')
    if len(f.origin) > 1:
        parts.append('<p class="origin">found in: ' + " &rarr; ".join(esc1(o) for o in f.origin) + "</p>")
    if f.related:
        items = "".join(f"<li>{r.location.line}:{r.location.column}: {esc1(r.label)}</li>" for r in f.related[:20])
        more = f"<li>and {len(f.related) - 20} more</li>" if len(f.related) > 20 else ""
        parts.append(f'<ul class="related">{items}{more}</ul>')
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


def _num(v: int) -> str:
    return f'<td class="n{" hot" if v else ""}">{v}</td>'


@renderer("html")
def render(result, group_by: str | None = None, **kw) -> str:
    by = group_by or "1"
    counts = result.counts()
    groups = summarise(result, by)
    grouper = Grouper(getattr(result, "roots", []) or [], by)
    roots = ", ".join(esc1(r) for r in (getattr(result, "roots", None) or []))
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">',
           '<meta name="referrer" content="no-referrer">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>artefact-scan report: {counts['error']} errors, {counts['warning']} warnings</title>",
           f"<style>{STYLE}</style></head><body><main>",
           "<header><h1>artefact-scan report</h1>",
           f'<p class="meta">artefact-scan {esc(__version__)} &middot; scanned {roots or "."} &middot; '
           f"{result.files} files, {result.bytes / 1e6:.2f} MB in {result.seconds:.2f} s &middot; "
           f"{len(result.ruleset.rules)} rules</p>"]
    gate = getattr(result, "gate", None)
    if gate:
        out.append(f'<p class="meta" id="gate">gate: {gate["changed_files"]} changed files since '
                   f'{esc1(gate["base"])} (merge base <code>{esc(gate["merge_base"][:12])}</code>); '
                   f'{gate["outside_change"]} findings outside the changed lines left out</p>')
    if getattr(result, "baselined", 0):
        out.append(f'<p class="meta">{result.baselined} findings left out because the baseline lists them</p>')
    out.append("</header>")
    # -- summary
    out.append('<section id="summary"><h2>Summary</h2><div class="totals">')
    for sev, word in (("error", "errors"), ("warning", "warnings"), ("note", "notes")):
        out.append(f'<span class="pill {sev if counts[sev] else ""}" id="total-{sev}">{counts[sev]} {word}</span>')
    out.append(f'<span class="pill" id="total-errors">{len(result.errors)} not fully analysed</span>'
               f'<span class="pill" id="total-suppressed">{result.suppressed} suppressed</span></div>')
    out.append('<table class="by-category"><thead><tr><th>category</th><th>error</th><th>warning</th>'
               "<th>note</th></tr></thead><tbody>")
    by_cat = {c: {"error": 0, "warning": 0, "note": 0} for c in CATEGORIES}
    for f in result.findings:
        by_cat.setdefault(f.category, {"error": 0, "warning": 0, "note": 0})[f.severity] += 1
    for cat, c in by_cat.items():
        out.append(f"<tr><td>{esc(cat)}</td>{_num(c['error'])}{_num(c['warning'])}{_num(c['note'])}</tr>")
    out.append("</tbody></table>")
    if result.findings:
        per_rule: dict[str, list] = {}
        for f in result.findings:
            per_rule.setdefault(f.rule_id, []).append(f)
        out.append('<table class="by-rule"><thead><tr><th>rule</th><th>title</th><th>findings</th>'
                   "<th>runs</th></tr></thead><tbody>")
        for rid, fs in sorted(per_rule.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            runs = len({grouper.key(f.path) for f in fs})
            out.append(f'<tr><td><a href="#rule-{esc(rid)}">{esc(rid)}</a></td><td>{esc1(fs[0].title)}</td>'
                       f"{_num(len(fs))}{_num(runs)}</tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    # -- per run
    label = "root" if by == "root" else ("run (top-level folder)" if by == "1" else f"folder (depth {by})")
    out.append(f'<section id="runs"><h2>Per {label}</h2>')
    flagged = sum(1 for g in groups if g.worst or g.errors)
    out.append(f'<p class="meta">{len(groups)} in all; {flagged} with findings or files not fully analysed.</p>')
    out.append('<table class="by-run"><thead><tr><th>run</th><th>files</th><th>error</th><th>warning</th>'
               "<th>note</th><th>not analysed</th><th>categories</th></tr></thead><tbody>")
    clean = []
    for g in sorted(groups, key=lambda g: (-(g.findings["error"]), -(g.findings["warning"]), -g.errors, g.name)):
        if not (g.worst or g.errors):
            clean.append(g)
            continue
        cats = ", ".join(f"{esc(c)} {sum(v.values())}" for c, v in g.by_category.items() if sum(v.values()))
        name = esc1(g.name)
        if g.worst:
            name = f'<a href="#{_anchor(g.name)}">{name}</a>'
        out.append(f"<tr><td>{name}</td>{_num(g.files)}{_num(g.findings['error'])}{_num(g.findings['warning'])}"
                   f"{_num(g.findings['note'])}{_num(g.errors)}<td>{cats}</td></tr>")
    out.append("</tbody></table>")
    if clean:
        names = ", ".join(f"{esc1(g.name)} ({g.files})" for g in clean[:MAX_FINDINGS])
        out.append(f'<details class="clean-runs"><summary>{len(clean)} without findings (files in brackets)'
                   f"</summary><p>{names}</p></details>")
    out.append("</section>")
    # -- findings
    out.append(f'<section id="findings"><h2>Findings (<span id="shown">{len(result.findings)}</span> shown)</h2>')
    if result.findings:
        out.append('<form class="filters" onsubmit="return false"><fieldset><legend>severity</legend>')
        for sev in ("error", "warning", "note"):
            out.append(f'<label><input type="checkbox" value="{sev}" checked> {sev}</label> ')
        out.append("</fieldset><fieldset><legend>category</legend>")
        for cat in sorted({f.category for f in result.findings} | set(CATEGORIES)):
            out.append(f'<label><input type="checkbox" value="{esc(cat)}" checked> {esc(cat)}</label> ')
        out.append("</fieldset></form>")
        by_group: dict[str, list] = {}
        for f in result.findings[:MAX_FINDINGS]:
            by_group.setdefault(grouper.key(f.path), []).append(f)
        n = 0
        for name in sorted(by_group):
            out.append(f'<h3 id="{_anchor(name)}">{esc1(name)}</h3>')
            for f in by_group[name]:
                n += 1
                out.append(_finding(f, n))
        if len(result.findings) > MAX_FINDINGS:
            out.append(f'<p class="empty">{len(result.findings) - MAX_FINDINGS} more findings are not shown; '
                       "see the JSON report for all of them.</p>")
    else:
        out.append('<p class="empty" id="no-findings">No findings.</p>')
    out.append("</section>")
    # -- errors
    out.append(f'<section id="errors"><h2>Not fully analysed ({len(result.errors)})</h2>')
    if result.errors:
        out.append("<ul>")
        for e in result.errors[:MAX_FINDINGS]:
            way = (" [" + " &rarr; ".join(esc1(o) for o in e.origin) + "]") if e.origin else ""
            out.append(f"<li><code>{esc1(e.path)}</code>{way}: {esc1(e.message)}</li>")
        out.append("</ul>")
    else:
        out.append('<p class="empty">Every file was fully analysed.</p>')
    out.append("</section>")
    # -- rules that fired
    fired = sorted({f.rule_id for f in result.findings})
    if fired:
        out.append('<section id="rules"><h2>Rules</h2>')
        for rid in fired:
            rule = result.ruleset.rules.get(rid)
            if rule is None:
                continue
            out.append(f'<div class="ruledoc" id="rule-{esc(rid)}"><h3>{esc(rid)} {esc(rule.name)}: {esc(rule.title)}</h3>'
                       f"<p><b>What it finds.</b> {esc(' '.join(rule.docs['summary'].split()))}</p>"
                       f"<p><b>Why it matters.</b> {esc(' '.join(rule.docs['why'].split()))}</p>"
                       f"<p><b>Look-alikes it avoids.</b> {esc(' '.join(rule.docs['benign'].split()))}</p></div>")
        out.append("</section>")
    out.append(f"<footer>Generated by artefact-scan {esc(__version__)}. This page is self-contained and loads "
               "nothing from the network.</footer></main>")
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
