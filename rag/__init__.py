"""rag: retrieval-augmented question answering over Chinese news articles.

The pipeline, one module per stage: decoding -> cleaning/metadata -> readers/ingest ->
script -> chunking -> embedders -> store/indexer -> keyword/periods -> retrieval -> cli.
"""

__version__ = "0.1.0"
