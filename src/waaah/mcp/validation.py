"""Checks a tool's arguments against its JSON schema; the message names the offending field."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match

from waaah.domain.json_limits import input_problem
from waaah.mcp.schemas import TOOLS

_VALIDATORS = {t.name: Draft202012Validator(t.input_schema) for t in TOOLS}
_JSON_TYPES = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
               dict: "an object", type(None): "null"}
_ARTICLES = {"string": "a string", "number": "a number", "integer": "an integer", "boolean": "a boolean",
             "array": "an array", "object": "an object"}


def invalid_arguments(tool: str, arguments: Any) -> str | None:
    """Why `arguments` are not valid input for `tool`, naming the field; None when they are."""
    if not isinstance(arguments, dict):
        return f"Invalid input for {tool}: the arguments must be a JSON object, got {_kind(arguments)}"
    hostile = input_problem(arguments, "")
    if hostile is not None:
        return f"Invalid input for {tool}: {hostile[0]} {hostile[1]}"
    error = best_match(_VALIDATORS[tool].iter_errors(arguments))
    if error is None:
        return None
    field, problem = describe(error)
    return f"Invalid input for {tool}: {field} {problem}"


def describe(error: ValidationError) -> tuple[str, str]:
    """(dotted field name, what is wrong with it) for one schema violation."""
    path = list(error.absolute_path)
    if error.validator == "required":
        required = error.validator_value if isinstance(error.validator_value, list) else []
        present = error.instance if isinstance(error.instance, dict) else {}
        path.extend([r for r in required if r not in present][:1])
    return _dotted(path) or "arguments", "is required" if error.validator == "required" else _problem(error)


def _dotted(path: list[str | int]) -> str:
    """`workspaceContext.repoId`, `capabilities[0]`."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _problem(error: ValidationError) -> str:
    rule, value = error.validator, error.validator_value
    if rule == "type":
        return f"must be {_ARTICLES.get(str(value), value)}, got {_kind(error.instance)}"
    if rule == "enum" and isinstance(value, list):
        return "must be one of: " + ", ".join(str(v) for v in value)
    if rule == "minLength" or (rule == "pattern" and not str(error.instance).strip()):
        return "must not be empty"
    if rule == "pattern":
        return f"must match {value}"
    if rule == "minItems":
        return f"must list at least {value} item(s)"
    if rule == "maxItems":
        return f"must list at most {value} item(s)"
    if rule == "maxLength":
        return f"must be at most {value} characters"
    if rule == "minimum":
        return f"must be at least {value}"
    if rule == "maximum":
        return f"must be at most {value}"
    return str(error.message)


def _kind(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)
