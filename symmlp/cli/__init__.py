"""The ``symmlp`` command line: one module per command, one explicit command table.

Bad input exits 2 with one line on stderr, never a traceback; a command
whose check fails exits 1.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

from . import approx, bench, check, compare, count, latex, show, tour, train
from .args import Parser, UsageError, join_negative_values, parse_ints

__all__ = ["main", "build_parser", "parse_ints", "UsageError", "COMMANDS"]

#: name -> module with ``add_parser(subparsers)``, in the order ``--help`` lists them.
COMMANDS = {
    "tour": tour,
    "show": show,
    "count": count,
    "check": check,
    "train": train,
    "approx": approx,
    "compare": compare,
    "latex": latex,
    "bench": bench,
}


def build_parser() -> Parser:
    """The ``symmlp`` parser with every command of :data:`COMMANDS`."""
    from .. import __version__

    parser = Parser(
        prog="symmlp",
        description="Exact symbolic models (MLPs, polynomials, any f_theta): build and count them, derive "
                    "their gradients, compile them, train, check and write them up in LaTeX.",
    )
    parser.add_argument("--version", action="version", version=f"symmlp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"symmlp: warning: {_one_line(message)} ({category.__name__}; the result is still printed)",
          file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    argv = join_negative_values(sys.argv[1:] if argv is None else argv)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # a numeric warning is a bug to report
            warnings.showwarning = _show_warning  # any other warning: one line that says it is one
            args = parser.parse_args(argv)
            if getattr(args, "func", None) is None:
                parser.print_help()
                return 2
            return args.func(args)
    except (UsageError, ValueError, TypeError) as exc:
        print(f"symmlp: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except RuntimeWarning as exc:
        print(f"symmlp: error: numerical failure ({_one_line(exc)}); try smaller values", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `symmlp count ... | head`
        sys.stderr.close()
        return 0
    except RecursionError:  # SymPy walks expressions recursively: one level per layer
        print("symmlp: error: the expression is nested too deeply for SymPy to walk (Python's recursion "
              "limit); use fewer layers", file=sys.stderr)
        return 2
    except MemoryError:
        print("symmlp: error: out of memory; choose a smaller size", file=sys.stderr)
        return 2
    except OSError as exc:  # a folder or file that cannot be written
        where = f" {exc.filename}" if exc.filename else ""
        print(f"symmlp: error: cannot write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symmlp: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
