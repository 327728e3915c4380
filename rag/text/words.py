"""Words of Simplified text: jieba segmentation (loaded once, lazily), keyword tokens, the content
words a passage should share with a question, and the places and acronyms it cannot do without.

Tokens are computed once at index time and stored with the chunks, so only the question is
segmented at query time. Does not score anything (answer/bm25.py does).
"""

from __future__ import annotations

import functools
import logging
import re

from .places import CHINESE_PLACES

# Question words and particles that carry no topic; numbers, places and terms are kept.
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 也 都 有 为 对 从 以 之 其 这 那 个 中 上 下 第 年 月 日 吗 呢 吧 啊 "
    "至 到 多少 几 几个 几位 哪 哪个 哪些 哪里 什么 怎么 怎样 如何 是否 请问 请 "
    "这些 那些 这个 那个 这是 那是 "
    "a an the of in on at to for and or is are was were be been what which who how many much "
    "did does do s its it by with from as that this".split())

# Words that ask rather than tell ("分别是多少", "叫什么名字", "第几": a passage writes 第二; "地点", "举办地": a
# passage names the place, 在巴厘岛举行), and "年前", jieba's reading of "2021年前三季度"; an answering
# passage need not contain them.
QUESTION_WORDS = frozenset({"分别", "各是", "谁", "叫做", "名字", "哪几个", "哪些地方", "哪一年", "哪年",
                            "什么时候", "年前", "第几", "排第几", "地点", "举办地", "举行地", "所在地",
                            # asking words, particles and auxiliaries (会, 可以), and the words a
                            # question asks for a description with (有什么特点?: a passage describes
                            # without the word)
                            "为什么", "为何", "什么样", "怎么样", "啥", "呀", "么", "一下", "介绍", "叫", "几月",
                            "东西", "特点", "特征", "作用", "可以", "会", "还", "又"})
_ACRONYM = re.compile(r"[A-Z]{2,6}")


@functools.lru_cache(maxsize=1)
def jieba():
    """The jieba module, initialised once per process (about a second), quiet."""
    import jieba as module
    import jieba.posseg  # noqa: F401  (part-of-speech tagging, for places)

    module.setLogLevel(logging.WARNING)
    module.initialize()
    return module


def tokenize(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation, spaces and stopwords.

    >>> tokenize("衡阳2023年进出口总额是多少?"), tokenize("这些商会共有多少个?")
    (['衡阳', '2023', '进出', '出口', '进出口', '总额'], ['商会', '共有'])
    """
    tokens = []
    for token in jieba().lcut_for_search(text):
        token = token.strip().lower()
        if token and token not in STOPWORDS and any(ch.isalnum() for ch in token):
            tokens.append(token)
    return tokens


def content_terms(tokens: list[str]) -> list[str]:
    """The Chinese content words among keyword tokens: no numbers, no Latin words, each once.

    >>> content_terms(tokenize("衡阳2023年GDP是多少?"))
    ['衡阳']
    """
    return [t for t in dict.fromkeys(tokens) if not t.isdigit() and not any(ch.isascii() for ch in t)]


def longest_terms(terms: list[str]) -> list[str]:
    """Drop the search-mode pieces of longer words, so 上半年 counts once, not as 上半+半年+上半年.

    >>> longest_terms(['上半', '半年', '上半年', '总额'])
    ['上半年', '总额']
    """
    return [t for t in terms if not any(t != other and t in other for other in terms)]


def topic_terms(terms: list[str]) -> list[str]:
    """Of a question's longest content words, those an answering passage should share (question
    words such as 分别, 谁 left out). A word jieba made of a name and the 是 or 有 after it (潘某是谁的
    皇后?: 潘某是) is a word of no dictionary; the name is what a passage shares.

    >>> topic_terms(["为什么", "猜疑"]), topic_terms(["潘淑是", "皇后", "还是"]), topic_terms(["晏是", "但是"])
    (['猜疑'], ['潘淑', '皇后', '还是'], ['晏', '但是'])
    """
    return [_name_before_copula(t) for t in terms if t not in QUESTION_WORDS]


def _name_before_copula(term: str) -> str:
    if len(term) >= 2 and term[-1] in "是有" and jieba().get_FREQ(term) is None:  # 司马晏是: 晏是
        return term[:-1]
    return term


# Words jieba tags as places that name no place: a kind of place (直达多少个城市?).
GENERIC_PLACES = frozenset({"城市", "国家", "地区", "省份", "省市", "城乡", "国内", "国外", "海外", "境外",
                            "境内", "沿海", "内地", "内陆", "全国", "全省", "全市", "各地", "当地", "异地",
                            "外国", "外地", "外省", "本地", "本省", "本市", "各国", "全球", "世界", "五大洲",
                            "六大洲", "七大洲", "大洲"})


# Words jieba may tag as places that the place check must not require: kinds of place, asking words.
_NO_PLACES = GENERIC_PLACES | QUESTION_WORDS
# Last characters of a measure, never of a place: jieba's dictionary tags 满意度 as a place.
_MEASURE_ENDS = frozenset("度率量额值数")


def key_terms(simple: str) -> list[str]:
    """Terms an answer cannot do without: place names (jieba 'ns', not a kind of place such as 城市,
    nor a measure such as 满意度, nor an asking word such as 东西 of 是什么东西; and the table's
    places jieba cut across two words, 9月22日|益阳) and acronyms (GDP, CPI) in a Simplified text,
    in the order they appear.

    >>> key_terms("长沙2023年GDP是多少?"), key_terms("企业满意度呢?"), key_terms("岳阳和常德的进出口总额")
    (['长沙', 'GDP'], [], ['岳阳', '常德'])
    >>> key_terms("衡阳已和几个外国城市建立友好城市关系?"), key_terms("长沙是什么东西的名称?")
    (['衡阳'], ['长沙'])
    """
    words = jieba().posseg.lcut(simple)
    terms = [(at, w.word) for at, w in zip(_starts(words), words)
             if (w.flag == "ns" and len(w.word) >= 2 and w.word not in _NO_PLACES and w.word[-1] not in _MEASURE_ENDS)
             or _ACRONYM.fullmatch(w.word) or _known_place(w.word)]
    return [term for _, term in sorted(terms + _split_places(simple, words))]


def split_places(simple: str) -> list[str]:
    """The places of ``key_terms`` that jieba cut across two words (益阳 of 9月22日|益阳): their
    pieces (日益, 阳) are no words of the text.

    >>> split_places("至9月22日益阳全市签约"), split_places("益阳全市签约")
    (['益阳'], [])
    """
    return [place for _, place in _split_places(simple, jieba().posseg.lcut(simple))]


def _starts(words: list) -> list[int]:
    """Where each of jieba's words starts in the text it was cut from."""
    starts, at = [], 0
    for word in words:
        starts.append(at)
        at += len(word.word)
    return starts


def _split_places(simple: str, words: list) -> list[tuple[int, str]]:
    """Places of the table in text/places.py that jieba cut across two words (日益|阳 of 9月22日益阳),
    with where they start; a place inside one word is that word's business (湘南 of 湘南湘西).

    >>> [term for _, term in _split_places("至9月22日益阳全市", jieba().posseg.lcut("至9月22日益阳全市"))]
    ['益阳']
    """
    bounds = set(_starts(words)) | {len(simple)}
    found = []
    for place in CHINESE_PLACES:
        for match in re.finditer(re.escape(place), simple):
            inside = [b for b in bounds if match.start() < b < match.end()]
            if inside and match.start() not in bounds:
                found.append((match.start(), place))
    return found


def _known_place(word: str) -> bool:
    """A place of the table in text/places.py, with or without 市/县/区/省: jieba tags 岳阳 as a name."""
    return word in CHINESE_PLACES or (len(word) > 2 and word.rstrip("市县区省") in CHINESE_PLACES)
