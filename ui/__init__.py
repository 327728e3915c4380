"""The Gradio web page (rag serve), installed as ``rag.ui``. Imports rag; rag imports it only in the serve command."""
