"""Every exception the library raises: bad input, a bad index, a missing model or embedder.

Every message is one line a user can act on; the CLI prints it as ``error: ...``.
"""


class RagError(Exception):
    """Base class for errors that the CLI reports as one line (exit code 1)."""

    exit_code = 1


class InputError(RagError):
    """The user's input is invalid: an empty or over-long question, a bad flag value (exit code 2)."""

    exit_code = 2


class SettingsError(InputError):
    """An unknown setting, or a value of the wrong type."""


class IndexMissingError(RagError):
    """No index has been built in the folder asked for."""


class IndexMismatchError(RagError):
    """The index was built with other settings (embedder, format) than the ones in force."""


class IndexCorruptError(RagError):
    """The index folder exists but its files cannot be read or disagree with each other."""


class IndexLockedError(RagError):
    """Another process is writing the index."""


class EmbedderError(RagError):
    """An embedder cannot be found or loaded."""


class DecodeError(RagError):
    """A file's bytes are binary or in no supported encoding."""


class SidecarError(RagError):
    """A NAME.meta.json file is unreadable or has unknown keys."""


class ModelError(RagError):
    """A packaged model is unknown, or its part packages are missing or damaged."""


class GeneratorError(RagError):
    """A language model cannot be found, loaded or reached."""


class MilvusError(RagError):
    """A Milvus store cannot be reached, refuses the token, or fails a write or search."""
