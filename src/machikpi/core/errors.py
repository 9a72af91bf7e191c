"""The project's own errors. Every error the core raises is a :class:`MachikpiError`."""

from __future__ import annotations


class MachikpiError(Exception):
    """Base of every error machikpi raises on bad input."""


class QuantityError(MachikpiError, ValueError):
    """A text that should hold a number, unit or value cell cannot be read."""


class PeriodError(MachikpiError, ValueError):
    """A text that should hold a year (和暦 or Western) cannot be read."""


class DocumentError(MachikpiError):
    """A document cannot be read. ``doc`` names the file, ``line`` (1-based)
    and ``column`` the place, where known; ``str()`` gives ``doc:line: message``."""

    def __init__(self, message: str, *, doc: str = "", line: int | None = None, column: str | None = None):
        self.message = message
        self.doc = doc
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        place = self.doc or "<input>"
        if self.line is not None:
            place += f":{self.line}"
        if self.column:
            place += f" [{self.column}]"
        return f"{place}: {self.message}"


class UnknownLayoutError(DocumentError):
    """The document holds no indicator table and no opinion table the reader can find."""
