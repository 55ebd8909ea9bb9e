"""The decorator every use case wears: it names the permission and checks it before the body runs.

Registering each use case with its permission lets one test walk every service with every role,
so a new service cannot be written without taking its place in the permission matrix.
"""
from __future__ import annotations

import functools
from typing import Callable

from .acting import require

REGISTRY: dict[str, Callable] = {}


def use_case(action: str):
    """``@use_case("stock.edit")``: the wrapped function receives the checked acting user."""
    def wrap(fn):
        @functools.wraps(fn)
        def run(db, user, *args, **kwargs):
            actor = require(db, user, action)
            return fn(db, actor, *args, **kwargs)

        run.action = action
        REGISTRY[f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"] = run
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
