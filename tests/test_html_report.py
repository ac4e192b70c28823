"""The HTML report, opened the way a person would: in a real headless browser (Debian's
chromium), checking what it renders (the DOM after its script ran, and the pixels of a
screenshot), not only the HTML text.  Also: hostile names cannot inject markup, and the page
loads nothing from the network."""
from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from .conftest import FIXTURES

CLI = str(Path(sys.executable).with_name("artefact-scan"))
DEMO = FIXTURES / "demo-sandbox"


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


needs_browser = pytest.mark.skipif(chromium() is None and not os.environ.get("CI"),
                                   reason="needs chromium (apt-get install -y chromium; .ci/run installs it)")


def browse(page: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    exe = chromium()
    assert exe, "chromium is not installed (CI installs it in .ci/run)"
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           "--hide-scrollbars", f"--user-data-dir={profile}", *args, page.as_uri()]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def make_sweep(root: Path) -> Path:
    runs = root / "runs"
    shutil.copytree(DEMO, runs / "run-001")
    (runs / "run-002").mkdir(parents=True)
    (runs / "run-002" / "notes.md").write_text("# Notes\n\nAll fine.\n")
    evil = runs / "run-003"
    evil.mkdir()
    # a hostile name and content: markup and a zero-width character must come out inert
    (evil / '<img src=x onerror=alert(1)>.sh').write_text("#!/bin/sh\n# <script>alert(2)</script>\nf(){ f|f& }; f  # \u200b<b>bold</b>\n")
    return runs


def render_html(tmp_path) -> tuple[Path, str]:
    runs = make_sweep(tmp_path)
    page = tmp_path / "report.html"
    r = subprocess.run([CLI, "scan", str(runs), "--format", "html", "-o", str(page), "--no-progress"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 1, r.stderr
    return page, page.read_text(encoding="utf-8")


def test_html_is_self_contained_and_escapes_hostile_text(tmp_path):
    _page, text = render_html(tmp_path)
    assert text.startswith("<!DOCTYPE html>")
    assert "Content-Security-Policy" in text and "default-src 'none'" in text
    # nothing is loaded: no external scripts, styles, images, frames or fonts
    assert not re.search(r"<(?:link|img|iframe|object|embed|audio|video|source)\b", text, re.I)
    assert not re.search(r"\bsrc\s*=", text.replace("&lt;img src=x", ""), re.I)
    assert "url(" not in text and "@import" not in text
    assert text.count("<script>") == 1  # the page's own filter script only
    assert "<script>alert" not in text and "<img src=x" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;.sh" in text
    assert "\u200b" not in text and "\u27e8U+200B\u27e9" in text
    assert "\U000e0043" not in text  # the tag characters of the demo's hidden note


@needs_browser
def test_html_renders_in_a_browser(tmp_path):
    page, _text = render_html(tmp_path)
    r = browse(page, tmp_path, "--dump-dom")
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    # the filter script ran (allowed by its hash in the CSP) and wrote the count it finds
    assert re.search(r'<html[^>]*data-filters="on"', dom), "the page's script did not run"
    findings = re.findall(r'<article class="finding (error|warning|note)[^"]*"', dom)
    shown = re.search(r'<span id="shown">(\d+)</span>', dom)
    assert findings and shown and int(shown.group(1)) == len(findings)
    assert re.search(r'id="total-error">(\d+) errors<', dom).group(1) == str(findings.count("error"))
    # per-category and per-run summaries
    for cat in ("self-replication", "legal-forgery", "hidden-message"):
        assert f"<td>{cat}</td>" in dom
    runs_table = dom.split('class="by-run"', 1)[1].split("</table>", 1)[0]
    for run in ("run-001", "run-003"):
        assert run in runs_table
    assert "run-002" not in runs_table  # a clean run is listed apart
    assert "run-002" in dom.split('class="clean-runs"', 1)[1].split("</details>", 1)[0]
    # the decoded payload is shown, invisible characters are made visible
    assert "Note to my next instance" in dom.split('class="decoded"', 1)[1][:2000]
    assert '<span class="inv"' in dom
    assert "<script>alert" not in dom and "onerror=alert" not in dom.replace("&lt;img src=x onerror=alert(1)&gt;", "")


@needs_browser
def test_html_screenshot_shows_the_report(tmp_path):
    page, _text = render_html(tmp_path)
    shot = tmp_path / "shot.png"
    r = browse(page, tmp_path, f"--screenshot={shot}", "--window-size=1100,3000")
    assert r.returncode == 0 and shot.exists(), r.stderr[-2000:]
    width, height, rows = read_png(shot.read_bytes())
    assert (width, height) == (1100, 3000)
    pixels = b"".join(rows)
    # the red of error badges and pills, the green of a decoded payload, the highlight of an
    # invisible character or matched text: styled content was painted, not a blank page
    assert count_colour(rows, (0xB3, 0x26, 0x1E)) > 200, "no error badge painted"
    assert count_colour(rows, (0xEE, 0xF6, 0xEE)) > 500, "no decoded payload box painted"
    assert count_colour(rows, (0xFF, 0xE0, 0x8A)) > 50, "no matched text highlighted"
    assert len(set(pixels[i:i + 3] for i in range(0, len(pixels), 997 * 3))) > 5


def count_colour(rows: list[bytes], rgb: tuple[int, int, int]) -> int:
    needle = bytes(rgb)
    return sum(row.count(needle) for row in rows)


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """A minimal PNG reader for the screenshot: 8-bit RGB or RGBA, not interlaced; returns
    rows of RGB bytes."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, [], 0
    while pos < len(data):
        length, ctype = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if ctype == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            bpp = 3 if colour == 2 else 4
        elif ctype == b"IDAT":
            idat.append(chunk)
        pos += 12 + length
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if f == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif f == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif f == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif f == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        prev = line
        rgb = bytes(line) if bpp == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3)
        rows.append(rgb)
    return width, height, rows
