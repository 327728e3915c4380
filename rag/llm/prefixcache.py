"""The model's state after reading the fixed system prompt, saved to disk so a new process skips it.

Every question's prompt starts with the same chat-template tokens of the system prompt (~250
tokens, ~2.5 s for the 1.5B on 2 CPU cores). Within one process llama-cpp-python already reuses
them from its KV cache; this module makes a *new* process (every `rag ask`) start from them too:
the first process evaluates the prefix and saves the llama.cpp state, later ones load it (a few MB,
milliseconds). The file is keyed by the model file (path, size, mtime), the system prompt, the
context size, the device and the llama-cpp-python version, so a stale state is never loaded. Any
failure here only costs the time it would have saved: the caller goes on without it.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
_SENTINELS = ("\u2460", "\u2461")  # two different user messages; their prompts share the prefix


def state_file(cache_dir: Path, model_path: Path, system_prompt: str, n_ctx: int, device: str) -> Path:
    import llama_cpp

    stat = Path(model_path).stat()
    key = hashlib.sha256("\n".join([str(Path(model_path).resolve()), str(stat.st_size), str(stat.st_mtime_ns),
                                    system_prompt, str(n_ctx), device, llama_cpp.__version__]).encode()).hexdigest()
    return Path(cache_dir) / "prefix-states" / f"{Path(model_path).stem}-{key[:20]}.npz"


def prefix_tokens(llm, system_prompt: str) -> list[int]:
    """The tokens every chat prompt with this system prompt starts with, as create_chat_completion
    tokenises them (the GGUF's own chat template, rendered by llama-cpp-python's formatter)."""
    from llama_cpp import llama_chat_format

    formatter = llama_chat_format.Jinja2ChatFormatter(
        template=llm.metadata["tokenizer.chat_template"],
        eos_token=llm.detokenize([llm.token_eos()], special=True).decode("utf-8", "ignore"),
        bos_token=llm.detokenize([llm.token_bos()], special=True).decode("utf-8", "ignore"))
    runs = []
    for sentinel in _SENTINELS:
        result = formatter(messages=[{"role": "system", "content": system_prompt}, {"role": "user", "content": sentinel}])
        runs.append(llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True))
    common = 0
    while common < min(map(len, runs)) and runs[0][common] == runs[1][common]:
        common += 1
    return runs[0][:common]


def start_from_prefix(llm, path: Path, system_prompt: str) -> str:
    """Put ``llm`` in the state after the system prompt: loaded from ``path``, or evaluated and saved
    there. Returns "loaded", "saved" or "skipped" (a fresh model only, and never raises)."""
    from llama_cpp import LlamaState

    if llm.n_tokens:
        return "skipped"  # this process has read a prompt already: llama.cpp reuses it by itself
    try:
        if path.is_file():
            with np.load(path) as saved:
                tokens = saved["input_ids"]
                data = saved["state"].tobytes()
            state = LlamaState(input_ids=np.concatenate([tokens, np.zeros(llm._n_ctx - len(tokens), dtype=tokens.dtype)]),
                               scores=np.zeros((1, llm.n_vocab()), dtype=np.single), n_tokens=len(tokens),
                               llama_state=data, llama_state_size=len(data), seed=0)
            llm.load_state(state)
            return "loaded"
        tokens = prefix_tokens(llm, system_prompt)
        if not tokens:
            return "skipped"
        llm.eval(tokens)
        state = llm.save_state()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, input_ids=np.asarray(tokens, dtype=np.intc), state=np.frombuffer(state.llama_state, dtype=np.uint8))
        tmp.replace(path)
        return "saved"
    except Exception as exc:  # an API change in llama-cpp-python must not stop answers
        log.warning("prompt prefix state not used (%s: %s)", type(exc).__name__, exc)
        llm.reset()
        return "skipped"
