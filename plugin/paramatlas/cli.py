"""The `paramatlas` command line: an adapter over the dataset and the estimation engine.

Exit codes: 0 success, 1 the data (or a requested estimate) has problems, 2 the command was used
wrongly. Errors never show a traceback; they say what is wrong and what to do.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .data.dataset import bundled_data_dir, check_dataset
from .data.problems import Severity

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        sys.exit(EXIT_USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="paramatlas",
        description="Validate and query the paramatlas dataset of LLM architectures.",
    )
    parser.add_argument("--version", action="version", version=f"paramatlas {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    validate = commands.add_parser(
        "validate",
        help="check every data file against the schemas and the consistency rules",
        description="Check a dataset folder. Prints one line per problem as "
        "path:line:column: message, and exits 1 if there are errors.",
    )
    validate.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        metavar="DATA_DIR",
        help="the dataset folder (default: the bundled dataset)",
    )
    validate.add_argument(
        "--quiet", "-q", action="store_true", help="print errors only, not warnings or the summary"
    )
    return parser


def _validate(args: argparse.Namespace) -> int:
    root: Path = args.data_dir if args.data_dir is not None else bundled_data_dir()
    if not root.is_dir():
        sys.stderr.write(f"paramatlas: no data folder at {root}\n")
        return EXIT_USAGE
    dataset, problems = check_dataset(root)
    shown = [p for p in problems if not args.quiet or p.severity is Severity.ERROR]
    for problem in shown:
        sys.stderr.write(problem.format() + "\n")
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if dataset is None:
        sys.stderr.write(f"{errors} error(s), {warnings} warning(s) in {root}\n")
        return EXIT_PROBLEMS
    if not args.quiet:
        print(
            f"{root}: {len(dataset.models)} models, {len(dataset.hardware)} devices, "
            f"{len(dataset.quantizations)} quantizations, {len(dataset.glossary)} glossary terms: "
            f"valid ({warnings} warning(s))"
        )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    handlers = {"validate": _validate}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        return 130
