"""Read YAML keeping line numbers, and collect every problem found instead of stopping.

Pack authors are not programmers: each problem names the file, the line, the field and what
to do. The reader walks PyYAML's composed node tree (which keeps positions) rather than the
plain values ``safe_load`` returns.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import yaml

from firewarden.errors import ConfigError

Node = yaml.Node

#: libyaml's loader when PyYAML was built with it: several times faster at start-up, with the
#: same nodes and line marks. Documents it rejects are read again by the pure loader, so
#: problems are reported with its messages.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", None)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in a pack; ``level`` is ``error``, ``warning`` or ``info``."""

    file: str
    line: int
    field: str
    message: str
    hint: str = ""
    level: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        label = "" if self.level == "error" else f"{self.level}: "
        head = (
            f"{where}: {self.field}: {label}{self.message}"
            if self.field
            else (f"{where}: {label}{self.message}")
        )
        return head + (f"\n  hint: {self.hint}" if self.hint else "")

    def to_error(self, more: int = 0) -> ConfigError:
        hint = self.hint
        if more:
            extra = f"{more} more problem(s) in the guidelines; run `firewarden guidelines lint`"
            hint = f"{hint}\n  {extra}" if hint else extra
        message = f"{self.field}: {self.message}" if self.field else self.message
        where = f"{self.file}:{self.line}" if self.line else self.file
        return ConfigError(message, where=where, hint=hint)


def did_you_mean(word: str, options: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    known = ", ".join(sorted(options))
    return f"did you mean '{close[0]}'? known: {known}" if close else f"known: {known}"


class Reader:
    """Typed access to YAML nodes that records problems with their file and line."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.constructor = yaml.SafeLoader("")

    def load(self, text: str) -> Node | None:
        if _FAST_LOADER is not None:
            try:
                fast: Node | None = yaml.compose(text, Loader=_FAST_LOADER)
                return fast
            except yaml.YAMLError:
                pass  # read again below for the pure loader's messages
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else 0
            self.problems.append(
                Problem(
                    self.file,
                    line,
                    "",
                    f"not valid YAML: {exc.problem or exc}",
                    hint="check the indentation and quotes on this line and the one above",
                )
            )
            return None
        except yaml.YAMLError as exc:
            self.problems.append(Problem(self.file, 0, "", f"not valid YAML: {exc}"))
            return None
        return node

    def problem(
        self, node: Node | None, field: str, message: str, hint: str = "", level: str = "error"
    ) -> None:
        line = node.start_mark.line + 1 if node is not None else 0
        self.problems.append(Problem(self.file, line, field, message, hint, level))

    @property
    def failed(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    def mapping(
        self, node: Node, field: str, keys: Collection[str] | None = None
    ) -> dict[str, Node] | None:
        """A mapping's values by key; unknown and duplicate keys are reported."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, field, "must be a mapping of key: value lines")
            return None
        out: dict[str, Node] = {}
        for key_node, value in node.value:
            key = self.scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            name = f"{field}.{key}" if field else key
            if keys is not None and key not in keys:
                self.problem(key_node, name, f"unknown key '{key}'", did_you_mean(key, keys))
                continue
            if key in out:
                self.problem(key_node, name, "appears twice", "keep only one of them")
                continue
            out[key] = value
        return out

    def scalar(self, node: Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return node
        return self.constructor.construct_object(node)

    def string(self, node: Node, field: str, *, allow_empty: bool = False) -> str | None:
        value = self.scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict, Node)):
            if value is None and isinstance(node, yaml.ScalarNode) and allow_empty:
                return ""
            self.problem(node, field, "must be text")
            return None
        text = str(value)
        if not text.strip() and not allow_empty:
            self.problem(node, field, "must not be empty")
            return None
        return text

    def boolean(self, node: Node, field: str) -> bool | None:
        value = self.scalar(node)
        if not isinstance(value, bool):
            self.problem(node, field, "must be true or false")
            return None
        return value

    def integer(self, node: Node, field: str, *, minimum: int = 0) -> int | None:
        value = self.scalar(node)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.problem(node, field, f"must be a whole number of at least {minimum}")
            return None
        return value

    def items(self, node: Node, field: str) -> list[tuple[Node, str]]:
        """A list's items with their field names; a single value counts as a one-item list."""
        if isinstance(node, yaml.SequenceNode):
            return [(item, f"{field}[{i}]") for i, item in enumerate(node.value)]
        if isinstance(node, yaml.ScalarNode) and self.scalar(node) is not None:
            return [(node, field)]
        if isinstance(node, yaml.ScalarNode):
            return []
        self.problem(node, field, "must be a list")
        return []

    def strings(self, node: Node, field: str) -> list[tuple[str, Node]]:
        out = []
        for item, name in self.items(node, field):
            text = self.string(item, name)
            if text is not None:
                out.append((text, item))
        return out


def line_of(node: Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0
