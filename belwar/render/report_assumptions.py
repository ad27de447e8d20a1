"""The HTML report's account of the assumptions: what the scenario extends and how it differs
from that parent, the correlations between drivers, every random input with its distribution and
the facts it cites, and the documents those facts come from, each listed once.

Every function returns HTML with all user text escaped here; nothing computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as _escape

from belwar.render.changes import shown_value
from belwar.render.text import clean
from belwar.results.comparison import Change
from belwar.results.run import Result
from belwar.spec.entries import Entry, Spec, entries
from belwar.spec.evidence import Fact, Register, Source
from belwar.spec.scenario import DistModel, Driver, Event, OddsRatio, Scenario

# what the register says of a document that names no outlet; said once, not after every fact
UNNAMED_OUTLET = "not named in the document"
# keys that name or describe a scenario rather than assume anything
NAMING_KEYS = ("id", "title", "description")


def escape(value: str) -> str:
    """User text for HTML: markup escaped, control characters written as their escapes."""
    return _escape(clean(value))


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, css: str = "", caption: str = ""
) -> str:
    """A table in a scroll container; ``headers`` are plain text, cells already HTML. A ``stack``
    table shows each row as a block on a narrow screen, every cell labelled by its header."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-head="{escape(h)}">{cell}</td>' for h, cell in zip(headers, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return (
        f'<div class="scroll"><table class="belwar {css}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _anchor(kind: str, ref: str) -> str:
    return f"{kind}-" + "".join(c if c.isalnum() else "-" for c in ref)


def input_labels(scenario: Scenario) -> dict[str, str]:
    """Each random input's stream key (``odds:full_entry:kremlin_pressure``) with the words a
    reader knows it by (``Kremlin pressure on Minsk ... → Belarusian army fights in Ukraine``)."""
    rungs = {r.id: r.label for r in scenario.ladder.rungs}
    causes = {n: d.label for n, d in scenario.drivers.items()}
    causes |= {n: e.label for n, e in scenario.events.items()}
    labels = {}
    for entry in entries(scenario):
        if entry.kind == "odds":
            rung, cause = entry.name.split(":", 1)
            labels[entry.stream] = f"{causes.get(cause, cause)} → {rungs.get(rung, rung)}"
        else:
            labels[entry.stream] = _heading(entry)
    return labels


def path_labels(scenario: Scenario) -> dict[str, str]:
    """Each random input's key path (``drivers.kremlin_pressure``) with its label, as
    :func:`input_labels` words it."""
    by_stream = input_labels(scenario)
    return {e.path: by_stream[e.stream] for e in entries(scenario)}


def _heading(entry: Entry) -> str:
    if entry.kind == "hazard":
        return f"monthly hazard of {entry.label}"
    return "momentum above the start" if entry.kind == "momentum" else entry.label


def changed_assumptions(scenario: Scenario, changes: Sequence[Change]) -> list[str]:
    """The labels of the assumptions ``changes`` touch (naming keys left out), in order."""
    labels = path_labels(scenario)
    kept = [c for c in changes if c.key not in NAMING_KEYS]
    return [labels.get(key, key) for key in _by_assumption(kept, labels)]


def _spec(dist: DistModel) -> str:
    fields = dist.model_dump(exclude_none=True)
    kind = fields.pop("type")
    return f"{kind} " + ", ".join(f"{k} {v}" for k, v in fields.items())


def _detail(spec: Spec) -> str:
    """What an assumption adds to its distribution."""
    if isinstance(spec, Driver) and spec.reference is not None:
        return f"reference {spec.reference:g}"
    if isinstance(spec, Event):
        return f"lasts {spec.lasts_months} month(s)"
    if isinstance(spec, OddsRatio):
        return f"per {spec.per:g}" if spec.per is not None else "while active"
    return ""


def parent_section(scenario: Scenario, extends: str | None, from_parent: Sequence[Change]) -> str:
    """What the scenario extends and, grouped by assumption, what it changes."""
    if extends is None:
        return "<p>This scenario extends no other: every assumption is its own.</p>"
    changes = [c for c in from_parent if c.key not in NAMING_KEYS]
    if not changes:
        return (
            f"<p>This scenario extends <code>{escape(extends)}</code> and changes none of its "
            "assumptions.</p>"
        )
    intro = (
        f"<p>This scenario extends <code>{escape(extends)}</code> and keeps every assumption "
        "not listed below.</p>"
    )
    labels = path_labels(scenario)
    rows = []
    for key, group in _by_assumption(changes, labels).items():
        what = "; ".join(_changed(c.key.removeprefix(key + "."), c) for c in group)
        rows.append([f'<span title="{escape(key)}">{escape(labels.get(key, key))}</span>', what])
    return intro + table(["assumption", "parent → this scenario"], rows, css="stack")


def _changed(field: str, change: Change) -> str:
    """One changed setting: facts as added and removed ids, a note as rewritten (the new one
    stands in the assumptions table), anything else as old → new."""
    if field == "evidence" and isinstance(change.old, list) and isinstance(change.new, list):
        added = ", ".join(ref for ref in change.new if ref not in change.old)
        removed = ", ".join(ref for ref in change.old if ref not in change.new)
        said = [f"added: {added}" if added else "", f"removed: {removed}" if removed else ""]
        return escape("facts " + ("; ".join(s for s in said if s) or "reordered"))
    if field == "note":
        return "note rewritten"
    old, new = escape(shown_value(change.old)), escape(shown_value(change.new))
    return f"<code>{escape(field)}</code> {old} → {new}"


def _by_assumption(changes: Sequence[Change], labels: dict[str, str]) -> dict[str, list[Change]]:
    """Changes under the entry whose key path is their longest prefix (``drivers.x`` for
    ``drivers.x.dist.mode``); others under their first two key parts."""
    groups: dict[str, list[Change]] = {}
    for change in changes:
        owners = [p for p in labels if change.key == p or change.key.startswith(p + ".")]
        owner = max(owners, key=len) if owners else ".".join(change.key.split(".")[:2])
        groups.setdefault(owner, []).append(change)
    return groups


def correlations_section(scenario: Scenario) -> str:
    """The rank correlations between drivers, by their labels."""
    if not scenario.correlations:
        return "<p>The drivers are drawn independently: the scenario states no correlations.</p>"
    names = {n: d.label for n, d in scenario.drivers.items()}
    rows = [
        [
            escape(names.get(c.between[0], c.between[0])),
            escape(names.get(c.between[1], c.between[1])),
            f"{c.rho:+.2f}",
            escape(c.note),
        ]
        for c in scenario.correlations
    ]
    return table(
        ["driver", "with", "rank correlation", "why"],
        rows,
        css="stack",
        caption="Correlations between drivers (Spearman, through a Gaussian copula)",
    )


def assumptions_table(scenario: Scenario, result: Result, register: Register | None) -> str:
    """Every random input: what it is, its distribution, as sampled, and the facts it cites."""
    known = register.citations() if register is not None else {}
    sampled = {i.key: i for i in result.inputs}
    labels = input_labels(scenario)
    rows = []
    for entry in entries(scenario):
        summary = sampled.get(entry.stream)
        extra = _detail(entry.spec)
        facts = _fact_links(entry.evidence, known)
        note = f'<br><span class="muted small">{escape(entry.note)}</span>' if entry.note else ""
        rows.append(
            [
                f'<strong title="{escape(entry.path)}">{escape(labels[entry.stream])}</strong>'
                + note,
                escape(_spec(entry.dist) + (f"; {extra}" if extra else "")),
                escape(f"{summary.p05:.3g}, {summary.p50:.3g}, {summary.p95:.3g}")
                if summary is not None
                else "",
                facts or '<span class="muted">none</span>',
            ]
        )
    return table(
        ["assumption", "distribution", "as sampled: 5th, 50th, 95th", "facts"],
        rows,
        css="stack",
    )


def _fact_links(refs: Sequence[str], known: dict[str, tuple[Source, Fact]]) -> str:
    """``source: fact, fact; source: fact``, each fact linked to its place under its source."""
    by_source: dict[str, list[str]] = {}
    for ref in refs:
        source, _, fact = ref.partition("/")
        link = (
            f'<a href="#{_anchor("fact", ref)}">{escape(fact)}</a>'
            if ref in known
            else f"<code>{escape(fact)}</code>"
        )
        by_source.setdefault(source, []).append(link)
    return "; ".join(
        f'<span class="muted">{escape(source)}:</span> {", ".join(links)}'
        for source, links in by_source.items()
    )


def sources_section(scenario: Scenario, register: Register | None) -> str:
    """The documents behind the cited facts, each once, with the facts cited from it."""
    cited: dict[str, list[str]] = {}
    labels = path_labels(scenario)
    for entry in entries(scenario):
        for ref in entry.evidence:
            cited.setdefault(ref, []).append(labels[entry.path])
    if not cited:
        return "<p>The scenario cites no facts.</p>"
    known = register.citations() if register is not None else {}
    missing = [ref for ref in cited if ref not in known]
    by_source: dict[str, tuple[Source, list[str]]] = {}
    for ref in cited:
        if ref in known:
            source = known[ref][0]
            by_source.setdefault(source.id, (source, []))[1].append(ref)
    blocks = [_source(source, refs, known, cited) for source, refs in by_source.values()]
    unnamed = any(s.outlet == UNNAMED_OUTLET for s, _ in by_source.values())
    notes = (
        '<p class="muted small">Where no outlet is given, the document does not name one.</p>'
        if unnamed
        else ""
    )
    if missing:
        notes += (
            f'<p class="muted small">{len(missing)} cited fact(s) could not be looked up '
            "(no evidence register holds them): "
            + ", ".join(f"<code>{escape(r)}</code>" for r in missing)
            + ".</p>"
        )
    return notes + '<div class="sources">' + "".join(blocks) + "</div>"


def _source(
    source: Source,
    refs: list[str],
    known: dict[str, tuple[Source, Fact]],
    cited: dict[str, list[str]],
) -> str:
    where = [] if source.outlet == UNNAMED_OUTLET else [source.outlet]
    where.append(f"{source.published:%B %Y}")
    items = []
    for ref in refs:
        fact = known[ref][1]
        figures = ", ".join(f"{k} = {v:g}" for k, v in fact.figures.items())
        items.append(
            f'<li id="{_anchor("fact", ref)}"><code>{escape(ref)}</code>: '
            f"{escape(fact.claim)}"
            + (f' <span class="muted">({escape(figures)})</span>' if figures else "")
            + f' <span class="muted small cited">Cited for: {escape("; ".join(cited[ref]))}.</span>'
            "</li>"
        )
    return (
        f'<div><h3 id="{_anchor("source", source.id)}">{escape(source.title)}</h3>'
        f'<p class="muted small"><code>{escape(source.id)}</code> · {escape(", ".join(where))}</p>'
        f'<ul class="facts">{"".join(items)}</ul></div>'
    )
