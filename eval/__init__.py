"""Evaluation and benchmarks, installed as ``rag.eval``: question sets and prediction files, metrics,
the `rag eval` runners (own sets, RGB, CMRC 2018) and `rag bench`. Imports rag; rag's library never
imports it (only the CLI commands do)."""
