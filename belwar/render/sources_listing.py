"""The evidence register as a terminal listing (``belwar sources``): compact at 80 columns, each
fact's citation whole at the start of its line (citations are what users copy), its claim
wrapped under it, and one legend for the direction words. Filtered by driver, by source
document and by a search text. Markdown and JSON are in :mod:`belwar.render.report`."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from belwar.render.run_layouts import _published
from belwar.render.text import clean, figure

if TYPE_CHECKING:
    from rich.console import RenderableType

    from belwar.spec.evidence import Fact, Register, Source

LEGEND = (
    "raises / lowers: the fact points to a higher / lower value of the drivers it bears on; "
    "context: background only."
)
_UNNAMED = "not named in the document"


@dataclass(frozen=True, kw_only=True)
class Chosen:
    """Which facts are listed: bearing on ``driver``, in document ``source``, and holding
    ``grep`` (case-insensitive) in their citation, claim, figures, drivers or document title."""

    driver: str | None = None
    source: str | None = None
    grep: str | None = None

    def keeps(self, ref: str, source: Source, fact: Fact) -> bool:
        """Whether the fact at citation ``ref`` is listed."""
        if self.driver is not None and self.driver not in fact.drivers:
            return False
        if self.source is not None and source.id != self.source:
            return False
        if self.grep is None:
            return True
        searched = " ".join(
            [ref, fact.claim, source.title, *fact.drivers, *fact.figures, fact.direction]
        )
        return self.grep.lower() in searched.lower()

    def register(self, register: Register) -> Register:
        """``register`` with only the chosen facts, and the documents that hold any: what
        every format lists."""
        kept = []
        for source in register.sources:
            facts = tuple(f for f in source.facts if self.keeps(f"{source.id}/{f.id}", source, f))
            if facts:
                kept.append(source.model_copy(update={"facts": facts}))
        return replace(register, sources=tuple(kept))


def _document(source: Source, held: int) -> str:
    """What follows a document's id: its title, who published it and when, and how many of
    the ``held`` facts it holds are listed."""
    who = [part for part in (source.author, source.outlet) if part and part != _UNNAMED]
    facts = _count(held, "fact")
    facts = f"{len(source.facts)} of {facts}" if len(source.facts) != held else facts
    return (
        f' "{source.title}"' + "".join(f", {w}" for w in who) + f", {_published(source)} ({facts})"
    )


def _fact_about(source: Source, fact: Fact) -> str:
    """The line under a fact's citation: its date, its direction, the drivers it bears on."""
    when = (fact.date or source.published).isoformat()
    bearing = f"{fact.direction} {', '.join(fact.drivers)}" if fact.drivers else fact.direction
    return f"{when}, {bearing}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''}"


def listing(register: Register, chosen: Chosen) -> list[RenderableType]:
    """The chosen facts of ``register``, grouped under their documents, then a count and the
    legend of the direction words."""
    from rich.padding import Padding  # noqa: PLC0415 - heavy (rich), only when drawn
    from rich.text import Text  # noqa: PLC0415

    held = {source.id: len(source.facts) for source in register.sources}
    shown = chosen.register(register)
    out: list[RenderableType] = []
    for source in shown.sources:
        head = Text(clean(source.id), style="bold")
        out.append(head.append(clean(_document(source, held[source.id]))))
        for fact in source.facts:
            out.append(
                Padding(Text(clean(f"{source.id}/{fact.id}"), style="bold cyan"), (0, 0, 0, 2))
            )
            about = Text(clean(_fact_about(source, fact)), style="dim")
            if fact.figures:
                figures = ", ".join(f"{k} = {figure(v)}" for k, v in fact.figures.items())
                about.append(clean(f"; {figures}"))
            out.append(Padding(about, (0, 0, 0, 4)))
            out.append(Padding(Text(clean(fact.claim)), (0, 0, 0, 4)))
        out.append(Text(""))
    total = sum(len(source.facts) for source in shown.sources)
    documents = _count(len(shown.sources), "document")
    out.append(Text(f"{_count(total, 'fact')} in {documents}.", style="bold"))
    out.append(Text(LEGEND, style="dim"))
    return out
