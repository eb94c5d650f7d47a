"""Errors a user can cause or fix. The CLI prints them without a traceback and exits non-zero."""

from __future__ import annotations


class OhloraError(Exception):
    """Base class: the message says what happened and what to do."""

    exit_code = 1


class BadInput(OhloraError):
    """The user's input cannot be used (empty, malformed, not UTF-8, ...)."""

    exit_code = 2


class CorruptData(OhloraError):
    """A database, memory or block-log file cannot be read. It is left untouched."""

    exit_code = 3


class MissingModel(OhloraError):
    """A model file is missing; the message names it and the command that fetches it."""

    exit_code = 4


class ConfigError(OhloraError):
    """A setting or option has a value we cannot use."""

    exit_code = 2
