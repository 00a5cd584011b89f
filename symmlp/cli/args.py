"""What the commands share: parsing numbers, lists and intervals typed on the
command line, the model options, and the errors they raise.

Every message names the option, what was given and what is allowed.  Only
ASCII digits count as digits; nothing typed is evaluated.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Sequence

from ..ops.activations import activation_names
from ..ops.losses import loss_names

__all__ = ["UsageError", "Parser", "parse_ints", "parse_number", "parse_interval", "value_option",
           "add_model_arguments", "model_from_args", "join_negative_values", "VALUE_OPTIONS"]

_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
VALUE_OPTIONS: set[str] = set()
MAX_INT_DIGITS = 12


class UsageError(ValueError):
    """Bad command-line input; reported in one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, not usage and a traceback."""

    def error(self, message: str):
        # argparse names a failing type function ("invalid _positive_float value"): say "value" instead
        message = re.sub(r"invalid [A-Za-z_][A-Za-z0-9_]* value", "invalid value", message)
        raise UsageError(f"{message} (see '{self.prog} --help')")


def value_option(p: argparse.ArgumentParser, *names: str, **kwargs) -> None:
    """``p.add_argument(*names, **kwargs)`` for an option that takes a value, recorded so that
    values beginning with a minus sign work without ``=`` (see :func:`join_negative_values`)."""
    VALUE_OPTIONS.update(n for n in names if n.startswith("-"))
    p.add_argument(*names, **kwargs)


def join_negative_values(argv: Sequence[str]) -> list[str]:
    """``["--target", "-x**2"]`` -> ``["--target=-x**2"]`` for every option that takes a value.

    Examples
    ========

    >>> from symmlp.cli.args import join_negative_values, VALUE_OPTIONS
    >>> VALUE_OPTIONS.add("--interval")
    >>> join_negative_values(["train", "--interval", "-1,1", "-a", "relu"])
    ['train', '--interval=-1,1', '-a', 'relu']
    """
    out, i = [], 0
    argv = list(argv)
    while i < len(argv):
        token = argv[i]
        if token in VALUE_OPTIONS and i + 1 < len(argv) and argv[i + 1].startswith("-") \
                and argv[i + 1] not in VALUE_OPTIONS and not argv[i + 1].startswith("--"):
            out.append(f"{token}={argv[i + 1]}")
            i += 2
            continue
        out.append(token)
        i += 1
    return out


def parse_ints(text: str, what: str, *, count: int | None = None, minimum: int | None = None) -> list[int]:
    """``"2,3,1"`` -> ``[2, 3, 1]``; anything but comma-separated ASCII integers is refused.

    Examples
    ========

    >>> from symmlp.cli.args import parse_ints
    >>> parse_ints("2, 3,1", "widths")
    [2, 3, 1]
    >>> parse_ints("2,x", "widths")
    Traceback (most recent call last):
    ...
    symmlp.cli.args.UsageError: widths must be comma-separated integers such as 2,3,1, got '2,x'
    >>> parse_ints("٢,٣", "widths")
    Traceback (most recent call last):
    ...
    symmlp.cli.args.UsageError: widths must be comma-separated integers such as 2,3,1, got '٢,٣'
    """
    parts = [p.strip() for p in text.split(",")]
    if not all(_INT.fullmatch(p) for p in parts):
        raise UsageError(f"{what} must be comma-separated integers such as 2,3,1, got {text!r:.80}")
    if any(len(p.lstrip("-")) > MAX_INT_DIGITS for p in parts):
        raise UsageError(f"{what}: integers of more than {MAX_INT_DIGITS} digits are not allowed, "
                         f"got {text[:40]!r}...")
    values = [int(p) for p in parts]
    if count is not None and len(values) != count:
        raise UsageError(f"{what} needs {count} integers, got {len(values)} in {text!r:.80}")
    if minimum is not None and min(values) < minimum:
        raise UsageError(f"{what} must be integers >= {minimum}, got {text!r:.80}")
    return values


def parse_number(text: str, what: str, *, integer: bool = False, low: float = -math.inf,
                 high: float = math.inf, low_open: bool = False, high_open: bool = False) -> float | int:
    """A finite ASCII decimal number within bounds, or a one-line error naming the option.

    Examples
    ========

    >>> from symmlp.cli.args import parse_number
    >>> parse_number("0.05", "--lr", low=0, low_open=True)
    0.05
    >>> parse_number("0", "--lr", low=0, low_open=True)
    Traceback (most recent call last):
    ...
    symmlp.cli.args.UsageError: --lr must be a number > 0, got '0'
    """
    text = text.strip()
    kind = "an integer" if integer else "a number"
    bounds = []
    if not math.isinf(low):
        bounds.append(f"{'>' if low_open else '>='} {low:g}")
    if not math.isinf(high):
        bounds.append(f"{'<' if high_open else '<='} {high:g}")
    allowed = f"{kind} {' and '.join(bounds)}".rstrip()
    ok = (_INT if integer else _FLOAT).fullmatch(text) is not None and len(text) <= 40
    value = (int(text) if integer else float(text)) if ok else math.nan
    inside = ok and math.isfinite(value) and (value > low if low_open else value >= low) and (
        value < high if high_open else value <= high)
    if not inside:
        raise UsageError(f"{what} must be {allowed}, got {text!r:.60}")
    return value


def parse_interval(text: str, what: str = "--interval") -> tuple[float, float]:
    """``"-3,3"`` -> ``(-3.0, 3.0)``: two finite numbers ``a < b`` with a finite width.

    Examples
    ========

    >>> from symmlp.cli.args import parse_interval
    >>> parse_interval("-3, 3")
    (-3.0, 3.0)
    >>> parse_interval("1,nan")
    Traceback (most recent call last):
    ...
    symmlp.cli.args.UsageError: --interval must be two finite numbers A,B with A < B such as -3,3, got '1,nan'
    """
    message = f"{what} must be two finite numbers A,B with A < B such as -3,3, got {text!r:.60}"
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2 or not all(_FLOAT.fullmatch(p) for p in parts):
        raise UsageError(message)
    a, b = float(parts[0]), float(parts[1])
    if not (math.isfinite(a) and math.isfinite(b) and a < b and math.isfinite(b - a)):
        raise UsageError(message)
    if max(abs(a), abs(b)) > 1e300:
        raise UsageError(f"{what} ends must lie within ±1e300, got {text!r:.60}")
    return a, b


def _activation(text: str) -> str | list[str]:
    names = [t.strip() for t in text.split(",")]
    for name in names:
        if name not in activation_names():
            raise argparse.ArgumentTypeError(f"unknown activation {name!r:.40}; valid names: "
                                             f"{', '.join(activation_names())}")
    return names if len(names) > 1 else names[0]


def add_model_arguments(p: argparse.ArgumentParser, *, loss: bool = True, polynomial: bool = True,
                        default_activation: str = "tanh") -> None:
    """Positional WIDTHS (or ``--polynomial N,D``), ``-a/--activation``,
    ``--output-activation`` and ``--loss``, the same for every command that takes a model."""
    p.add_argument("widths", nargs="?", metavar="WIDTHS", help="MLP layer widths, comma-separated, e.g. 2,3,1")
    if polynomial:
        value_option(p, "--polynomial", metavar="N,D",
                     help="a full polynomial in N inputs of degree D instead of an MLP")
    value_option(p, "--activation", "-a", default=default_activation, type=_activation,
                 help="hidden activation, or one per hidden layer comma-separated "
                      f"({', '.join(activation_names())}); default {default_activation}")
    value_option(p, "--output-activation", default="identity", choices=activation_names(),
                 metavar="NAME", help="output layer activation (default identity; sigmoid for --loss bce)")
    if loss:
        value_option(p, "--loss", default="mse", choices=loss_names(), metavar="LOSS",
                     help=f"the loss: {', '.join(loss_names())} (default mse)")


def model_from_args(args: argparse.Namespace, command: str):
    """The MLP of WIDTHS or the polynomial of ``--polynomial N,D`` (exactly one of them)."""
    from ..models import MLP, Polynomial

    polynomial = getattr(args, "polynomial", None)
    if args.widths and polynomial:
        raise UsageError(f"{command}: give either WIDTHS or --polynomial N,D, not both")
    if polynomial:
        n, d = parse_ints(polynomial, "--polynomial N,D", count=2)
        if n < 1 or d < 0:
            raise UsageError(f"--polynomial N,D needs N >= 1 and D >= 0, got {polynomial!r}")
        return Polynomial(n, d)
    if not args.widths:
        raise UsageError(f"{command} needs WIDTHS (e.g. 2,3,1)"
                         + (" or --polynomial N,D" if hasattr(args, "polynomial") else ""))
    return MLP(parse_ints(args.widths, "widths"), activation=args.activation,
               output_activation=args.output_activation)
