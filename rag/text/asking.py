"""What kind of answer a (Simplified) question asks for: a person or team, a date, or a figure.

Used by the extractive fallback (answer/quoting.py), whose checks are written for figures: a
sentence "answers" a figure question when it holds a number, but a number proves nothing about a
question asking who (a sentence about a champion's 2021 season names no champion) and any number is
no date (7000吨级 for "…下水的时间"); by the date repair (answer/fixes.py); and by Query, whose
topic words leave out the words that ask when (时间 of 开幕时间). Only the question's own words are
read; no model.
"""

from __future__ import annotations

import re

WHO = "who"
WHEN = "when"
FIGURE = "figure"

# 谁 / 哪位 ask for a person; 冠军, 得主, 主演 … name a person or team as the answer.
_WHO = re.compile(r"谁|哪位|哪个人|哪些人|哪支|哪个队|哪家|冠军|得主|主演|主创|导演|叫什么|名字|\bwho\b", re.I)
_WHEN = re.compile(r"什么时候|何时|哪天|哪一天|哪一年|哪年|几月|几号|日期|时间$|时间[是为]?[?？]?$|\bwhen\b", re.I)
# Words that ask when (下水的时间): an answering passage gives a date instead.
WHEN_WORDS = frozenset({"时间", "日期", "时候"})
# A date as Chinese news writes it: 2021年11月23日, 11月23日, 3月, 23日 (a bare year is not enough:
# the question usually names it already).
DATE = re.compile(r"\d{1,2}月(\d{1,2}[日号])?|\d{1,2}[日号]")


def asked_kind(simple: str) -> str:
    """WHO, WHEN, or FIGURE (the default: how much, how many, which rank, or a noun phrase).

    >>> asked_kind("2022年超级碗冠军是谁"), asked_kind("印度第三艘核潜艇下水的时间")
    ('who', 'when')
    >>> asked_kind("衡阳2023年进出口总额是多少?"), asked_kind("2022年高考报名人数")
    ('figure', 'figure')
    >>> asked_kind("中超2022赛季开赛时间是什么时候？"), asked_kind("时间过半任务完成了多少?")
    ('when', 'figure')
    """
    text = simple.strip()
    if _WHO.search(text):
        return WHO
    if _WHEN.search(text):
        return WHEN
    return FIGURE


def has_date(simple: str) -> bool:
    """Whether the text states a month or a day (3月10日, 11月, 23日).

    >>> has_date("新华社北京3月10日电"), has_date("7000吨级的S4和前两艘潜艇相比")
    (True, False)
    """
    return bool(DATE.search(simple))
