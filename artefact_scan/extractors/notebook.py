"""Jupyter notebooks → one child artefact per cell (and per text output).

Code cells are analysed in the notebook's language (cell magics `%%bash`/`%%sh` switch to shell),
Markdown cells as Markdown, raw cells and text outputs as text.  Each child maps back onto the
JSON line holding its source, so findings point into the .ipynb file.  A notebook that is not
valid JSON is reported in `errors` and still gets the text-level rules as plain JSON text.
"""
from __future__ import annotations

from .. import jsonpos
from ..kinds import LANGUAGES
from ..model import Segment
from . import extractor


def _lines(src) -> list:
    if isinstance(src, jsonpos.PosStr):
        return [src]
    if isinstance(src, list):
        return [s for s in src if isinstance(s, jsonpos.PosStr)]
    return []


@extractor("notebook-cells", kinds={"notebook"})
def extract_cells(art, ctx):
    try:
        nb = jsonpos.parse(art.text)
    except (ValueError, RecursionError) as e:
        ctx.error(art, f"notebook is not valid JSON ({e}); analysed as plain text only")
        return
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        ctx.error(art, "notebook has no list of cells; analysed as plain text only")
        return
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    lang = ""
    for key in ("kernelspec", "language_info"):
        sub = meta.get(key) if isinstance(meta, dict) else None
        if isinstance(sub, dict):
            lang = str(sub.get("language") or sub.get("name") or "")
            if lang:
                break
    code_kind = LANGUAGES.get(lang.lower(), "python")
    program: list[tuple[str, list]] = []  # the Python code cells, in order
    for i, cell in enumerate(nb["cells"], 1):
        if not isinstance(cell, dict):
            continue
        ctype = str(cell.get("cell_type", "code"))
        parts = _lines(cell.get("source"))
        if parts:
            text, segs = jsonpos.join(parts)
            if ctype == "code":
                kind = code_kind
                head = text.lstrip()[:40]
                if head.startswith(("%%bash", "%%sh", "%%script bash", "%%script sh")):
                    kind = "shell"
                elif head.startswith(("%%html",)):
                    kind = "html"
                elif head.startswith(("%%javascript", "%%js")):
                    kind = "javascript"
            elif ctype == "markdown":
                kind = "markdown"
            else:
                kind = "text"
            child = ctx.child(art, text, label=f"cell {i} ({ctype})", kind=kind,
                              name=f"cell-{i}", segments=segs, facts={"notebook-cell"})
            if child is not None:
                yield child
            if kind == "python" and ctype == "code":
                program.append((text, segs))
        outputs = cell.get("outputs")
        if isinstance(outputs, list):
            for j, out in enumerate(outputs, 1):
                if not isinstance(out, dict):
                    continue
                texts = _lines(out.get("text"))
                data = out.get("data")
                if isinstance(data, dict):
                    for mime in ("text/plain", "text/markdown", "text/html"):
                        texts += _lines(data.get(mime))
                if texts:
                    text, segs = jsonpos.join(texts)
                    child = ctx.child(art, text, label=f"cell {i} output {j}", kind="text",
                                      name=f"cell-{i}-output-{j}", segments=segs,
                                      facts={"notebook-output"})
                    if child is not None:
                        yield child
    if len(program) >= 2:
        # a kernel runs the cells as one program: a host list made in one cell and a copy of the
        # notebook sent to them in the next is one flow (findings inside one cell are the same
        # place either way, and reported once)
        out, segs_all, n = [], [], 0
        for text, segs in program:
            segs_all += [Segment(n + s.child_start, s.parent_start, s.parent_end, s.exact) for s in segs]
            piece = text if text.endswith("\n") else text + "\n"
            out.append(piece)
            n += len(piece)
        child = ctx.child(art, "".join(out), label="the code cells as one program", kind="python",
                          name="notebook-program.py", segments=segs_all, facts={"notebook-cell"})
        if child is not None:
            yield child
