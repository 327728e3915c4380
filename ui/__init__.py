"""The Gradio web page (rag serve). Imports rag; rag imports it only in the serve command."""
