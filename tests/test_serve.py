"""`rag serve` as a user starts it: one line per notice, --share without a network, --auth enforced."""

import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import SEEDS, FakeEmbedder, free_port, wait_until

pytestmark = pytest.mark.slow  # each test starts `rag serve` in a new process


def start(args, index_dir, tmp_path):
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("RAG_")},
           "RAG_INDEX_DIR": str(index_dir), "RAG_UPLOAD_DIR": str(tmp_path / "uploads")}
    rag = Path(sys.executable).with_name("rag")
    return subprocess.Popen([str(rag), "serve", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)


def lines_until(proc, needle, timeout=120.0):
    """The lines ``proc`` printed up to the first holding ``needle``. The deadline holds even while
    the process prints nothing (a thread reads its output), and a process that exits first fails at once."""
    seen: list[str] = []
    threading.Thread(target=lambda: seen.extend(line.rstrip("\n") for line in proc.stdout), daemon=True).start()

    def printed():
        hit = next((i for i, line in enumerate(seen) if needle in line), None)
        if hit is None and proc.poll() is not None:
            pytest.fail(f"exited with {proc.returncode} before printing {needle!r}; printed: {seen}")
        return None if hit is None else seen[:hit + 1]

    return wait_until(printed, timeout, f"`rag serve` to print {needle!r}")


def status(url, data=None, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers or {}), timeout=10) as r:
            return r.status, r.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def test_share_without_network_says_so_in_one_line_and_auth_is_enforced(settings, tmp_path):
    from rag.indexing.build import build_index

    build_index([SEEDS], settings, embedder=FakeEmbedder(), progress=False)
    port = free_port()
    proc = start(["--port", str(port), "--share", "--auth", "ana:s3cret"], settings.index_dir, tmp_path)
    try:
        out = lines_until(proc, "no public link could be made")
        assert out[-2] == f"serving on http://127.0.0.1:{port}/ (password protected); Ctrl-C stops"
        assert len(out) == 2, out  # Gradio's own multi-line download advice is not shown
        base = f"http://127.0.0.1:{port}"
        assert status(f"{base}/config")[0] == 401  # no credentials: refused
        assert status(f"{base}/login", urllib.parse.urlencode({"username": "ana", "password": "wrong"}).encode())[0] >= 400
        code, headers = status(f"{base}/login", urllib.parse.urlencode({"username": "ana", "password": "s3cret"}).encode())
        assert code == 200
        cookie = "; ".join(c.split(";")[0] for c in headers.get_all("set-cookie"))
        code, _ = status(f"{base}/config", headers={"Cookie": cookie})
        assert code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_share_without_auth_warns(settings, tmp_path):
    from rag.indexing.build import build_index

    build_index([SEEDS], settings, embedder=FakeEmbedder(), progress=False)
    proc = start(["--port", str(free_port()), "--share"], settings.index_dir, tmp_path)
    try:
        out = lines_until(proc, "serving on")
        assert any(line.startswith("warning: anyone who can reach this page") for line in out)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_bad_auth_is_a_one_line_error(tmp_path):
    rag = Path(sys.executable).with_name("rag")
    result = subprocess.run([str(rag), "serve", "--auth", "nopassword"], capture_output=True, text=True)
    assert result.returncode == 2 and result.stderr.strip() == "error: --auth takes USER:PASS, both non-empty"
