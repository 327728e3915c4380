"""The question-set format (eval/README.md): JSON Lines of {id, question, answers, sources, answerable},
and dialogues, {id, turns: [{question, answers, sources, answerable}, ...]}, asked in order in one
conversation; each turn becomes a Question with id "<dialogue id>#<turn from 1>".

``load_questions`` reads and checks the whole file first: any malformed line stops the run before
it starts, with its line number, so a long evaluation never dies half-way on line 57. Extra keys
(``kind``, notes) are allowed and kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import InputError

REQUIRED = ("id", "question", "answers", "sources", "answerable")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: list            # each element a string, or a list of alternative strings
    sources: list[str]       # doc_ids or doc_id prefixes of the articles that hold the answer
    answerable: bool
    extra: dict = field(default_factory=dict)
    dialogue: str | None = None  # the dialogue's id, for a turn of one
    turn: int = 0                # 1, 2, ... within its dialogue; 0 for a question on its own

    @property
    def follow_up(self) -> bool:
        return self.turn > 1


def parse_line(line: str, where: str) -> list[Question]:
    """One line -> its Question, or a dialogue's turns; InputError naming ``where`` (``path:line``)."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(row).__name__}")
    if "turns" not in row:
        return [_question(row, where, REQUIRED)]
    if not isinstance(row.get("id"), (str, int)) or str(row["id"]).strip() == "" or "#" in str(row["id"]):
        raise InputError(f"{where}: a dialogue needs a non-empty \"id\" without '#'")
    turns = row["turns"]
    if not isinstance(turns, list) or not turns or not all(isinstance(t, dict) for t in turns):
        raise InputError(f"{where}: \"turns\" must be a non-empty list of objects")
    out = []
    for n, turn in enumerate(turns, start=1):
        q = _question({**turn, "id": f"{row['id']}#{n}"}, f"{where} turn {n}", REQUIRED)
        out.append(Question(q.id, q.question, q.answers, q.sources, q.answerable, q.extra, str(row["id"]), n))
    return out


def parse_question(line: str, where: str) -> Question:
    """One line holding a single question -> Question (see parse_line for dialogues)."""
    questions = parse_line(line, where)
    if len(questions) != 1 or questions[0].dialogue:
        raise InputError(f"{where}: expected one question, found a dialogue")
    return questions[0]


def _question(row: dict, where: str, required: tuple[str, ...]) -> Question:
    missing = [k for k in required if k not in row]
    if missing:
        raise InputError(f"{where}: missing {', '.join(missing)} (each line needs {', '.join(required)}, "
                         "or id and turns)")
    if not isinstance(row["id"], (str, int)) or str(row["id"]).strip() == "":
        raise InputError(f"{where}: \"id\" must be a non-empty string")
    if not isinstance(row["question"], str) or not row["question"].strip():
        raise InputError(f"{where}: \"question\" must be a non-empty string")
    if not isinstance(row["answerable"], bool):
        raise InputError(f"{where}: \"answerable\" must be true or false")
    answers = row["answers"]
    if not isinstance(answers, list) or not all(
            isinstance(a, str) and a.strip() or isinstance(a, list) and a and all(isinstance(x, str) and x.strip() for x in a)
            for a in answers):
        raise InputError(f"{where}: \"answers\" must be a list of non-empty strings or lists of alternative strings")
    sources = row["sources"]
    if not isinstance(sources, list) or not all(isinstance(s, str) and s.strip() for s in sources):
        raise InputError(f"{where}: \"sources\" must be a list of doc_id strings")
    if row["answerable"] and not (answers and sources):
        raise InputError(f"{where}: an answerable question needs at least one answer and one source")
    if not row["answerable"] and answers:
        raise InputError(f"{where}: an unanswerable question must have \"answers\": []")
    extra = {k: v for k, v in row.items() if k not in REQUIRED}
    return Question(str(row["id"]), row["question"], answers, sources, row["answerable"], extra)


def load_questions(path: Path) -> list[Question]:
    """Every question of a set, checked; InputError on the first bad line or a repeated id."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(f"no question file at {path}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text; save the question file as UTF-8") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    questions: list[Question] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        for q in parse_line(line, f"{path}:{lineno}"):
            if q.id in seen:
                raise InputError(f"{path}:{lineno}: id {q.id!r} is already used on line {seen[q.id]}")
            seen[q.id] = lineno
            questions.append(q)
    if not questions:
        raise InputError(f"{path}: no questions in the file")
    return questions
