"""A bounded load test of the served page on 127.0.0.1: the real pipeline, the Gradio API, uploads.

Two rounds of RAGTEST_USERS (20 by default) chat requests at once, with two uploads sent in the
middle of the first round. Every request must get its right answer or refusal, with no error; the
process's memory after the second round may not have grown by more than 150 MB over the first (one
model loaded once, nothing kept per request). Prints throughput, p95 latency and peak memory, the
figures RELIABILITY.md records.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import wait_until
from rag.eval.metrics import percentile

pytestmark = pytest.mark.slow
USERS = int(os.environ.get("RAGTEST_USERS", "20"))
QUESTIONS = {"衡阳2023年进出口总额是多少?": "446.1", "2019年上半年衡阳完成进出口总额多少?": "144.6",
             "永州上半年全市进出口总额是多少?": "196.79", "衡陽2023年全市對外實際投資額是多少?": "1701",
             "长沙2023年进出口总额是多少?": "无法回答"}


def memory_mb() -> tuple[float, float]:
    """(resident now, peak resident) of this process, in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def text_of(message) -> str:
    content = message["content"]  # Gradio 6 returns a message's content as a list of parts
    return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)


def test_twenty_users_at_once_with_uploads_get_their_answers(served, tmp_path):
    from gradio_client import Client, handle_file

    url, settings = served
    client = Client(url, verbose=False)
    asked = [list(QUESTIONS)[n % len(QUESTIONS)] for n in range(USERS)]

    def one(question: str) -> tuple[str, str, float]:
        started = time.perf_counter()
        history, _passages = client.predict(question, [], 5, "qwen2.5-coder-1.5b", True, api_name="/ask")
        return question, text_of(history[-1]), time.perf_counter() - started

    def upload(n: int) -> str:
        page = tmp_path / f"load-{n}.txt"
        page.write_text(f"湘潭外贸简讯{n}\n2023年湘潭{n}号园区进出口总额为{n + 30}.5亿元。", encoding="utf-8")
        return client.predict([handle_file(str(page))], api_name="/add_files_shown")[0]

    one(asked[0])  # warm: the model is loaded once, before memory is measured
    memory = [memory_mb()[0]]
    latencies: list[float] = []
    started = time.perf_counter()
    for round_ in range(2):
        with ThreadPoolExecutor(max_workers=USERS + 2) as pool:
            futures = [pool.submit(one, question) for question in asked]
            uploads = []
            if round_ == 0:  # the uploads are sent while questions wait in the queue: some answered, some not
                wait_until(lambda: any(f.done() for f in futures), 600, "the first answer of the round")
                waiting = sum(not f.done() for f in futures)
                uploads = [pool.submit(upload, n) for n in range(2)]
                assert waiting > 0, "every question was answered before the uploads were sent"
            answers = [f.result() for f in futures]
            statuses = [u.result() for u in uploads]
        for question, answer, seconds in answers:
            assert QUESTIONS[question] in answer, (question, answer)
            latencies.append(seconds)
        assert all(s.startswith("added 1") for s in statuses), statuses
        memory.append(memory_mb()[0])
    wall = time.perf_counter() - started
    assert {"load-0", "load-1"} <= {p.stem for p in Path(settings.upload_dir).iterdir()}
    assert memory[2] - memory[1] < 150, f"memory grew from {memory[1]:.0f} MB to {memory[2]:.0f} MB in round 2"
    print(f"\nload: {2 * USERS} requests ({USERS} at once, twice) + 2 uploads in {wall:.1f} s: "
          f"{2 * USERS / wall:.2f} answers/s, latency p50 {percentile(latencies, 50):.1f} s, "
          f"p95 {percentile(latencies, 95):.1f} s; "
          f"memory after warm-up {memory[0]:.0f} MB, after round 1 {memory[1]:.0f} MB, after round 2 {memory[2]:.0f} MB, "
          f"peak {memory_mb()[1]:.0f} MB")
