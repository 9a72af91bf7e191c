"""Loading rule sets: a preset name from package data, or a TOML file path.

The parsing and checking is pure (:func:`machikpi.core.evaluation.ruleset_from_toml`);
this module only finds and reads the text.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..core.evaluation import RuleSet, RuleSetError, ruleset_from_toml

PRESET_PACKAGE = "machikpi.rulesets"
#: The rule set used when none is chosen: the preset ``rulesets/baseline-band.toml``.
DEFAULT_RULES = "baseline-band"


def preset_names() -> list[str]:
    """Names of the preset rule sets shipped in :mod:`machikpi.rulesets`."""
    root = resources.files(PRESET_PACKAGE)
    return sorted(p.name[: -len(".toml")] for p in root.iterdir() if p.name.endswith(".toml"))


def load_ruleset(name_or_path: str) -> RuleSet:
    """The preset called ``name_or_path`` (``baseline-band``, ``pro-rata``,
    ``pace``, ``points-7``, ``cagr``), else the TOML file at that path.

    Raises :class:`RuleSetError` (a :class:`MachikpiError`) naming the file
    and key when the rule set is invalid or cannot be found, ``OSError`` when
    the file cannot be read.
    """
    if name_or_path in preset_names():
        res = resources.files(PRESET_PACKAGE) / f"{name_or_path}.toml"
        return ruleset_from_toml(res.read_text(encoding="utf-8"), source=f"{name_or_path}.toml")
    path = Path(name_or_path)
    if not path.exists():
        raise RuleSetError(
            f"no such preset or file (presets: {', '.join(preset_names())})", source=name_or_path
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise RuleSetError(f"not UTF-8 text: {e}", source=str(path)) from e
    return ruleset_from_toml(text, source=str(path))


def ruleset_text(name_or_path: str) -> str:
    """The TOML text of a preset or rule-set file, comments included (the
    report's method section prints it: the rule set explains itself).
    Raises like :func:`load_ruleset`."""
    if name_or_path in preset_names():
        return (resources.files(PRESET_PACKAGE) / f"{name_or_path}.toml").read_text(encoding="utf-8")
    return Path(name_or_path).read_text(encoding="utf-8")
