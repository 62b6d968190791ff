"""Saving and loading one engine: a directory of JSON and .npy files.

Files of one saved engine (a generation of store.py)::

    manifest.json    written last
    main.json, main_docs.jsonl, main_hashes.json, lex_*.npy, dense_main.npy
    delta.json, alive.npy, dense_delta.npy, dense_patch*.npy (main vectors written later)

Main-segment files never change after they are written, so a save that only adds a delta
hard-links them from the previous directory (cheap incremental publish), and a load whose
main segment is unchanged (``reuse``) reads only the delta files. Loads mmap the big arrays:
several web processes share one copy in the page cache.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np

from .config import EngineConfig
from .document import Document
from .lexical import LexicalIndex
from .semantic import DenseMatrix
from .text import script_code

FORMAT_VERSION = 1
LEX_ARRAYS = ("fwd_indptr", "fwd_ids", "fwd_tfs", "doc_len", "data", "indices", "indptr", "idf")
MAIN_FILES = ("main.json", "main_docs.jsonl", "main_hashes.json", "dense_main.npy", "main_scripts.npy") + tuple(
    f"lex_{a}.npy" for a in LEX_ARRAYS
)


# ----------------------------------------------------------------- file helpers
def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync_file(path)


def _write_json(path: Path, obj) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, ensure_ascii=False)


def _save_npy(path: Path, arr) -> None:
    np.save(path, np.ascontiguousarray(arr), allow_pickle=False)


def _load_npy(path: Path, mmap: bool):
    """The array, memory-mapped read-only when ``mmap``: a plain ndarray view of the mapping
    (the np.memmap subclass runs Python code on every slice and element read, which the
    scoring and explanation loops do thousands of times per query)."""
    arr = np.load(path, mmap_mode="r" if mmap else None, allow_pickle=False)
    return np.asarray(arr) if mmap else arr


# --------------------------------------------------------------- engine <-> dir
def save_engine(engine, path, link_from=None) -> None:
    """Write ``engine`` into directory ``path`` (created). Consistent snapshot under its lock."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    with engine._lock:
        lex = engine.lexical
        main_n = lex.main_n
        linked = link_from is not None and _try_link_main(Path(link_from), path, engine.main_segment)
        if not linked:
            meta, arrays = lex.main_state()
            meta["main_segment"] = engine.main_segment
            _write_json(path / "main.json", meta)
            for name in LEX_ARRAYS:
                _save_npy(path / f"lex_{name}.npy", arrays[name])
            with open(path / "main_docs.jsonl", "w", encoding="utf-8") as fh:
                fh.writelines(d.to_json() + "\n" for d in engine._main_docs[:main_n])
            _write_json(path / "main_hashes.json", engine._main_hashes[:main_n])
            _save_npy(path / "main_scripts.npy", engine.script_codes[:main_n])
            if engine.dense is not None:
                _save_npy(path / "dense_main.npy", engine.dense.base)
        n = len(engine.docs)
        delta = {
            "lexical": lex.delta_state(),
            "docs": [None if d is None else d.to_dict() for d in engine.docs[main_n:]],
            "hashes": engine.hashes[main_n:],
            "overrides": {str(s): d.to_dict() for s, d in engine.overrides.items()},
            "pending": sorted(engine.pending),
        }
        _write_json(path / "delta.json", delta)
        _save_npy(path / "alive.npy", engine.alive[:n])
        if engine.dense is not None:
            _save_npy(path / "dense_delta.npy", engine.dense.tail)
            # vectors rewritten in the (hard-linked, immutable) main files: saved here
            patched = np.array(sorted(s for s in engine.patched if s < main_n), dtype=np.int64)
            _save_npy(path / "dense_patch_slots.npy", patched)
            _save_npy(
                path / "dense_patch.npy",
                np.stack([engine.dense.row(s) for s in patched.tolist()])
                if len(patched)
                else np.zeros((0, engine.dense.base.shape[1]), np.float32),
            )
        qhashes = list(engine.qvecs)
        _write_json(path / "qvec_hashes.json", qhashes)
        _save_npy(
            path / "qvec.npy",
            np.stack([engine.qvecs[h] for h in qhashes]) if qhashes else np.zeros((0, 384), np.float32),
        )
        manifest = {
            "format": FORMAT_VERSION,
            "created": time.time(),
            "main_segment": engine.main_segment,
            "main_n": main_n,
            "n_slots": n,
            "documents": len(engine.ids),
            "kinds": engine.kinds,
            "has_vectors": engine.dense is not None,
            "config": _config_dict(engine.config),
            "model": engine.embedder.model_name if engine.dense is not None else None,
        }
    for f in path.iterdir():
        if f.is_file():
            _fsync_file(f)
    _write_json(path / "manifest.json", manifest)
    _fsync_file(path / "manifest.json")
    fsync_dir(path)


def _config_dict(config) -> dict:
    return asdict(config)


def _try_link_main(src: Path, dst: Path, main_segment: str) -> bool:
    try:
        with open(src / "main.json", encoding="utf-8") as fh:
            if json.load(fh).get("main_segment") != main_segment:
                return False
        for name in MAIN_FILES:
            if (src / name).exists():
                os.link(src / name, dst / name)
        return True
    except (OSError, ValueError):
        for name in MAIN_FILES:
            with contextlib.suppress(OSError):
                (dst / name).unlink()
        return False


def load_engine(cls, path, config=None, semantic=None, mmap: bool = True, reuse=None):
    """Load a saved engine; with ``reuse`` (same main segment) only delta files are read."""
    path = Path(path)
    with open(path / "manifest.json", encoding="utf-8") as fh:
        manifest = json.load(fh)
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"unsupported index format {manifest.get('format')}")
    engine = cls(
        config or EngineConfig.from_dict(manifest.get("config")),
        semantic=reuse.embedder if (semantic is None and reuse is not None) else semantic,
    )
    main_n = int(manifest["main_n"])
    same_main = (
        reuse is not None
        and reuse.main_segment == manifest["main_segment"]
        and reuse.lexical.main_n == main_n
        and len(reuse._main_docs) == main_n
    )
    if same_main:
        meta, arrays = reuse.lexical.main_state()
        main_docs, main_hashes = reuse._main_docs, reuse._main_hashes
        main_scripts = reuse.script_codes[:main_n]
        dense_base = reuse.dense.base if reuse.dense is not None else None
    else:
        with open(path / "main.json", encoding="utf-8") as fh:
            meta = json.load(fh)
        arrays = {a: _load_npy(path / f"lex_{a}.npy", mmap) for a in LEX_ARRAYS}
        with open(path / "main_docs.jsonl", encoding="utf-8") as fh:
            main_docs = [Document.from_dict(json.loads(line)) for line in fh if line.strip()]
        with open(path / "main_hashes.json", encoding="utf-8") as fh:
            main_hashes = json.load(fh)
        scripts_path = path / "main_scripts.npy"
        main_scripts = (
            np.array(_load_npy(scripts_path, False), dtype=np.int8)
            if scripts_path.exists()
            else np.array([script_code(d.semantic_text()) for d in main_docs], np.int8)
        )
        dense_base = _load_npy(path / "dense_main.npy", mmap) if manifest["has_vectors"] else None
    with open(path / "delta.json", encoding="utf-8") as fh:
        delta = json.load(fh)
    engine.lexical = LexicalIndex.from_state(meta, arrays, delta["lexical"])
    docs: list[Document | None] = list(main_docs) + [
        None if d is None else Document.from_dict(d) for d in delta["docs"]
    ]
    for slot, d in delta["overrides"].items():
        docs[int(slot)] = Document.from_dict(d)
        engine.overrides[int(slot)] = docs[int(slot)]
    alive = np.array(_load_npy(path / "alive.npy", False), dtype=bool)
    for slot in np.flatnonzero(~alive).tolist():
        docs[slot] = None
    engine.docs = docs
    engine.alive = alive
    engine.pending = set(delta.get("pending", []))
    engine.hashes = list(main_hashes) + list(delta["hashes"])
    engine._main_docs, engine._main_hashes = main_docs, main_hashes
    engine.ids = {d.id: i for i, d in enumerate(docs) if d is not None}
    engine.kinds = {k: int(v) for k, v in manifest["kinds"].items()}
    engine.kind_codes = np.array([-1 if d is None else engine._kind_code(d.kind) for d in docs], np.int16)
    engine.script_codes = np.concatenate(
        [
            np.asarray(main_scripts, np.int8),
            np.array([0 if d is None else script_code(d.semantic_text()) for d in docs[main_n:]], np.int8),
        ]
    )
    engine.main_segment = manifest["main_segment"]
    engine.built_at = manifest["created"]
    if dense_base is not None:
        dense = DenseMatrix(dense_base)
        patch_path = path / "dense_patch_slots.npy"
        if patch_path.exists():
            slots = np.array(_load_npy(patch_path, False), dtype=np.int64)
            if len(slots):
                rows = np.asarray(_load_npy(path / "dense_patch.npy", False), dtype=np.float32)
                applied = (
                    same_main
                    and reuse.patched.issuperset(slots.tolist())
                    and np.array_equal(np.asarray(dense.base[slots]), rows)
                )
                if not applied:
                    if same_main:  # never write into the array the previous engine still reads
                        dense.base = np.array(dense.base)
                    for slot, row in zip(slots.tolist(), rows):
                        dense.set_row(slot, row)  # copies a memory-mapped base once
                engine.patched = set(slots.tolist())
        tail = _load_npy(path / "dense_delta.npy", False)
        for row in tail:
            dense.append(row)
        engine.dense = dense
    qpath = path / "qvec_hashes.json"
    if qpath.exists():
        with open(qpath, encoding="utf-8") as fh:
            qhashes = json.load(fh)
        engine.qvecs = dict(zip(qhashes, np.array(_load_npy(path / "qvec.npy", False), dtype=np.float32)))
    if len(engine.docs) != engine.lexical._n or (engine.dense is not None and len(engine.dense) != len(docs)):
        raise ValueError(f"inconsistent index in {path}")
    ann = getattr(reuse, "_ann", None) if same_main else None
    if ann is not None and ann.segment == engine.main_segment:  # same main segment: share the partitions
        moved = {s for s, d in engine.overrides.items() if main_docs[s].kind != d.kind}
        engine._ann = replace(
            ann, stale=set(ann.stale) | moved | engine.patched | {s for s in engine.pending if s < main_n}
        )
    else:
        engine.build_ann()
    return engine
