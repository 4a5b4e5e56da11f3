"""The MkDocs adapter: configuration and build events, nothing else.

The dataset is loaded and validated once per build, before any page is read, so a broken data
file stops the build with every problem listed and nothing half-built.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger

from .data.dataset import bundled_data_dir, check_dataset
from .data.problems import Severity
from .data.records import Dataset

log = get_plugin_logger(__name__)


class ParamatlasConfig(Config):
    data_dir = config_options.Optional(config_options.Dir(exists=True))
    """The dataset folder; default: the dataset bundled with the package."""


class ParamatlasPlugin(BasePlugin[ParamatlasConfig]):
    def __init__(self) -> None:
        self.dataset: Dataset | None = None

    def data_root(self) -> Path:
        configured = self.config.data_dir
        return Path(configured) if configured else bundled_data_dir()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = self.data_root()
        dataset, problems = check_dataset(root)
        for problem in problems:
            if problem.severity is Severity.WARNING:
                log.info(problem.format())
        if dataset is None:
            errors = [p.format() for p in problems if p.severity is Severity.ERROR]
            raise PluginError(
                f"the dataset in {root} has {len(errors)} error(s):\n" + "\n".join(errors)
            )
        self.dataset = dataset
        return config
