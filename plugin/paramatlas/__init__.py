"""paramatlas: a validated dataset of LLM architectures and the MkDocs plugin that publishes it.

The public API: load the dataset, inspect its records, and report problems.
"""

from typing import Any

from .data.dataset import bundled_data_dir
from .data.problems import DatasetError, Problem, Severity
from .data.records import Dataset, GlossaryTerm, Hardware, Model, Quantization
from .validation import check_dataset, load_dataset

__version__ = "0.1.0"


def define_env(env: Any) -> None:
    """The mkdocs-macros pluglet entry (`modules: [paramatlas]`); see `paramatlas.macros`."""
    from .macros import define_env as define_macros

    define_macros(env)


__all__ = [
    "Dataset",
    "DatasetError",
    "GlossaryTerm",
    "Hardware",
    "Model",
    "Problem",
    "Quantization",
    "Severity",
    "__version__",
    "bundled_data_dir",
    "check_dataset",
    "define_env",
    "load_dataset",
]
