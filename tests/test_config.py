"""Settings precedence and validation."""

from pathlib import Path

import pytest

from rag.config import Settings, usable_cores
from rag.errors import SettingsError


def test_flag_beats_environment_beats_default():
    env = {"RAG_K": "7", "RAG_INDEX_DIR": "/tmp/x", "PATH": "/bin"}
    assert Settings.load({}, environ={}).k == 5
    assert Settings.load({}, environ=env).k == 7
    settings = Settings.load({"k": 3, "index_dir": None}, environ=env)
    assert settings.k == 3 and settings.index_dir == Path("/tmp/x")


def test_unknown_keys_and_bad_values_are_rejected():
    with pytest.raises(SettingsError, match="unknown setting RAG_CHUNKSIZE; known: .*RAG_CHUNK_SIZE"):
        Settings.load({}, environ={"RAG_CHUNKSIZE": "100"})
    with pytest.raises(SettingsError, match="unknown setting 'kk'"):
        Settings.load({"kk": 1}, environ={})
    with pytest.raises(SettingsError, match="cannot read 'many' as int"):
        Settings.load({}, environ={"RAG_K": "many"})
    with pytest.raises(SettingsError, match="chunk_overlap"):
        Settings.load({"chunk_size": 100, "chunk_overlap": 100}, environ={})


def test_llama_threads_default_to_every_usable_core_and_a_setting_wins():
    assert Settings.load({}, environ={}).llm_thread_count == usable_cores() >= 1
    assert Settings.load({}, environ={"RAG_LLM_THREADS": "3"}).llm_thread_count == 3
