"""Problems found in data files, and how they are reported: `path:line:column: message`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place in one file. Lines and columns count from 1."""

    path: str
    line: int
    column: int
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        text = f"{self.path}:{self.line}:{self.column}: {prefix}{self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class DatasetError(Exception):
    """The dataset cannot be used: it carries every error found, not just the first."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''} in the dataset:\n"
            + "\n".join(problem.format() for problem in self.problems)
        )


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.severity is Severity.ERROR]
