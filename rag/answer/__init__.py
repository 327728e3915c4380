"""From a parsed question and an index to a verified answer, one module per step, in order:
retrieval (bm25) -> gates (ask the model at all?) -> context -> prompting -> [the model, rag/llm]
-> fixes -> citations -> verify. pipeline.py runs them; nothing here loads a model.
"""
