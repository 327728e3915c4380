"""The OpenAI-compatible HTTP API, served on the page's own host and port: `GET /v1/models` and
`POST /v1/chat/completions` (the chat-completions schema: ``messages``, ``model``, ``stream``).

The conversation is the ``messages`` list: the last user message is the question, earlier user
messages resolve a follow-up (rag/followup.py); a client's system message is read and ignored, so
it never replaces the product's grounding rules. The reply is ``choices[0].message.content``
with its ``[n]`` markers, and beside it, at the top level, ``citations`` (the objects `rag ask
--json` prints), ``refused``, ``verified`` and ``standalone``. Streaming sends server-sent events
and ends with ``data: [DONE]``; the answer text is sent once its figures are verified, never a
figure that is then withdrawn. Questions go to the same pipelines as the page's, so they queue
behind its answers on the one model. With an API key, every /v1 request needs ``Authorization:
Bearer KEY`` (401 otherwise). Bad requests get OpenAI-style error objects with status 400.
Holds no retrieval logic.
"""

from __future__ import annotations

import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Iterator

from fastapi import Request  # at module level: FastAPI resolves the handlers' annotations here

from rag.errors import InputError, RagError
from rag.followup import last_standalone
from rag.query import check_question

# Optional OpenAI request fields that are accepted (and ignored: decoding is greedy) when they have
# the right type; a field of the wrong type is a 400, as the OpenAI API answers.
_NUMBER_FIELDS = ("temperature", "top_p", "max_tokens", "max_completion_tokens", "presence_penalty",
                  "frequency_penalty", "seed", "n")
_ROLES = ("system", "developer", "user", "assistant", "tool")


class ApiError(Exception):
    """A request the API refuses: HTTP status and an OpenAI-style error object."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None,
                 kind: str = "invalid_request_error") -> None:
        super().__init__(message)
        self.status = status
        self.body = {"error": {"message": message, "type": kind, "param": param, "code": code}}


@dataclass(frozen=True)
class ChatRequest:
    model: str
    question: str          # the last user message
    previous: str | None   # the standalone question of the user turn before it, if any
    stream: bool


def parse_request(raw: bytes, models: list[str], default_model: str, max_chars: int) -> ChatRequest:
    """Check a /v1/chat/completions body; ApiError(400) naming what is wrong.

    >>> body = '{"messages": [{"role": "user", "content": "衡阳呢?"}, {"role": "user", "content": "那2022年呢?"}]}'
    >>> chat = parse_request(body.encode(), ["m"], "m", 2000)
    >>> chat.question, chat.previous, chat.model, chat.stream
    ('那2022年呢?', '衡阳呢?', 'm', False)
    >>> try:
    ...     parse_request(b'{"messages": []}', ["m"], "m", 2000)
    ... except ApiError as error:
    ...     print(error.status, error)
    400 "messages" must be a non-empty list of {role, content} objects
    """
    try:
        body = json.loads(raw or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError) as exc:
        raise ApiError(400, f"the request body is not valid JSON ({type(exc).__name__})") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    model = body.get("model") if body.get("model") is not None else default_model
    if not isinstance(model, str) or model not in models:
        raise ApiError(400, f"unknown model {model!r}; available: {', '.join(models)}", "model", "model_not_found")
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise ApiError(400, '"stream" must be true or false', "stream")
    for name in _NUMBER_FIELDS:
        value = body.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ApiError(400, f'"{name}" must be a number', name)
    if body.get("n") not in (None, 1):
        raise ApiError(400, 'only "n": 1 is supported', "n")
    turns = _user_turns(body.get("messages"))
    for i, turn in enumerate(turns):
        if not turn.strip() or len(turn) > max_chars:
            what = "empty" if not turn.strip() else f"{len(turn)} characters long; the limit is {max_chars}"
            raise ApiError(400, f"user message {i + 1} is {what}", "messages")
    try:
        for turn in turns:  # a question of symbols only is a 400 before any answer starts
            check_question(turn, max_chars)
    except InputError as exc:
        raise ApiError(400, str(exc), "messages") from None
    return ChatRequest(model, turns[-1], last_standalone(turns[:-1], max_chars), stream)


def _user_turns(messages: Any) -> list[str]:
    """The text of each user message, in order; ApiError for a malformed list or none at all."""
    if not isinstance(messages, list) or not messages:
        raise ApiError(400, '"messages" must be a non-empty list of {role, content} objects', "messages")
    turns = []
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in _ROLES:
            raise ApiError(400, f"messages[{i}] must be an object with a role ({', '.join(_ROLES)})", f"messages[{i}]")
        text = _text(message.get("content"), i)
        if message["role"] == "user":
            turns.append(text)
    if not turns:
        raise ApiError(400, "no user message: the last user message is the question", "messages")
    return turns


def _text(content: Any, i: int) -> str:
    """A message's text: a string, or the text parts of a list of content parts."""
    if content is None or isinstance(content, str):
        return content or ""
    if isinstance(content, list) and all(isinstance(p, dict) and isinstance(p.get("text", ""), str) for p in content):
        return "".join(p.get("text", "") for p in content if p.get("type", "text") == "text")
    raise ApiError(400, f"messages[{i}].content must be a string or a list of text parts", f"messages[{i}].content")


def completion(answer, model: str) -> dict:
    """The chat.completion object for a rag Answer."""
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                                         "finish_reason": "stop"}],
            "usage": _usage(answer), **_grounding(answer)}


def _grounding(answer) -> dict:
    return {"citations": [c.to_dict() for c in answer.citations], "refused": answer.refused,
            "verified": answer.verified, "standalone": answer.standalone}


def _usage(answer) -> dict:
    prompt = answer.prompt_tokens or 0
    written = len(answer.answer)  # characters: the generator's tokenizer is not exposed for every backend
    return {"prompt_tokens": prompt, "completion_tokens": written, "total_tokens": prompt + written}


def stream_events(answer_events: Iterator, model: str) -> Iterator[str]:
    """Server-sent events for one answer: the role first, the verified text once it is known, then
    a last chunk with finish_reason and the grounding fields, then [DONE]."""
    ident, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict, finish: str | None = None, **extra) -> str:
        body = {"id": ident, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    answer = None
    try:
        for event in answer_events:
            if event.kind == "answer":
                answer = event.data
    except RagError as exc:
        yield f"data: {json.dumps(ApiError(400, str(exc)).body, ensure_ascii=False)}\n\n"
        yield "data: [DONE]\n\n"
        return
    text = answer.answer
    for start in range(0, len(text), 16):
        yield chunk({"content": text[start:start + 16]})
    yield chunk({}, "stop", **_grounding(answer))
    yield "data: [DONE]\n\n"


def authorised(header: str | None, api_key: str | None) -> bool:
    """No key configured, or the header is exactly ``Bearer <key>`` (compared in constant time)."""
    if not api_key:
        return True
    return hmac.compare_digest((header or "").encode(), f"Bearer {api_key}".encode())


def add_api(app, handlers, models: list[str], api_key: str | None) -> None:
    """Add the /v1 routes to ``app`` (the FastAPI app Gradio serves the page with)."""
    from fastapi.responses import JSONResponse, StreamingResponse
    from starlette.concurrency import run_in_threadpool

    settings = handlers.settings

    def refused(error: ApiError) -> JSONResponse:
        return JSONResponse(error.body, status_code=error.status)

    def check(request: Request) -> None:
        if not authorised(request.headers.get("authorization"), api_key):
            raise ApiError(401, "missing or wrong API key: send Authorization: Bearer <key>", code="invalid_api_key")

    async def list_models(request: Request):
        try:
            check(request)
        except ApiError as error:
            return refused(error)
        return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "rag-news"}
                                           for m in models]}

    async def chat_completions(request: Request):
        try:
            check(request)
            chat = parse_request(await request.body(), models, settings.llm if settings.llm in models else models[0],
                                 settings.max_question_chars)
        except ApiError as error:
            return refused(error)
        try:
            pipeline = await run_in_threadpool(handlers.pipeline, chat.model)
        except RagError as exc:
            return refused(ApiError(503, str(exc), kind="server_error"))
        if chat.stream:
            events = pipeline.stream(chat.question, None, chat.previous)
            return StreamingResponse(stream_events(events, chat.model), media_type="text/event-stream")
        try:
            answer = await run_in_threadpool(pipeline.ask, chat.question, None, chat.previous)
        except InputError as exc:
            return refused(ApiError(400, str(exc), "messages"))
        except RagError as exc:
            return refused(ApiError(503, str(exc), kind="server_error"))
        return completion(answer, chat.model)

    app.add_api_route("/v1/models", list_models, methods=["GET"])
    app.add_api_route("/v1/chat/completions", chat_completions, methods=["POST"])
