"""The mkdocs-macros pluglet adapter: `define_env`, nothing else.

Written against the small `env` surface that both mkdocs-macros and Zensical offer (`conf`,
`variables`, `macro`), so it runs in either. The dataset is read once per data folder and kept at
module level until a data file changes. Without the MkDocs plugin it reads
`extra.paramatlas.data_dir` or the bundled dataset; with the plugin, the plugin's `data_dir`.
"""

from __future__ import annotations

import functools
import inspect
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .data.dataset import bundled_data_dir
from .data.problems import DatasetError, errors_in
from .render import snippets
from .render.pages import Site
from .validation import check_dataset_cached

_SITES: dict[int, Site] = {}


def _conf_get(conf: Any, key: str, default: Any = None) -> Any:
    try:
        value = conf[key]
    except (KeyError, TypeError):
        return default
    return default if value is None else value


def _plugin_data_dir(conf: Any) -> str | None:
    plugins = _conf_get(conf, "plugins", {})
    plugin = plugins.get("paramatlas") if hasattr(plugins, "get") else None
    if plugin is None:
        return None
    config = getattr(plugin, "config", plugin)
    data_dir = _conf_get(config, "data_dir")
    return str(data_dir) if data_dir else None


def data_dir_for(conf: Any) -> Path:
    extra = _conf_get(_conf_get(conf, "extra", {}), "paramatlas", {})
    configured = _conf_get(extra, "data_dir") or _plugin_data_dir(conf)
    if not configured:
        return bundled_data_dir()
    path = Path(configured)
    config_file = _conf_get(conf, "config_file_path")
    if not path.is_absolute() and config_file:
        path = Path(config_file).parent / path
    return path


def site_for(root: Path) -> Site:
    """The dataset in `root` with its estimates, kept until one of its files changes."""
    dataset, problems = check_dataset_cached(root)
    if dataset is None:
        raise DatasetError(errors_in(problems))
    if id(dataset) not in _SITES:
        _SITES.clear()  # one dataset version at a time: an edit replaces the old one
        _SITES[id(dataset)] = Site(dataset)
    return _SITES[id(dataset)]


def _page_path(page: Any) -> str | None:
    """The page's source path: MkDocs gives `page.file.src_uri`; Zensical's page has no `file`."""
    source = getattr(getattr(page, "file", None), "src_uri", None)
    if source is None:
        source = getattr(page, "src_uri", None) or getattr(page, "src_path", None)
    return str(source) if source else None


def _linker(env: Any, conf: Any) -> snippets.Linker:
    """Links to generated pages, relative to the page being rendered, when the plugin makes them."""
    plugins = _conf_get(conf, "plugins", {})
    page = getattr(env, "page", None)
    has_pages = hasattr(plugins, "get") and plugins.get("paramatlas") is not None
    if not has_pages or page is None:
        return lambda target: None
    here = posixpath.dirname(_page_path(page) or "")
    return lambda target: posixpath.relpath(target, here or ".")


class MacroError(Exception):
    """A macro call that cannot be answered: says which macro, on which page, and why."""


def _data_error(root: Path, error: DatasetError) -> Exception:
    """The dataset's problems as the error the site generator reports without a traceback."""
    message = f"paramatlas: the dataset in {root} cannot be used.\n{error}"
    try:
        from mkdocs.exceptions import PluginError
    except ImportError:  # a generator without MkDocs (Zensical) reports any exception
        return MacroError(message)
    return PluginError(message)


def define_env(env: Any) -> None:
    root = data_dir_for(env.conf)
    try:
        site = site_for(root)
    except DatasetError as error:
        raise _data_error(root, error) from None
    env.variables["paramatlas"] = site.dataset

    def register(function: Callable[..., str], name: str) -> None:
        signature = inspect.signature(function)
        usage = f"{name}({', '.join(list(signature.parameters)[2:])})"

        @functools.wraps(function)
        def macro(*args: Any, **kwargs: Any) -> str:
            page = getattr(env, "page", None)
            path = _page_path(page)
            where = f"page {path}" if path else "a page"
            linker = _linker(env, env.conf)
            try:
                signature.bind(site, linker, *args, **kwargs)
            except TypeError as error:
                raise MacroError(f"{name}() in {where}: {error}; usage: {usage}") from None
            try:
                return function(site, linker, *args, **kwargs)
            except (snippets.UnknownId, snippets.BadArgument) as error:
                raise MacroError(f"{name}() in {where}: {error}") from None

        env.macro(macro, name)

    register(snippets.model_table, "model_table")
    register(snippets.model_card, "model_card")
    register(snippets.memory_table, "memory_table")
    register(snippets.hardware_guidance, "hardware_guidance")
    register(snippets.runs_on, "runs_on")
    register(snippets.glossary_term, "glossary_term")
    register(snippets.explain_name_snippet, "explain_name")
    register(snippets.param_count, "param_count")
    register(snippets.parameter_picture, "parameter_picture")
