"""Frozen views of the courses layer for higher layers. Standard library only."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CourseSummary:
    id: int
    title: str
    url: str
    language: str
