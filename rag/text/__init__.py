"""Language helpers every stage shares: script conversion, sentences and citation markers, words
(jieba), numbers, periods, and sentences that address the assistant.

Pure functions over strings; nothing here reads files, loads an index or calls a model.
"""
