"""A work budget for module templates: Jinja's sandbox with every loop, call and value counted.

Jinja's sandbox keeps a module from reaching into the program's code, but not from working
forever: two nested `range(100000)` loops are well inside its limit for one range, and a text
that doubles in a loop fills the memory in thirty rounds. Modules come from strangers, so a
module's marks get a budget of steps for the whole module:

- every round of a `{% for %}` loop costs one step, plus the length of the text it repeats;
- every call (a macro, a method, `range`) costs ten steps and every filter one, plus the size of
  what it is given and what it returns; so do `+`, `*`, `%`, `~`, every list, tuple and dict
  written in the module and every value printed with `{{ }}`;
- a single call or operator that would make a value larger than what is left is refused before
  it runs (`'x' | center(999999999)`, `'%999999s' % 1`, `s ~ s`).

The size of a value is its length for a text and the number of values it holds, counted again
wherever a value is held twice, for a list, tuple, set, dict or namespace (so a list that holds
itself twice, thirty times over, is seen as the billion values it prints as). A clock stops the
filling-in after `MAX_SECONDS`, whatever the steps, at the line it was on.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
import time
from collections.abc import Iterator
from typing import Any

from jinja2 import nodes
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from jinja2.utils import Namespace
from jinja2.visitor import NodeTransformer

MAX_STEPS = 1_000_000  # a module's marks take a few hundred steps; the default course's most, 600
MAX_SECONDS = 5.0  # the whole module, every part
MAX_MARKS = 2_000  # '{{' and '{%' marks in one module part; the default course's most is 12
CALL = 10  # the steps of one call (a macro call does far more than a loop round)
_NUMBER = re.compile(r"\d+")


class OverBudget(SecurityError):
    """The module's marks took more steps or time than a module may."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the module's marks take too much work ({reason})")
        self.reason = reason  # "steps" or "time"


class Budget:
    """What is left of a module's steps, and when its time is up."""

    def __init__(self) -> None:
        self.left = MAX_STEPS
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise OverBudget("steps")
        if time.monotonic() > self.deadline:
            raise OverBudget("time")


_CURRENT: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("budget", default=None)


@contextlib.contextmanager
def budget(shared: Budget | None = None) -> Iterator[Budget]:
    """Count the work of the module templates rendered inside (a new budget, or `shared`)."""
    current = shared or Budget()
    token = _CURRENT.set(current)
    try:
        yield current
    finally:
        _CURRENT.reset(token)


def _left() -> int:
    current = _CURRENT.get()
    return current.left if current is not None else MAX_STEPS


def _spend(steps: int) -> None:
    current = _CURRENT.get()
    if current is not None:
        current.spend(steps)


def size(value: Any, limit: int | None = None) -> int:
    """Return the size of `value` (see the module's text), stopping once it is over `limit`."""
    limit = _left() if limit is None else limit
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        total += 1
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, range):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set, frozenset, type({}.keys()), type({}.values()),
                               type({}.items()))):
            stack.extend(item)
        elif isinstance(item, Namespace):
            stack.extend(object.__getattribute__(item, "_Namespace__attrs").values())
    return total


def charge(value: Any) -> Any:
    """Spend the size of a value the module made; return the value."""
    _spend(size(value))
    return value


def _refuse_if_over(estimate: int) -> None:
    if estimate > _left():
        raise OverBudget("steps")


def _largest_number(values: tuple, text: str | None = None) -> int:
    """The largest whole number among the values (and written in `text`, for a format)."""
    found = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if text is not None:
        found += [10 ** 9 if len(n) > 9 else int(n) for n in _NUMBER.findall(text)]
    return max((abs(v) for v in found), default=0)


def _check_growth(subject: Any, args: tuple, kwargs: dict, *, formats: bool = False) -> int:
    """Refuse a call on a text or list that could make a value over the budget; return the size
    of what it is given (spent by the caller)."""
    given = size((args, kwargs))
    if isinstance(subject, (str, list, tuple)):
        widest = _largest_number((*args, *kwargs.values()), subject if formats else None)
        _refuse_if_over((size(subject) + 1) * (1 + min(widest, 10 ** 9) + given))
    return given


def _counted(iterable: Any, cost: int) -> Iterator[Any]:
    """Yield the items of a loop, spending `cost` steps on each round."""
    for item in iterable:
        _spend(cost)
        yield item


def _joined(*parts: Any) -> str:
    """`a ~ b`: the texts joined, refused before joining if it would be too long."""
    _spend(size(parts))
    return "".join(map(str, parts))


def guard_filter(name: str, function: Any) -> Any:
    """Return the filter, counted and bounded (`center`, `indent`, `format`, `join`, ...)."""
    takes_first = getattr(function, "jinja_pass_arg", None) is not None

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        values = args[1:] if takes_first else args
        subject, rest = (values[0], values[1:]) if values else (None, ())
        _spend(1 + _check_growth(subject, rest, kwargs, formats=name == "format")
               + size(subject))
        return charge(function(*args, **kwargs))

    return bounded


class BoundedSandbox(SandboxedEnvironment):
    """Jinja's sandbox with the work of every template counted against the current budget."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    @staticmethod
    def printed(value: Any) -> Any:
        """What '{{ value }}' prints (after its size is spent)."""
        return value

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=lambda value: self.printed(charge(value)), **options)
        self.filters = {name: guard_filter(name, f) for name, f in self.filters.items()}
        self.globals.pop("lipsum", None)  # a paragraph generator: nothing a module needs
        self._sb_counted, self._sb_joined, self._sb_made = _counted, _joined, charge

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        if source.count("{{") + source.count("{%") > MAX_MARKS:
            raise OverBudget("marks")
        template = _Counting().visit(super()._parse(source, name, filename))
        return template.set_environment(self)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator in ("+", "%"):
            _refuse_if_over(size((left, right)) * (1 if operator == "+" else 1 + _largest_number(
                (), left if isinstance(left, str) else None)))
        return charge(super().call_binop(context, operator, left, right))

    def getitem(self, obj: Any, argument: Any) -> Any:
        value = super().getitem(obj, argument)
        return charge(value) if isinstance(argument, slice) else value

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        if any(__obj is internal for internal in (_counted, _joined, charge)):
            return __context.call(__obj, *args, **kwargs)
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's 'loop(children)'
            args = (_counted(args[0], 1), *args[1:])
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        subject = getattr(method, "__self__", None)
        formats = getattr(method, "__name__", "") in ("format", "format_map")
        _spend(CALL + _check_growth(subject, args, {k: v for k, v in kwargs.items()
                                                 if not k.startswith("_")}, formats=formats))
        return charge(SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs))


def _internal(name: str, line: int, *args: nodes.Expr) -> nodes.Call:
    call = nodes.Call(nodes.EnvironmentAttribute(name), list(args), [], None, None)
    return call.set_lineno(line)


class _Counting(NodeTransformer):
    """Rewrite a module template so its loops, '~' and literals spend from the budget."""

    def visit_For(self, node: nodes.For) -> nodes.For:
        node = self.generic_visit(node)
        repeated = sum(len(data.data) for child in node.body
                       for data in (child, *child.find_all(nodes.TemplateData))
                       if isinstance(data, nodes.TemplateData))
        node.iter = _internal("_sb_counted", node.lineno, node.iter, nodes.Const(1 + repeated))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Call:
        node = self.generic_visit(node)
        return _internal("_sb_joined", node.lineno, *node.nodes)

    def _made(self, node: nodes.Expr) -> nodes.Expr:
        node = self.generic_visit(node)
        if getattr(node, "ctx", "load") != "load":  # a name list to assign to, not a value
            return node
        return _internal("_sb_made", node.lineno, node)

    visit_List = visit_Tuple = visit_Dict = _made


_FIX = ("a module fills in the program's values ('{{ phone }}') and chooses its text with "
        "'{% if %}'; it needs no long loops or computed text. Remove the loop or the expression, "
        "or make it much smaller (see 'Variables in modules' in the README).")


def over_budget_message(error: OverBudget) -> tuple[str, str]:
    """Return what is wrong and the fix, for a module over its budget."""
    if error.reason == "marks":
        return (f"this part of the module has more than {MAX_MARKS:,} '{{{{ }}}}' and '{{% %}}' "
                "marks.", _FIX)
    if error.reason == "time":
        return (f"filling in the module's '{{{{ }}}}' and '{{% %}}' marks takes more than "
                f"{MAX_SECONDS:g} seconds; it was stopped on this line.", _FIX)
    return ("the '{{ }}' and '{% %}' marks on this line take too much work: filling in the "
            f"module would take more than {MAX_STEPS:,} steps (loop rounds, calls and values "
            "made).", _FIX)
