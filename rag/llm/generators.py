"""Language-model backends behind one small protocol; all stream text pieces, all decode greedily.

Specs accepted by ``get_generator``:
- ``qwen2.5-coder-1.5b`` (default) / ``qwen2.5-coder-0.5b``: packaged GGUF models (llm/models.py) run by
  llama.cpp; ``/path/to/model.gguf`` runs any GGUF file the same way.
- ``transformers:<hub id or folder>`` or ``transformers:<id or folder>#<file.gguf>``: Hugging Face
  transformers, device and dtype from Settings (the path for users with a GPU).
- ``openai:<model>``: an OpenAI-compatible server (vLLM, Ollama, llama.cpp server) at
  Settings.openai_base_url, with the API key read from the variable Settings.openai_api_key_env names.

llama.cpp keeps the previous prompt's KV cache and re-evaluates only what differs, so the fixed
system prompt is read once per process, and prefixcache.py saves the state after it so that a new
process (each `rag ask`) does not read it at all. One instance is kept per process for each spec and
the settings that shape it (context size, threads, device, dtype, server URL). Does not build
prompts (rag/answer/prompting.py does) and knows nothing of passages or citations.
"""

from __future__ import annotations

import atexit
import json
import os
import weakref
import threading
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Iterator, Protocol

from ..config import Settings
from ..errors import GeneratorError
from .models import MODELS, model_path
from .prefixcache import start_from_prefix, state_file


Messages = list[dict[str, str]]


class Generator(Protocol):
    id: str

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]: ...  # greedy, text pieces

    def count_tokens(self, text: str) -> int: ...


class LlamaCppGenerator:
    """A GGUF file run by llama-cpp-python on the CPU (or its GPU build)."""

    def __init__(self, path: Path, settings: Settings, name: str | None = None) -> None:
        self.path = Path(path)
        self.id = f"llama-cpp:{name or self.path.name}"
        self._settings = settings
        self._llm = None
        self._lock = threading.Lock()  # one generation at a time per loaded model
        self.prefix_state = "not yet"   # what prefixcache did for this model: loaded, saved or skipped

    def _load(self):
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise GeneratorError("llama.cpp models need llama-cpp-python: pip install llama-cpp-python") from None
            if not self.path.is_file():
                raise GeneratorError(f"no GGUF file at {self.path}")
            try:
                self._llm = Llama(model_path=str(self.path), n_ctx=self._settings.llm_context_tokens,
                                  n_threads=self._settings.llm_thread_count,
                                  n_threads_batch=self._settings.llm_thread_count, n_batch=512,
                                  n_gpu_layers=-1 if self._settings.device != "cpu" else 0,
                                  seed=0, verbose=False)
            except (ValueError, RuntimeError) as exc:
                raise GeneratorError(f"cannot load {self.path}: {exc}") from None
            _open_models.add(self)
        return self._llm

    def close(self) -> None:
        """Free the model now; llama-cpp-python's own destructor fails if left to interpreter exit."""
        if self._llm is not None:
            self._llm.close()
            self._llm = None

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        with self._lock:
            llm = self._load()
            if self.prefix_state == "not yet" and messages and messages[0]["role"] == "system":
                # a new process: start from the saved state after the system prompt (prefixcache.py)
                system = messages[0]["content"]
                path = state_file(self._settings.model_cache, self.path, system, llm.n_ctx(), self._settings.device)
                self.prefix_state = start_from_prefix(llm, path, system)
            chunks = llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0,
                                                top_k=1, top_p=1.0, repeat_penalty=1.0, stream=True)
            for chunk in chunks:
                piece = chunk["choices"][0].get("delta", {}).get("content")
                if piece:
                    yield piece


class TransformersGenerator:
    """A causal LM through transformers: hub id, local folder, or a GGUF inside either (``#file``)."""

    def __init__(self, spec: str, settings: Settings) -> None:
        if not spec:
            raise GeneratorError("transformers needs a model: 'transformers:<hub id or folder>[#file.gguf]'")
        self.model_name, _, self.gguf_file = spec.partition("#")
        self.id = f"transformers:{spec}"
        self._settings = settings
        self._model = self._tokenizer = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            try:
                import torch
                from transformers import AutoModelForCausalLM, AutoTokenizer
            except ImportError:
                raise GeneratorError("this backend needs transformers and torch: pip install transformers torch") from None
            kwargs = {"gguf_file": self.gguf_file} if self.gguf_file else {}
            device = self._settings.device
            if device == "auto":
                device = "cuda" if torch.cuda.is_available() else "cpu"
            dtype = {"auto": "auto", "float32": torch.float32, "float16": torch.float16,
                     "bfloat16": torch.bfloat16}[self._settings.dtype]
            try:
                self._tokenizer = AutoTokenizer.from_pretrained(self.model_name, **kwargs)
                self._model = AutoModelForCausalLM.from_pretrained(self.model_name, dtype=dtype, **kwargs).to(device)
            except Exception as exc:  # hub, file and config errors alike: one line
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise GeneratorError(f"cannot load transformers model '{self.model_name}': {first}") from None
            self._model.eval()
        return self._model, self._tokenizer

    def count_tokens(self, text: str) -> int:
        return len(self._load()[1](text, add_special_tokens=False)["input_ids"])

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        from transformers import TextIteratorStreamer

        model, tokenizer = self._load()
        inputs = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                               return_dict=True).to(model.device)
        streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)
        errors: list[BaseException] = []

        def generate() -> None:
            try:
                model.generate(**inputs, max_new_tokens=max_tokens, do_sample=False, streamer=streamer,
                               pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id)
            except BaseException as exc:  # surfaced in the caller's thread below
                errors.append(exc)
                streamer.end()

        with self._lock:
            worker = threading.Thread(target=generate, daemon=True)
            worker.start()
            for piece in streamer:
                if piece:
                    yield piece
            worker.join()
        if errors:
            raise GeneratorError(f"generation failed: {errors[0]}")


class OpenAICompatibleGenerator:
    """Chat completions from an OpenAI-compatible HTTP server, streamed as server-sent events."""

    def __init__(self, model: str, settings: Settings) -> None:
        if not model:
            raise GeneratorError("the OpenAI-compatible backend needs a model name: 'openai:<model>'")
        self.model = model
        self.base_url = settings.openai_base_url.rstrip("/")
        self.api_key = os.environ.get(settings.openai_api_key_env, "")
        self.id = f"openai:{model}@{self.base_url}"
        self.timeout = settings.llm_timeout_s

    def count_tokens(self, text: str) -> int:
        return max(1, int(len(text) / 1.5))  # servers do not expose their tokenizer; an estimate

    def stream(self, messages: Messages, max_tokens: int) -> Iterator[str]:
        body = json.dumps({"model": self.model, "messages": messages, "max_tokens": max_tokens,
                           "temperature": 0, "stream": True}).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        request = urllib.request.Request(f"{self.base_url}/chat/completions", data=body, headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            raise GeneratorError(f"{self.base_url} answered HTTP {exc.code}: {exc.read()[:200].decode('utf-8', 'replace')}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise GeneratorError(f"cannot reach {self.base_url}: {getattr(exc, 'reason', exc)}") from None
        with response:
            for raw in response:
                line = raw.decode("utf-8").strip()
                if not line.startswith("data:"):
                    continue
                data = line[5:].strip()
                if data == "[DONE]":
                    break
                choices = json.loads(data).get("choices") or [{}]
                piece = (choices[0].get("delta") or {}).get("content")
                if piece:
                    yield piece


_open_models: "weakref.WeakSet[LlamaCppGenerator]" = weakref.WeakSet()


@atexit.register
def _close_models() -> None:
    for generator in list(_open_models):
        generator.close()


GENERATORS: dict[str, Callable[[str, Settings], Generator]] = {
    "llama-cpp": lambda arg, s: LlamaCppGenerator(Path(arg).expanduser(), s),
    "transformers": TransformersGenerator,
    "openai": OpenAICompatibleGenerator,
}
_loaded: dict[tuple, Generator] = {}
_loaded_lock = threading.Lock()


def get_generator(spec: str, settings: Settings, progress: bool = True) -> Generator:
    """The generator for ``spec`` (see the module docstring), created once per process."""
    key = (spec, settings.llm_context_tokens, settings.llm_thread_count, settings.device, settings.dtype,
           settings.openai_base_url)
    with _loaded_lock:
        if key not in _loaded:
            _loaded[key] = _make(spec, settings, progress)
        return _loaded[key]


def _make(spec: str, settings: Settings, progress: bool) -> Generator:
    if spec in MODELS:
        return LlamaCppGenerator(model_path(spec, settings.model_cache, progress), settings, name=spec)
    if spec.lower().endswith(".gguf") and ":" not in spec.split("/")[0]:
        return LlamaCppGenerator(Path(spec).expanduser(), settings)
    name, _, arg = spec.partition(":")
    if name in GENERATORS and arg:
        return GENERATORS[name](arg, settings)
    raise GeneratorError(f"unknown model '{spec}'; known: {', '.join(MODELS)}, a .gguf path, "
                         + ", ".join(f"{n}:<...>" for n in GENERATORS))
