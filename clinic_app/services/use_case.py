"""The decorator every use case wears: it names the permission and checks it before the body runs.

Registering each use case with its permission lets one test walk every service with every role,
so a new service cannot be written without taking its place in the permission matrix.

Every write goes through here, so here is where whoever shows the data hears that it changed:
``add_listener(fn)`` and ``fn(what)`` is called after each use case that changed something, with
``what`` the service module's name (``"stock"``, ``"dispensing"``, ``"patients"`` …). The screens
listen (``ui.worker``); the commands do not need to.
"""
from __future__ import annotations

import functools
import logging
from typing import Callable

from .acting import require

REGISTRY: dict[str, Callable] = {}
# Rights whose use cases only look, print or copy: nothing on screen changes after them.
QUIET = frozenset({"patient.view", "patient.reveal_id", "patient.print", "lists.print", "backup.create"})
_listeners: list[Callable[[str], None]] = []


def add_listener(fn: Callable[[str], None]) -> None:
    """``fn(what)`` after every use case that changed something (once, however often added)."""
    if fn not in _listeners:
        _listeners.append(fn)


def remove_listener(fn: Callable[[str], None]) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def _changed(what: str) -> None:
    """The write is done and committed: a listener that fails must not make it look refused."""
    for fn in list(_listeners):
        try:
            fn(what)
        except Exception:  # noqa: BLE001 — logged, never raised into the use case's caller
            logging.getLogger("clinic_app").exception("A change listener failed after %s", what)


def use_case(action: str):
    """``@use_case("stock.edit")``: the wrapped function receives the checked acting user."""
    def wrap(fn):
        what = fn.__module__.rsplit(".", 1)[-1]

        @functools.wraps(fn)
        def run(db, user, *args, **kwargs):
            actor = require(db, user, action)
            result = fn(db, actor, *args, **kwargs)
            if action not in QUIET:
                _changed(what)
            return result

        run.action = action
        REGISTRY[f"{what}.{fn.__name__}"] = run
        return run
    return wrap


def all_use_cases() -> dict[str, Callable]:
    """Every registered use case, after importing every module of the package."""
    import importlib
    import pkgutil

    from .. import services

    for module in pkgutil.iter_modules(services.__path__):
        importlib.import_module(f"{services.__name__}.{module.name}")
    return dict(REGISTRY)
