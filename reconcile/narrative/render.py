"""Wording lives in jinja2 templates (``templates/*.j2``), not in Python.

Each template file holds macros; a macro renders one paragraph. Line breaks and the
indentation around them are dropped when a paragraph is rendered, so a template can
spread a long Chinese sentence over several lines without adding spaces.

A bureau can change the wording without touching Python: copy a template file into a
folder, edit it, and point ``RECONCILE_NARRATIVE_TEMPLATES`` at that folder; files
found there take precedence over the shipped ones.

Speed: a table's cells repeat a few short texts (a 收入/支出 row's 备注, an indicator's
完成情况); :func:`say_shipped` renders such a macro once per distinct arguments,
only while the template and every template it imports are the shipped files
(:func:`shipped`); an edited template is rendered every time, as :func:`say` does.
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
        self.shipped: dict[str, bool] = {}     # template file → not overridden

    def is_shipped(self, template: str) -> bool:
        """The shipped file is used, and so are the templates it imports: the override
        folder has a file of none of their names (looked up once per process, like the
        modules)."""
        found = self.shipped.get(template)
        if found is None:
            found = self.shipped[template] = self.override is None or not any(
                os.path.isfile(os.path.join(self.override, name)) for name in _references(template))
        return found

    def __missing__(self, template: str):
        module = self[template] = _environment(self.override).get_template(template).module
        return module


@lru_cache(maxsize=32)
def _references(template: str) -> frozenset[str]:
    """``template`` and every shipped template it imports or includes, transitively."""
    from jinja2 import meta

    env = _environment(None)
    seen: set[str] = set()
    todo = [template]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        source = env.loader.get_source(env, name)[0]
        todo.extend(n for n in meta.find_referenced_templates(env.parse(source)) if n is not None)
    return frozenset(seen)


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


def _current() -> _Modules:
    modules = _pinned.get()
    if modules is None:
        modules = _modules(os.environ.get(OVERRIDE_ENV) or None)
    return modules


def say(template: str, macro: str, /, **context) -> str:
    """Render ``macro`` of ``template`` (e.g. ``say("income.j2", "paragraph", ...)``)."""
    return squash(getattr(_current()[template], macro)(**context))


def shipped(template: str) -> bool:
    """``template`` is the shipped file, not one of the override folder."""
    return _current().is_shipped(template)


def say_shipped(template: str, macro: str, /, **context) -> str:
    """:func:`say` for a shipped template (the caller checked :func:`shipped`), whose
    macros' text depends on nothing but their arguments: rendered once per distinct
    arguments (hashable; told apart by type too, 1 from True) and remembered."""
    key = (template, macro, *[(k, v.__class__, v) for k, v in context.items()])
    text = _said.get(key)
    if text is None:
        if len(_said) >= _SAID_LIMIT:
            _said.clear()
        text = _said[key] = squash(getattr(_modules(None)[template], macro)(**context))
    return text


_said: dict[tuple, str] = {}
_SAID_LIMIT = 4096


def preload() -> None:
    """Compile the shipped templates and build the .docx skeleton now (the workers'
    warm-up, before their first file), not while the first report is written."""
    from reconcile.narrative.docx import _skeleton

    modules = _modules(None)
    for name in _environment(None).list_templates(filter_func=lambda n: n.endswith(".j2")):
        modules[name]   # noqa: B018 - compiles and keeps the module
    _skeleton()
