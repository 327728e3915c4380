"""Language models: the generator backends (generators.py), the packaged offline GGUF models
(models.py), llama.cpp's saved prompt prefix (prefixcache.py) and the prompt files (prompts/).

Knows nothing of passages or citations: it turns chat messages into streamed text.
"""
