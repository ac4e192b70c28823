"""Discovery on a hostile tree: links, FIFOs, sockets, size limits, excludes, order."""
from __future__ import annotations

import os
import socket

import pytest

from artefact_scan import scan
from artefact_scan.context import Limits
from artefact_scan.discovery import discover


def _tree(tmp_path):
    root = tmp_path / "sandbox"
    (root / "b").mkdir(parents=True)
    (root / "a.txt").write_text("hello\n")
    (root / "b" / "c.sh").write_text("echo hi\n")
    return root


def test_order_is_deterministic_and_relative(tmp_path):
    root = _tree(tmp_path)
    (root / "Z.md").write_text("z")
    entries, errors = discover([str(root)])
    assert not errors
    assert [e.rel for e in entries] == ["Z.md", "a.txt", "b/c.sh"]
    assert entries[0].display == os.path.join(str(root), "Z.md")


def test_fifo_socket_and_link_out_are_reported_never_read(tmp_path):
    root = _tree(tmp_path)
    os.mkfifo(root / "pipe")
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the root\n")
    (root / "link-out").symlink_to(outside)
    (root / "link-in").symlink_to(root / "a.txt")
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(root / "sock"))
    try:
        result = scan([root])  # would block forever if the FIFO were opened
    finally:
        s.close()
    msgs = {os.path.basename(e.path): e.message for e in result.errors}
    assert "FIFO" in msgs["pipe"]
    assert "socket" in msgs["sock"]
    assert "outside the scanned roots" in msgs["link-out"]
    assert "broken" in msgs["dangling"]
    assert "link-in" not in msgs
    assert result.files == 2


def test_fifo_given_as_root_is_reported(tmp_path):
    os.mkfifo(tmp_path / "p")
    result = scan([tmp_path / "p"])
    assert result.files == 0 and "FIFO" in result.errors[0].message


def test_oversize_file_is_partly_analysed_and_reported(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "big.sh").write_text(":(){ :|:& };:\n" + "# padding\n" * 5000 + ":(){ :|:& };:\n")
    result = scan([root], limits=Limits(max_file_bytes=1000))
    assert len(result.findings) == 1 and result.findings[0].location.line == 1
    assert "only the first 1000 bytes" in result.errors[0].message


def test_excludes_and_gitignore(tmp_path):
    root = _tree(tmp_path)
    (root / ".gitignore").write_text("b/\n")
    assert [e.rel for e in discover([str(root)], excludes=["*.txt"])[0]] == [".gitignore", "b/c.sh"]
    assert [e.rel for e in discover([str(root)], respect_gitignore=True)[0]] == [".gitignore", "a.txt"]
    assert [e.rel for e in discover([str(root)])[0]] == [".gitignore", "a.txt", "b/c.sh"]


def test_unreadable_directory_is_reported(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    real = os.scandir

    def fake(path):
        if str(path).endswith("/b"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", fake)
    entries, errors = discover([str(root)])
    assert [e.rel for e in entries] == ["a.txt"]
    assert "permission denied" in errors[0].message


def test_binary_file_gets_strings_analysed(tmp_path):
    root = tmp_path / "r"
    root.mkdir()
    (root / "blob.bin").write_bytes(b"\x00\x01\x02" * 50 + b"#!/bin/sh\n:(){ :|:& };: ok then" + b"\x00" * 20)
    result = scan([root])
    assert [f.rule_id for f in result.findings] == ["SR201"]
    assert result.findings[0].origin[-2] == "printable strings"


def test_unsupported_container_is_reported(tmp_path):
    import gzip

    (tmp_path / "x.gz").write_bytes(gzip.compress(b"hello " * 100))
    result = scan([tmp_path])
    if result.errors:  # until an extractor unpacks gzip, that must be said
        assert "not unpacked" in result.errors[0].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file_is_reported(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("x")
    f.chmod(0)
    result = scan([tmp_path])
    assert "permission denied" in result.errors[0].message
