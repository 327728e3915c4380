"""A question of several parts split into single questions, each then answered on its own.

The small model answers one figure well and two figures in one reply badly (it gives the first and
drops the second, or refuses), so a question that asks for two is asked twice. Decided on the
Simplified text with patterns, no model. Four shapes:
- two questions in one message, each with its own asking part, after a question mark or a comma:
  "益阳签约…项目多少个？2024衡商大会上衡阳签约引进项目多少个?" -> the two questions; a later one
  that names no subject takes the first one's (项目多少个，总投资多少? -> …项目总投资是多少?);
- two conjuncts of one kind joined by 和/与/及/以及 — periods (衡阳2023年全年和2019年上半年的
  进出口总额分别是多少?), two words of a kind (2022年考研和高考报名人数), two words that end the
  question (国葬时间和地点?), and, with 分别 or joined by 和/及 with no word that relates the two
  (贸易, 之间, 比分…), places (衡阳和永州…), trade partners (对A和对B贸易额, with 分别) or two
  subjects that open the question (成都大运会和杭州亚运会开幕时间) — -> the question once for each
  conjunct, the rest of it shared: 衡阳2023年全年的进出口总额是多少?, 衡阳2019年上半年的…;
- the men's and the women's event (2023年温网男女单打冠军 -> …男子单打冠军, …女子单打冠军);
- 分别 with two whole subjects (衡阳2023年进出口总额和永州上半年全市进出口总额分别是多少?) -> each
  subject with the asking part; a second subject without its own place or period takes the first
  one's, as a follow-up would (followup.standalone).
A join is a word of its own (not the 和 of 诺贝尔和平奖). Anything else is one question ([]). Parts
are returned in the question's script. Does not retrieve.
"""

from __future__ import annotations

import re

from .followup import standalone
from .query import Query
from .text.periods import period_phrases
from .text.script import to_script
from .text.words import jieba, key_terms

MAX_PARTS = 4  # each part is a model call: a message of more questions is asked as it stands
_ASKS = re.compile(r"(?:是|有)?(?:多少|几|什么|谁|哪)")
_JOINS = re.compile(r"以及|和|与|及")
_WHOLE_YEAR = "全年"
_BOTH_SEXES = re.compile(r"男女(单打|双打|团体|单|双)")  # not 男女混双: one event
_PARTNER_END = re.compile(r"对[\u4e00-\u9fff]{2,4}$")
_PARTNER_START = re.compile(r"^对?[\u4e00-\u9fff]{2,4}?(?=贸易|进出口|出口|进口|投资|合作)")
_NAMED = {"n", "nr", "ns", "nt", "nz", "eng", "j", "nrt", "nrfg", "x"}
# Words by which two joined subjects share one figure or are compared (中国和美国的贸易额, 甲和乙的比分,
# 哪个更多): without 分别 such a question is asked as it stands.
_RELATION = re.compile(r"贸易|进出口|往来|合作|关系|之间|双边|两国|两地|差距|相差|相比|比较|对比|距离|航线|合计|总共|一共"
                       r"|共同|联合|会谈|会见|谈判|比分|对阵|交手|战胜|击败|更|还是|哪个多|哪个大")


def split_question(query: Query) -> list[str]:
    """The single questions ``query`` asks, in its script; [] when it asks one.

    >>> split_question(Query.parse("衡阳2023年全年和2019年上半年的进出口总额分别是多少?"))
    ['衡阳2023年全年的进出口总额是多少?', '衡阳2019年上半年的进出口总额是多少?']
    >>> split_question(Query.parse("衡阳2023年进出口总额是多少?"))
    []
    """
    if query.script == "latin" or query.unusable:
        return []
    parts = _two_questions(query.simple) or _both_sexes(query.simple) or _respectively(query.simple)
    if not 2 <= len(parts) <= MAX_PARTS:
        return []  # more parts than that are asked as one question: none is dropped unsaid
    return [to_script(part, query.script) for part in parts]


def _two_questions(simple: str) -> list[str]:
    """Questions written one after the other, each ending with a question mark (or a comma) and asking
    something. A later one that leans on the first (它的导演是谁?, 被罚了多少钱) is completed from it, as
    a follow-up would be: by the resolver, else with the first one's subject (邓伦逃税 | 被罚了多少钱)."""
    for cut in (re.findall(r"[^?？]+(?:[?？]|$)", simple), re.split(r"[，,；;]", simple)):
        pieces = [p.strip() for p in cut if p.strip()]
        if len(pieces) >= 2 and all(_ASKS.search(p) for p in pieces):
            return [pieces[0], *(_leaning_on(piece, pieces[0]) for piece in pieces[1:])]
    return []


def _both_sexes(simple: str) -> list[str]:
    """The men's and the women's event of 男女单打 (男子单打, 女子单打) or 男女单 (男单, 女单), as
    news names each: two champions, two results."""
    m = _BOTH_SEXES.search(simple)
    if not m:
        return []
    event = m.group(1)
    men, women = ("男", "女") if len(event) == 1 else ("男子", "女子")
    return [simple[:m.start()] + sex + event + simple[m.end():] for sex in (men, women)]


def _leaning_on(piece: str, first: str) -> str:
    """``piece`` completed from ``first`` when it names no subject of its own."""
    resolved = standalone(piece, first)
    if resolved != piece or key_terms(piece) or period_phrases(piece) or _own_subject(piece):
        return resolved
    head = first[:_ASKS.search(first).start()]
    subject = head[:head.rindex("的") + 1] if "的" in head else head
    return subject + piece


def _own_subject(piece: str) -> bool:
    """Whether ``piece`` opens with a subject of its own: a noun before its first verb or asking word."""
    asking = _ASKS.search(piece)
    for word in jieba().posseg.cut(piece[:asking.start()] if asking else piece):
        if word.flag.startswith(("v", "d", "p")):
            return False
        if word.flag.startswith(("n", "eng")) and len(word.word) >= 2:
            return True
    return False


def _respectively(simple: str) -> list[str]:
    """The parts of a question joined by 和/与/及: same-kind conjuncts, else (with 分别) whole subjects.
    Without 分别, places, names and closing words are parts only when no word of the question
    relates them: two places may be one figure between them (中国和美国的贸易额)."""
    both = "分别" in simple
    text = simple.replace("分别", "", 1)
    kinds = ((_periods, _places, _partners, _parallel, _parallel_phrase, _last_words) if both
             else (_periods, _parallel, _parallel_phrase))
    # Without 分别, two subjects are two parts only when joined by 和/及 and not related by the rest:
    # 与 mostly names a partner (公司与尼日利亚签订的合同).
    subjects = () if both or _RELATION.search(text) else (_places, _last_words, _first_subjects)
    for join in _joins(text):
        left, right = text[:join.start()], text[join.end():]
        for x, y in (kind(left, right) for kind in kinds + (subjects if join.group() != "与" else ())):
            if x and y:
                # x ends ``left``, save a tail it took from ``right`` (_parallel_phrase)
                kept = next(n for n in range(len(x), 0, -1) if left.endswith(x[:n]))
                prefix, suffix = left[:len(left) - kept], right[len(y):]
                if x.startswith("对") and not y.startswith("对"):
                    y = "对" + y  # 对东盟和欧盟: the second partner takes 对 too
                return [prefix + x + suffix, prefix + y + suffix]
        asking = _ASKS.search(right)
        if both and asking and _has_topic(left) and _has_topic(right[:asking.start()]):
            first = left + right[asking.start():]
            return [first, standalone(right, first)]
    return []


def _joins(text: str) -> list[re.Match]:
    """The 和/与/及 of ``text`` that are words of their own: not the 和 of 诺贝尔和平奖 or 和谐."""
    words = {(start, end) for _, start, end in jieba().tokenize(text)}
    return [m for m in _JOINS.finditer(text) if (m.start(), m.end()) in words]


def _periods(left: str, right: str) -> tuple[str, str]:
    """The period words that end ``left`` and start ``right`` (2023年全年 | 2019年上半年), or ''."""
    return _period_run(left, period_phrases(left), at_end=True), _period_run(right, period_phrases(right), at_end=False)


def _places(left: str, right: str) -> tuple[str, str]:
    """The place that ends ``left`` and the one that starts ``right`` (衡阳 | 永州), or ''."""
    before, after = key_terms(left), key_terms(right)
    x = before[-1] if before and left.endswith(before[-1]) and not before[-1].isascii() else ""
    y = after[0] if after and right.startswith(after[0]) and not after[0].isascii() else ""
    return x, y


def _partners(left: str, right: str) -> tuple[str, str]:
    """The trade partner that ends ``left`` and the one that starts ``right`` (对东盟 | 对欧盟), or ''."""
    x, y = _PARTNER_END.search(left), _PARTNER_START.match(right)
    return (x.group(0), y.group(0)) if x and y else ("", "")


def _parallel(left: str, right: str) -> tuple[str, str]:
    """The word that ends ``left`` and the one (or two, 冬|残奥会) that start ``right`` when they are two
    of a kind, sharing a character (男单 | 女单, 女子 | 男子, 考研 | 高考, 冬奥会 | 冬残奥会), or ''."""
    before, after = jieba().lcut(left), jieba().lcut(right)
    if not before or not after:
        return "", ""
    x = before[-1]
    for y in (after[0], "".join(after[:2])) if len(after[0]) == 1 else (after[0],):
        if 2 <= len(y) <= len(x) + 2 and len(x) >= 2 and x != y and set(x) & set(y) and _is_word(x) and _is_word(y):
            # two actions (牵头引进和跟进洽谈…项目多少个?) describe one set of things, and two places
            # may be the two ends of one figure (中国和美国的贸易额): _places decides those, with 分别
            one = (_verb(x) and _verb(y)) or x in key_terms(left) or y in key_terms(right)
            return ("", "") if one else (x, y)
    return "", ""


def _last_words(left: str, right: str) -> tuple[str, str]:
    """Two words of one subject that end the question before its asking part (安倍晋三的国葬时间 | 地点?,
    旅游人次 | 收入是多少?): the last word of ``left`` and the single word ``right`` holds, or ''."""
    asking = _ASKS.search(right)
    body = re.sub(r"[?？。!！\s]+$", "", right[:asking.start()] if asking else right)
    if asking and right[asking.end():].strip("?？。!！ ") not in ("", "的"):
        return "", ""
    before, after = jieba().lcut(left), jieba().lcut(body)
    if len(before) < 2 or len(after) != 1 or not _is_word(after[0]) or len(after[0]) < 2:
        return "", ""
    x = before[-1]
    return (x, after[0]) if _is_word(x) and len(x) >= 2 and x != after[0] else ("", "")


def _first_subjects(left: str, right: str) -> tuple[str, str]:
    """Two subjects that open the question and share the rest (成都大运会 | 杭州亚运会开幕时间, 谷歌 |
    百度推出的…, 宣誓仪式 | 首次会议的时间): the subject of ``right`` runs to its first 的 or verb, the
    one of ``left`` is the whole of it after a comma or a period, or, when longer, as many words from
    its end as the right one has; '' when nothing is left to share."""
    words = list(jieba().posseg.cut(right))
    cut = next((i for i, w in enumerate(words) if w.word == "的" or w.flag.startswith("v")), None)
    start = re.split(r"[，,、；;]", left)[-1]
    start = start[len(_period_run(start, period_phrases(start), at_end=False)):]
    if not cut or words[0].flag.startswith("r") or _ASKS.search(start):
        return "", ""  # 及其直属机构: a pronoun; 有多少个国家和地区: one set, asked for
    y, rest = "".join(w.word for w in words[:cut]), "".join(w.word for w in words[cut:])
    before = list(jieba().posseg.cut(start))
    named = before if len(before) <= cut + 1 else before[-cut:]
    x = "".join(w.word for w in named)
    # each ends with a name or a noun: 马达制造及配套企业 is one group of firms, not two subjects
    ok = all(re.fullmatch(r"[\u4e00-\u9fffA-Za-z0-9]+", part) for part in (x, y)) and \
        all(last.flag in _NAMED for last in (named[-1], words[cut - 1]))
    return (x, y) if ok and x != y and _has_topic(rest) else ("", "")


def _verb(word: str) -> bool:
    return [tag.flag for tag in jieba().posseg.cut(word)] == ["v"]


def _parallel_phrase(left: str, right: str) -> tuple[str, str]:
    """Two phrases of a kind whose first words are the same or end alike (最佳电视剧 | 最佳电视动画,
    女子双人10米跳台 | 男子双人10米跳台冠军): the phrase of ``left`` from that word on, and ``right`` up to
    its asking part; or ''."""
    before, after = jieba().lcut(left), jieba().lcut(right)
    asking = _ASKS.search(right)
    if len(before) < 2 or not after or not asking or not _is_word(after[0]) or len(after[0]) < 2:
        return "", ""
    first = after[0]
    for at in range(len(before) - 2, max(len(before) - 7, -1), -1):
        word = before[at]
        if word == first or (len(word) == len(first) and word[-1] == first[-1] and _is_word(word)):
            x, y = "".join(before[at:]), right[:asking.start()]
            # 女子双人10米跳台 | 男子双人10米跳台冠军: what follows the shared last word belongs to both
            shared = y.rfind(before[-1])
            tail = y[shared + len(before[-1]):] if shared > 0 else ""
            return (x + tail if tail and not x.endswith(tail) else x), y
    return "", ""


def _is_word(text: str) -> bool:
    return bool(re.fullmatch(r"[\u4e00-\u9fff]+", text))


def _period_run(text: str, phrases: list[str], at_end: bool) -> str:
    """The longest run of ``phrases`` (and 全年) that ``text`` ends with (``at_end``) or starts with;
    '' when there is none or it is 全年 alone."""
    run, rest = "", text
    while True:
        found = next((p for p in [*phrases, _WHOLE_YEAR] if (rest.endswith(p) if at_end else rest.startswith(p))), None)
        if not found:
            return run if run and run != _WHOLE_YEAR else ""
        run, rest = (found + run, rest[:-len(found)]) if at_end else (run + found, rest[len(found):])


def _has_topic(text: str) -> bool:
    """Whether ``text`` names a figure: some word besides its places and periods (two characters)."""
    for phrase in [*period_phrases(text), *key_terms(text)]:
        text = text.replace(phrase, "")
    return len(re.sub(r"[^\u4e00-\u9fffA-Za-z]", "", text)) >= 2
