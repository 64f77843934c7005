"""Programmes: YAML files of short tasks, validated with errors that name file, line and field."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

TEXT_LIMIT = 1000
LABEL_LIMIT = 75  # Slack's button text limit, the tighter of our platforms
MAX_MINUTES = 5  # "each takes under five minutes"


class Kind(StrEnum):
    READ_REFLECT = "read-reflect"
    QUIZ = "quiz"
    SCENARIO = "scenario"
    PRACTICAL = "practical"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Option(_Strict):
    text: str = Field(min_length=1, max_length=LABEL_LIMIT)
    feedback: str = Field(min_length=1, max_length=TEXT_LIMIT)


class Task(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    kind: Kind
    title: str = Field(min_length=1, max_length=120)
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)
    options: tuple[Option, ...] = ()
    correct: int | None = Field(default=None, description="1-based number of the right option")
    reflection: str | None = Field(default=None, max_length=TEXT_LIMIT)
    impact: str = Field(default="", max_length=TEXT_LIMIT)
    minutes: int = Field(default=3, ge=1, le=MAX_MINUTES)
    standard: str | None = None

    @model_validator(mode="after")
    def _kind_rules(self) -> Self:
        if self.kind in (Kind.QUIZ, Kind.SCENARIO):
            if not 2 <= len(self.options) <= 5:
                raise ValueError(f"a {self.kind} needs 2 to 5 options, got {len(self.options)}")
        elif self.options:
            raise ValueError(f"a {self.kind} task has no options; remove `options`")
        if self.kind is Kind.QUIZ and self.correct is None:
            raise ValueError("a quiz needs `correct`: the number of the right option (1 = first)")
        if self.correct is not None and not 1 <= self.correct <= len(self.options):
            raise ValueError(
                f"`correct` must be between 1 and {len(self.options)}, got {self.correct}"
            )
        if self.kind is Kind.READ_REFLECT and not self.reflection:
            raise ValueError("a read-reflect task needs a `reflection` prompt")
        return self

    @property
    def expects_text(self) -> bool:
        return self.kind in (Kind.READ_REFLECT, Kind.PRACTICAL) and bool(self.reflection)


class BadgeSpec(_Strict):
    name: str = Field(min_length=1, max_length=120)
    criteria: str = Field(min_length=1, max_length=TEXT_LIMIT)


class Programme(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1, max_length=TEXT_LIMIT)
    cpd_minutes: int = Field(ge=1, le=600)
    badge: BadgeSpec
    standard: str | None = None
    tasks: tuple[Task, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_task_ids(self) -> Self:
        seen: set[str] = set()
        for task in self.tasks:
            if task.id in seen:
                raise ValueError(f"task id {task.id!r} is used twice")
            seen.add(task.id)
        return self

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    @property
    def version(self) -> str:
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


class ProgrammeError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


Path_ = tuple[str | int, ...]


def _plain(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    """The YAML node as plain Python, remembering the line of every field for error messages."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            lines[(*path, key)] = key_node.start_mark.line + 1
            out[key] = _plain(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_plain(item, (*path, i), lines) for i, item in enumerate(node.value)]
    # a scalar: let YAML's own rules decide int, bool, null or string
    return yaml.SafeLoader("").construct_object(node, deep=True)


def _field_name(loc: Path_) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def parse_programme(text: str, file: Path) -> Programme:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        # where the broken construct starts (an unclosed bracket) beats where YAML gave up
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark is not None else 1
        raise ProgrammeError([Problem(file, line, "", f"not valid YAML: {exc.problem}")]) from None
    if node is None:
        raise ProgrammeError([Problem(file, 1, "", "the file is empty")])
    lines: dict[Path_, int] = {}
    data = _plain(node, (), lines)
    if not isinstance(data, dict):
        raise ProgrammeError([Problem(file, 1, "", "expected a mapping with id, title, tasks…")])
    try:
        return Programme.model_validate(data)
    except ValidationError as exc:
        raise ProgrammeError(_problems(exc, file, lines)) from None


_MESSAGES = {"extra_forbidden": "unknown field (check the spelling)", "missing": "is required"}


def _problems(exc: ValidationError, file: Path, lines: dict[Path_, int]) -> list[Problem]:
    """Each validation error at the line of the field it is about."""
    problems = []
    errors = exc.errors()
    locs = [tuple(err["loc"]) for err in errors]
    for err in errors:
        loc: Path_ = tuple(err["loc"])
        if any(other != loc and other[: len(loc)] == loc for other in locs):
            continue  # a list "too short" because its items failed: the items say why
        named = re.search(r"`(\w+)`", err["msg"])
        if named and (*loc, named.group(1)) in lines:
            loc = (*loc, named.group(1))
        # model-level rules report the object's own location; the line of its nearest known part
        probe = loc
        while probe and probe not in lines:
            probe = probe[:-1]
        message = _MESSAGES.get(err["type"], err["msg"].removeprefix("Value error, "))
        problems.append(Problem(file, lines.get(probe, 1), _field_name(loc), message))
    return problems


def load_programme(file: Path) -> Programme:
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProgrammeError([Problem(file, 1, "", f"cannot read: {exc}")]) from None
    return parse_programme(text, file)


def programme_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def load_programmes(folder: Path) -> dict[str, Programme]:
    """Every programme in `folder`, keyed by id. Raises ProgrammeError listing every problem."""
    if not folder.is_dir():
        raise ProgrammeError([Problem(folder, 1, "", "is not a folder")])
    programmes: dict[str, Programme] = {}
    problems: list[Problem] = []
    origin: dict[str, Path] = {}
    for file in programme_files(folder):
        try:
            programme = load_programme(file)
        except ProgrammeError as exc:
            problems.extend(exc.problems)
            continue
        if programme.id in programmes:
            problems.append(
                Problem(file, 1, "id", f"{programme.id!r} is also the id in {origin[programme.id]}")
            )
            continue
        programmes[programme.id] = programme
        origin[programme.id] = file
    if problems:
        raise ProgrammeError(problems)
    return programmes
