"""From Documents to a searchable index folder: chunking, embedders, the FAISS vector index, the
on-disk store (written atomically) and the incremental build. Does not answer questions.
"""
