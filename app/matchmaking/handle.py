"""The per-process handle on the shared index (one SharedEngine per app, directory and
semantic setting). Below index.py (maintenance) and similar.py (the stored similar lists),
which both read the index through it."""

from __future__ import annotations

import os

from flask import current_app

from .engine import EngineConfig, SharedEngine

_OFF = {"0", "off", "false", "no", "disabled", "none"}


def semantic_setting(app=None):
    """MATCHMAKING_SEMANTIC: False/"off" disables the model; None lets the environment decide.
    Tests run lexical-only unless they ask for the model."""
    app = app or current_app
    value = app.config.get("MATCHMAKING_SEMANTIC", False if app.testing else None)
    if isinstance(value, str):
        value = False if value.strip().lower() in _OFF else None
    return value


def shared_engine() -> SharedEngine:
    app = current_app._get_current_object()
    state = app.extensions.setdefault("matchmaking", {})
    root = app.config["MATCHMAKING_DIR"]
    semantic = semantic_setting(app)
    handle = state.get("engine")
    if handle is None or state.get("key") != (root, semantic):
        os.makedirs(root, exist_ok=True)
        handle = SharedEngine(
            root, config=EngineConfig.from_dict(app.config.get("MATCHMAKING_ENGINE", {})), semantic=semantic
        )
        state.update(engine=handle, key=(root, semantic))
    return handle
