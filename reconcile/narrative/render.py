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


class _Modules(dict):
    """Template modules by file name, compiled once per process for an override folder
    (``get_template`` would check the file's modification time on every sentence)."""

    def __init__(self, override: str | None):
        super().__init__()
        self.override = override

    def __missing__(self, template: str):
        module = self[template] = _environment(self.override).get_template(template).module
        return module


@lru_cache(maxsize=4)
def _modules(override: str | None) -> _Modules:
    return _Modules(override)


_pinned: ContextVar[_Modules | None] = ContextVar("reconcile_narrative_templates", default=None)


@contextmanager
def templates_pinned():
    """Within this block the override folder is read from the environment once, not for
    every sentence (a look-up in ``os.environ`` costs as much as a short sentence)."""
    token = _pinned.set(_modules(os.environ.get(OVERRIDE_ENV) or None))
    try:
        yield
    finally:
        _pinned.reset(token)


def squash(text: str) -> str:
    """Join a rendered paragraph's lines, dropping the line breaks and indentation."""
    lines = str(text).splitlines()
    if len(lines) == 1:
        return lines[0].strip()
    return "".join(line.strip() for line in lines)


def say(template: str, macro: str, /, **context) -> str:
    """Render ``macro`` of ``template`` (e.g. ``say("income.j2", "paragraph", ...)``)."""
    modules = _pinned.get()
    if modules is None:
        modules = _modules(os.environ.get(OVERRIDE_ENV) or None)
    return squash(getattr(modules[template], macro)(**context))
