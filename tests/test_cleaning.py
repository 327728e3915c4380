"""Cleaning, checked on each of the user's seed articles: debris gone, body intact."""

import re

import pytest

from rag.ingest.cleaning import clean_text, remove_pinyin_glosses
from rag.ingest.readers import read_file

from conftest import SEEDS

PINYIN_GLOSS = re.compile(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]")


def cleaned(stem: str) -> str:
    return clean_text((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))


# (seed, text that must be gone, text that must stay)
CASES = [
    ("000_62280806a8835b66",
     ["进入老年模式", "当前位置", "扫一扫在手机打开当前页", "浏览量", "字体", "相关阅读", "发布时间"],
     ["“引进来”+“走出去” 开放的衡阳越发自信", "今年上半年,我市完成进出口总额144.6亿元,总量居全省第二。",
      "“衡阳(国际)眼镜小镇招商座谈会”", "我市对外承包工程和劳务合作营业额完成38222万美元,同比增长48%,增速居全省前列。"]),
    ("001_a7d89014a7bd190e",
     [],
     ["2023年衡陽市進出口總額446.1億元,位列湖南省第3。", "全市對外實際投資額1701萬美元", "剛果(金)",
      "中國(衡陽)-非洲國家綠色發展合作洽談會 供圖 衡陽市商務局", "(文 周雨晴)"]),
    ("002_140e053e7e77dfad",
     [],
     ["衡阳以综合得分69.87分的成绩入围，位列第71位。", "(资料图片)。", "衡阳中欧（中亚）班列累计开行30列",
      "松木港货运码头。"]),
    ("003_e2811a25e999ce74",
     ["标签", "快递小哥", "福元大桥", "山河智能", "城乡居民医保", "红网时刻新闻记者"],
     ["上半年,全市进出口总额196.79亿元,增幅56.3%。", "(资料图片仅供参考)", "永州市“迎老乡、 回故乡、 建家乡” 招商座谈会现场。",
      "在全省享有一定的名气。"]),
    ("004_71504e8ed2101261",
     ["版權", "ICP", "延伸閱讀", "熱點", "特色小鎮", "來源:紅網", "作者:", "公網安備"],
     ["益陽市“大招商、招大商”工作取得顯著成效", "全市共簽約引進投資1億元以上項目28個,其中6個已開工建設。",
      "(記者 盧躍)", "紅網綜合訊 據益陽"]),
]


@pytest.mark.parametrize("stem,gone,kept", CASES, ids=[c[0][:3] for c in CASES])
def test_seed_is_cleaned(stem, gone, kept):
    text = cleaned(stem)
    for debris in gone:
        assert debris not in text, f"debris {debris!r} survived in {stem}"
    for body in kept:
        assert body in text, f"body text {body!r} lost from {stem}"
    assert not PINYIN_GLOSS.search(text)
    assert "\n\n" not in text and text == text.strip()


def test_pinyin_glosses_removed_inside_words():
    text = cleaned("004_71504e8ed2101261")
    assert "紅網綜合訊 據益陽日??消息" in text  # 報 was lost to "?" on the page; its gloss goes
    assert "拉動發展的強力抓手" in text  # 動(dòng) 發(fā) 展(zhǎn) ... joined again
    assert "(zh" not in text and "ǎ" not in text


def test_real_parentheses_are_kept():
    assert remove_pinyin_glosses("剛果(金)、衡阳（国际）眼镜小镇、(資料圖片)、WTO(wto)") == \
        "剛果(金)、衡阳（国际）眼镜小镇、(資料圖片)、WTO(wto)"
    # untoned glosses only go on pages that carry toned ones
    assert remove_pinyin_glosses("時(shí)間 報(bào) 動(dòng) 的(de)") == "時間 報 動 的"


# (seed, title, date, source, author) as the page (or its sidecar) states them
METADATA = [
    ("000_62280806a8835b66", "“引进来”+“走出去” 开放的衡阳越发自信", "2019-07-23", "衡阳全搜索网", ""),
    ("001_a7d89014a7bd190e", "《邁向開放高地》系列報道：衡陽", "2024", "國際在線湖南頻道", "周雨晴"),
    ("002_140e053e7e77dfad", "衡阳开放的道路越走越宽", "2021", "", "向吟吟"),
    ("003_e2811a25e999ce74", "永州推动“湘商回归”：迎老乡、回故乡、建家乡", "2022", "红网", "李兵"),
    ("004_71504e8ed2101261", "益陽市“大招商、招大商”工作取得顯著成效", "2013-09-25", "紅網", "盧躍"),
]


@pytest.mark.parametrize("stem,title,date,source,author", METADATA, ids=[m[0][:3] for m in METADATA])
def test_seed_metadata(stem, title, date, source, author):
    (doc,) = read_file(SEEDS / f"{stem}.txt", 10**7).documents
    assert (doc.doc_id, doc.title, doc.date, doc.source, doc.author) == (stem, title, date, source, author)
