"""Wording lives in jinja2 templates (``templates/*.j2``), not in Python.

Each template file holds macros; a macro renders one paragraph. Line breaks and the
indentation around them are dropped when a paragraph is rendered, so a template can
spread a long Chinese sentence over several lines without adding spaces.

A bureau can change the wording without touching Python: copy a template file into a
folder, edit it, and point ``RECONCILE_NARRATIVE_TEMPLATES`` at that folder; files
found there take precedence over the shipped ones.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

import jinja2

OVERRIDE_ENV = "RECONCILE_NARRATIVE_TEMPLATES"


@lru_cache(maxsize=4)
def _environment(override: str | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if override:
        loaders.append(jinja2.FileSystemLoader(override, encoding="utf-8"))
    loaders.append(jinja2.PackageLoader("reconcile.narrative", "templates", encoding="utf-8"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )


def environment() -> jinja2.Environment:
    return _environment(os.environ.get(OVERRIDE_ENV) or None)


@lru_cache(maxsize=4)
def _modules(override: str | None) -> dict[str, object]:
    """Template modules by file name, compiled once per process for each override folder
    (``get_template`` would check the file's modification time on every sentence)."""
    return {}


_UNSET = object()
_pinned_override: ContextVar = ContextVar("reconcile_narrative_override", default=_UNSET)


@contextmanager
def templates_pinned():
    """Within this block the override folder is read from the environment once, not for
    every sentence (a look-up in ``os.environ`` costs as much as a short sentence)."""
    token = _pinned_override.set(os.environ.get(OVERRIDE_ENV) or None)
    try:
        yield
    finally:
        _pinned_override.reset(token)


def _module(template: str):
    override = _pinned_override.get()
    if override is _UNSET:
        override = os.environ.get(OVERRIDE_ENV) or None
    modules = _modules(override)
    module = modules.get(template)
    if module is None:
        module = modules[template] = _environment(override).get_template(template).module
    return module


def squash(text: str) -> str:
    """Join a rendered paragraph's lines, dropping the line breaks and indentation."""
    lines = str(text).splitlines()
    if len(lines) == 1:
        return lines[0].strip()
    return "".join(line.strip() for line in lines)


def say(template: str, macro: str, /, **context) -> str:
    """Render ``macro`` of ``template`` (e.g. ``say("income.j2", "paragraph", ...)``)."""
    return squash(getattr(_module(template), macro)(**context))
