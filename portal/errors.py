"""Errors services raise; views and the API turn them into 409 and friends."""

from __future__ import annotations


class Conflict(Exception):
    """The object is locked or changed meanwhile (published, approved, stale version): 409."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
