"""The MkDocs adapter: configuration and build events, nothing else.

Phases, in event order:
* `on_config` loads and validates the dataset once per build (cached across `mkdocs serve`
  rebuilds while no data file changes). A broken file stops the build with every problem listed,
  before anything is written;
* `on_files` renders the pages and JSON files and adds them as virtual files, unless the site
  has its own file at that path; the Methodology page's cross-validation is kept in `cache_dir`
  for the next build (see `estimate.validation_store`);
  Entry pages (one per model, device, term, family) stay out of the navigation unless
  `entries_in_nav` is set: the index pages list them, and a sidebar of every entry on every page
  makes each page, and the build, grow with the square of the dataset;
* `on_page_markdown` appends the glossary's abbreviations so tooltips work on every page;
* `on_page_content` puts the HTML tables back where the generated Markdown holds a
  placeholder (see `render.deferred`);
* `on_serve` watches the data folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .data.dataset import bundled_data_dir
from .data.problems import Severity
from .data.records import Dataset
from .render.abbreviations import abbreviation_block
from .render.assets import ASSET_DIR, ASSETS, asset_files
from .render.deferred import DeferredHtml
from .render.pages import INDEX_PAGES, Site, SiteOptions
from .validation import check_dataset_cached

log = get_plugin_logger(__name__)
REQUIRED_EXTENSIONS = ("abbr", "admonition", "md_in_html", "tables")


class ParamatlasConfig(Config):
    data_dir = config_options.Optional(config_options.Dir(exists=True))
    """The dataset folder; default: the dataset bundled with the package."""
    templates_dir = config_options.Optional(config_options.Dir(exists=True))
    """A folder of templates that replace the package's (same file names)."""
    edit_url = config_options.Optional(config_options.Type(str))
    """Base URL for "edit this file" links to data files; default: repo_url/edit/main/data."""
    abbreviations = config_options.Type(bool, default=True)
    """Append the glossary's abbreviations to every page, for tooltips."""
    entries_in_nav = config_options.Type(bool, default=False)
    """List every model, device, term and family page in the navigation, not just the indexes."""
    cache = config_options.Type(bool, default=True)
    """Keep Methodology's cross-validation between builds (it is most of a build's time)."""
    cache_dir = config_options.Type(str, default=".cache/plugin/paramatlas")
    """Where, relative to mkdocs.yml (as Material's plugins keep theirs)."""


@dataclass(frozen=True)
class _Generated:
    dataset: Dataset
    options: SiteOptions
    files: dict[str, str]
    deferred: DeferredHtml | None
    """Holds the tables the pages' Markdown leaves placeholders for."""


class ParamatlasPlugin(BasePlugin[ParamatlasConfig]):
    def __init__(self) -> None:
        self.dataset: Dataset | None = None
        self._abbreviations = ""
        # Generated files for one dataset and set of options: `mkdocs serve` rebuilds after a
        # page edit reuse them; a data edit brings a new dataset and a fresh render.
        self._generated: _Generated | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Nothing to do; defining this event makes MkDocs keep one instance of the plugin for
        all the builds of a `mkdocs serve`, and with it the cached pages."""

    def data_root(self) -> Path:
        configured = self.config.data_dir
        return Path(configured) if configured else bundled_data_dir()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.data_root()
        dataset, problems = check_dataset_cached(root)
        if dataset is None:
            errors = [p.format() for p in problems if p.severity is Severity.ERROR]
            raise PluginError(
                f"the dataset in {root} has {len(errors)} error(s):\n" + "\n".join(errors)
            )
        if dataset is not self.dataset:
            # Warnings (a published count the hyperparameters disagree with) concern whoever
            # keeps the data: shown for a site's own data_dir, not for the bundled dataset.
            if self.config.data_dir:
                for problem in problems:
                    log.info(problem.format())
            self.dataset = dataset
        self._abbreviations = abbreviation_block(self.dataset) if self.config.abbreviations else ""
        # The generated pages use these; a site that did not enable them would show raw
        # `*[MoE]: …` lines and `!!! note` blocks.
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        for asset in ASSETS:
            target = config.extra_css if asset.endswith(".css") else config.extra_javascript
            path = f"{ASSET_DIR}/{asset}"
            if path not in [str(item) for item in target]:
                target.append(path)
        return config

    def _edit_url(self, config: MkDocsConfig) -> str | None:
        """Where "edit this file" links point: the option, or the data folder in repo_url."""
        if self.config.edit_url:
            return self.config.edit_url
        if not config.repo_url or not self.config.data_dir or not config.config_file_path:
            return None  # the bundled dataset is not in this site's repository
        site_root = Path(config.config_file_path).resolve().parent
        try:
            relative = Path(self.config.data_dir).resolve().relative_to(site_root)
        except ValueError:
            return None  # a data folder outside the repository has no edit page
        return f"{config.repo_url.rstrip('/')}/edit/main/{relative.as_posix()}"

    # Run after other plugins have collected the site's own files, so a site file always wins.
    @event_priority(-50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        assert self.dataset is not None
        options = SiteOptions(
            override_dir=Path(self.config.templates_dir) if self.config.templates_dir else None,
            edit_url_base=self._edit_url(config),
            directory_urls=config.use_directory_urls,
            defer_tables=True,
            abbreviations=self.config.abbreviations,
            cache_dir=self._cache_dir(config),
        )
        for src_uri, content in sorted(self._generate(self.dataset, options).items()):
            if files.get_file_from_path(src_uri) is not None:
                log.info(f"{src_uri}: the site's own file replaces the generated one")
                continue
            files.append(
                File.generated(config, src_uri, content=content, inclusion=self._inclusion(src_uri))
            )
        return files

    def _cache_dir(self, config: MkDocsConfig) -> Path | None:
        if not self.config.cache:
            return None
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
        return base / self.config.cache_dir

    def _inclusion(self, src_uri: str) -> InclusionLevel:
        if self.config.entries_in_nav or src_uri in INDEX_PAGES or not src_uri.endswith(".md"):
            return InclusionLevel.UNDEFINED
        return InclusionLevel.NOT_IN_NAV

    def _generate(self, dataset: Dataset, options: SiteOptions) -> dict[str, str]:
        cached = self._generated
        if cached is not None and cached.dataset is dataset and cached.options == options:
            return cached.files
        site = Site(dataset, options)
        generated = {**site.pages(), **site.api_files()}
        generated.update(asset_files())
        self._generated = _Generated(dataset, options, generated, site.deferred)
        return generated

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        if self._is_entry_page(page):
            # Out of the navigation, a theme's sidebar has nothing to show for the page: leave it
            # out (Material's `hide`); the page's breadcrumbs say where it sits.
            hidden = page.meta.setdefault("hide", [])
            if isinstance(hidden, list) and "navigation" not in hidden:
                hidden.append("navigation")
        if not self._abbreviations:
            return markdown
        return f"{markdown}\n\n{self._abbreviations}\n"

    def _is_entry_page(self, page: Page) -> bool:
        """A generated model, device, family or term page that is not in the navigation."""
        generated = self._generated.files if self._generated else {}
        return page.file.src_uri in generated and page.file.inclusion == InclusionLevel.NOT_IN_NAV

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        deferred = self._generated.deferred if self._generated else None
        return deferred.restore(html) if deferred else html

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        server.watch(str(self.data_root()))
        return server
