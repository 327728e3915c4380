"""rag: retrieval-augmented question answering over Chinese news articles.

Sub-packages in the order the data flows: ingest/ (files to Documents) -> indexing/ (chunks,
vectors, the index folder) -> query.py (the question parsed once) -> answer/ (retrieval, gates,
context, prompting; then fixes, citations, verification) with llm/ (the model) in between.
text/ holds the language helpers all of them share; pipeline.py runs one question through the
steps; cli.py is the `rag` command. Evaluation (rag.eval) and the page (rag.ui) live outside.
"""

__version__ = "0.1.0"
