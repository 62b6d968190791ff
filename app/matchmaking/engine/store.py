"""Generations of a saved engine shared by processes: an atomically swapped pointer, a writer lock.

Layout of ``root``::

    CURRENT              name of the live generation (replaced with os.replace)
    .lock                fcntl lock held by writers (publish, update, rebuild)
    gen-<time>-<pid>/    one complete, immutable index (the files of persist.py)

A new generation hard-links the unchanged main-segment files of the current one, and a
reader whose main segment is unchanged reloads only the delta files (persist.py).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from pathlib import Path

from .engine import MatchingEngine
from .persist import fsync_dir

POINTER = "CURRENT"


class _FileLock:
    """Re-entrant (per process) exclusive fcntl lock on a file."""

    def __init__(self, path: Path):
        self.path = path
        self._rlock = threading.RLock()
        self._depth = 0
        self._fh = None

    def __enter__(self):
        self._rlock.acquire()
        if self._depth == 0:
            self._fh = open(self.path, "a+")
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX)
        self._depth += 1
        return self

    def __exit__(self, *exc):
        self._depth -= 1
        if self._depth == 0:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None
        self._rlock.release()


class IndexStore:
    """Generations of a saved engine under ``root``; safe for many readers and writers."""

    def __init__(self, root, keep: int = 3, min_age_seconds: float = 60.0):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.keep = keep
        self.min_age_seconds = min_age_seconds
        self._lock = _FileLock(self.root / ".lock")

    def lock(self) -> _FileLock:
        return self._lock

    def current(self) -> str | None:
        try:
            name = (self.root / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name or None

    def stamp(self):
        """Cheap change detector for the pointer (a new file on every publish)."""
        try:
            st = os.stat(self.root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def publish(self, engine) -> str:
        """Save ``engine`` as a new generation and make it current (atomically)."""
        with self._lock:
            name = self._new_name()
            tmp = self.root / f"{name}.tmp"
            current = self.current()
            engine.save(tmp, link_from=(self.root / current) if current else None)
            os.rename(tmp, self.root / name)
            fsync_dir(self.root)
            ptmp = self.root / f"{POINTER}.tmp"
            with open(ptmp, "w", encoding="utf-8") as fh:
                fh.write(name)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(ptmp, self.root / POINTER)
            fsync_dir(self.root)
            engine.generation = name
            self.prune()
            return name

    def _new_name(self) -> str:
        base = f"gen-{time.time_ns():020d}-{os.getpid()}"
        name, i = base, 0
        while (self.root / name).exists():
            i += 1
            name = f"{base}-{i}"
        return name

    def generations(self) -> list[str]:
        return sorted(
            p.name
            for p in self.root.iterdir()
            if p.is_dir() and p.name.startswith("gen-") and not p.name.endswith(".tmp")
        )

    def prune(self) -> None:
        """Delete old generations (keeping the newest ``keep`` and anything recent)."""
        current = self.current()
        gens = self.generations()
        now = time.time()
        for name in gens[: max(0, len(gens) - self.keep)]:
            p = self.root / name
            if name != current and now - p.stat().st_mtime > self.min_age_seconds:
                shutil.rmtree(p, ignore_errors=True)
        for p in self.root.glob("gen-*.tmp"):
            if now - p.stat().st_mtime > 3600:
                shutil.rmtree(p, ignore_errors=True)

    def load(self, reuse=None, **kwargs):
        """The current generation as an engine (None if nothing was published yet)."""
        for _ in range(5):
            name = self.current()
            if name is None:
                return None
            try:
                engine = MatchingEngine.load(self.root / name, reuse=reuse, **kwargs)
            except FileNotFoundError:
                time.sleep(0.05)  # pruned between reading the pointer and opening: retry
                continue
            engine.generation = name
            return engine
        raise RuntimeError(f"could not load a generation from {self.root}")


class SharedEngine:
    """Per-process handle on a store: reads reload when a newer generation appears.

    Writers (``update``, ``rebuild``) serialise on the store's lock, apply their change to
    the latest generation and publish a new one; readers never see a partial index.
    """

    def __init__(self, root, config=None, semantic=None, check_interval: float = 1.0):
        self.store = IndexStore(root)
        self.config = config
        self.semantic = semantic
        self.check_interval = check_interval
        self._engine = None
        self._stamp = None
        self._checked = 0.0
        self._mutex = threading.Lock()

    def _empty(self):
        return MatchingEngine(self.config, semantic=self.semantic)

    def engine(self):
        now = time.monotonic()
        if self._engine is None or now - self._checked >= self.check_interval:
            with self._mutex:
                self._checked = now
                stamp = self.store.stamp()
                if self._engine is None or stamp != self._stamp:
                    loaded = self.store.load(
                        reuse=self._engine, config=self.config, **({} if self._engine else {"semantic": self.semantic})
                    )
                    self._engine = loaded or self._engine or self._empty()
                    self._stamp = stamp
        return self._engine

    def search(self, *args, **kwargs):
        return self.engine().search(*args, **kwargs)

    def status(self) -> dict:
        return {**self.engine().status(), "store": str(self.store.root)}

    def update(self, upserts=(), removes=()) -> str:
        """Apply upserts/removals on top of the latest generation and publish."""
        with self.store.lock():
            eng = (
                self.store.load(
                    reuse=self._engine, config=self.config, **({} if self._engine else {"semantic": self.semantic})
                )
                or self._empty()
            )
            for doc in upserts:
                eng.upsert(doc)
            for doc_id in removes:
                eng.remove(doc_id)
            name = self.store.publish(eng)
            with self._mutex:
                self._engine, self._stamp, self._checked = eng, self.store.stamp(), time.monotonic()
            return name

    def rebuild(self, documents, progress=None) -> str:
        """Full rebuild (reusing vectors of unchanged documents), published atomically."""
        with self.store.lock():
            eng = self.store.load(config=self.config, semantic=self.semantic) or self._empty()
            eng.build(documents, progress=progress)
            name = self.store.publish(eng)
            with self._mutex:
                self._engine, self._stamp, self._checked = eng, self.store.stamp(), time.monotonic()
            return name
