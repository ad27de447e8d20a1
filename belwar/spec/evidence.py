"""The evidence register: one YAML file per source document, each with its facts and figures.

Scenario numbers cite facts as ``source-id/fact-id``; the register is how an analyst answers
"where does this number come from?". This module holds the models and the lookup; the loader
reads the files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from belwar.spec.shipped import shipped_register

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]
FigureName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
DriverName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class Fact(_Model):
    """One claim a source makes, in our own words, with the figures it carries."""

    id: Slug
    claim: Annotated[str, Field(min_length=10, max_length=600)]
    figures: dict[FigureName, float] = Field(default_factory=dict)
    date: dt.date | None = None
    drivers: tuple[DriverName, ...] = ()
    direction: Literal["raises", "lowers", "context"]


class Source(_Model):
    """A source document and the facts taken from it."""

    id: Slug
    title: str
    outlet: str
    author: str | None
    published: dt.date
    date_precision: Literal["day", "month", "quarter"]
    date_basis: str
    seed_file: str | None = None  # the seed document it came from; None for later reporting
    link: str | None = None
    certainty: Literal["firm", "claimed"] | None = None  # how sure the reporting is
    summary: str
    facts: tuple[Fact, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Register:
    """Every source, and every fact by its citation ``source-id/fact-id``."""

    sources: tuple[Source, ...]

    def facts(self) -> Iterator[tuple[str, Source, Fact]]:
        """``(citation, source, fact)`` for every fact, in file order."""
        for source in self.sources:
            for fact in source.facts:
                yield f"{source.id}/{fact.id}", source, fact

    def citations(self) -> dict[str, tuple[Source, Fact]]:
        """Every fact keyed by its citation."""
        return {ref: (source, fact) for ref, source, fact in self.facts()}

    def joined(self, other: Register) -> Register:
        """This register with the sources of ``other`` it lacks (by id; its own come first)."""
        have = {source.id for source in self.sources}
        return Register((*self.sources, *(s for s in other.sources if s.id not in have)))


def find_register(start: Path) -> Path | None:
    """The register that serves a scenario at ``start``: the nearest ``seeds/`` folder holding
    YAML files in ``start`` or a folder above it, else the copy that ships with belwar."""
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / "seeds"
        if candidate.is_dir() and any(candidate.glob("*.yaml")):
            return candidate
    return shipped_register()
