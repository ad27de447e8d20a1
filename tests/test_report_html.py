"""The HTML report: its content, and the page opened in a real headless browser."""

from __future__ import annotations

import re
import shutil
import zlib
from pathlib import Path

import pytest

from belwar import cli

from .conftest import TESTS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]  # the first is Playwright's to give; the rest keep Chromium off the closed network


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    valid = TESTS / "data" / "valid.yaml"
    other = out.parent / "other.yaml"
    other.write_text(valid.read_text().replace("mode: 0.5, max: 0.9", "mode: 0.8, max: 0.9"))
    argv = [
        "report",
        str(valid),
        "--register",
        str(TESTS / "data" / "register"),
        "--compare",
        str(other),
        "-n",
        "5000",
        "-o",
        str(out),
    ]
    assert cli.run(argv) == 0
    return out


def test_report_is_self_contained(report_file: Path) -> None:
    html = report_file.read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 3  # fan chart, tornado, diff chart
    for needle in ("<script", "<link", "src=", "@import"):
        assert needle not in html
    assert not re.search(r"url\((?!#)", html)  # only in-page references such as url(#clip1)
    assert "test-source/poll-troops" in html  # the evidence behind an assumption
    assert "A made-up poll put support for sending troops at one in eight." in html
    assert "Compared with" in html
    assert "fingerprint" in html


def _png_pixels_vary(png: bytes) -> bool:
    """Whether a screenshot is more than a blank page: many distinct byte values in its pixel
    data, and more than 2% of them not white."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    data, i = b"", 8
    while i < len(png):
        length = int.from_bytes(png[i : i + 4], "big")
        kind = png[i + 4 : i + 8]
        if kind == b"IDAT":
            data += png[i + 8 : i + 8 + length]
        i += 12 + length
    pixels = zlib.decompress(data)
    return len(set(pixels)) > 50 and pixels.count(255) < 0.98 * len(pixels)


@pytest.mark.skipif(CHROMIUM is None, reason=".ci/run installs Debian's chromium; not found")
def test_report_renders_in_a_real_browser(report_file: Path, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - heavy, needs a browser

    assert CHROMIUM is not None
    requested: list[str] = []
    failed: list[str] = []
    shot = tmp_path / "shot.png"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS[1:])
        page = browser.new_page(viewport={"width": 1200, "height": 1600})
        page.on("request", lambda request: requested.append(request.url))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(report_file.as_uri())
        svg_count = page.locator("figure svg").count()
        tables = page.locator("table.belwar").count()
        first_cell = page.locator("table.belwar td").first.inner_text()
        likelihood = page.locator("#likelihood table.belwar td").first.inner_text()
        chart_box = page.locator("figure svg").first.bounding_box()
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    assert requested == [report_file.as_uri()]  # the page itself and nothing else
    assert failed == []
    assert svg_count == 3
    assert tables >= 5
    assert first_cell == "Joint grouping and Russian strategic systems"  # the summary opens
    assert likelihood.startswith("deeper_integration")
    assert chart_box is not None
    assert chart_box["width"] > 400
    assert chart_box["height"] > 200
    assert _png_pixels_vary(shot.read_bytes())


@pytest.mark.skipif(CHROMIUM is None, reason=".ci/run installs Debian's chromium; not found")
def test_report_fits_a_phone_and_prints_in_a_few_pages(report_file: Path, tmp_path: Path) -> None:
    """At 420 px nothing pushes the page wider than the screen (wide tables scroll inside
    their own container) and no chart title runs out of its chart; printed to A4 it takes a
    few pages."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - heavy, needs a browser

    assert CHROMIUM is not None
    pdf = tmp_path / "report.pdf"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS[1:])
        page = browser.new_page(viewport={"width": 420, "height": 900})
        page.goto(report_file.as_uri())
        page_width = page.evaluate("document.documentElement.scrollWidth")
        loose = page.evaluate(
            """Array.from(document.querySelectorAll('body > *, section > *'))
                 .filter(e => e.getBoundingClientRect().right > 421).length"""
        )
        page.pdf(path=str(pdf), format="A4")
        browser.close()
    assert page_width <= 420
    assert loose == 0
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 1 <= pages <= 6


def test_report_opens_with_a_summary_and_contents(report_file: Path) -> None:
    html = report_file.read_text()
    summary = html.index('id="summary"')
    assert summary < html.index('class="toc"') < html.index('id="likelihood"')
    for section in ("likelihood", "tornado", "assumptions", "compared-1", "evidence"):
        assert f'href="#{section}"' in html  # the table of contents links every section
    head = html[summary : html.index('class="toc"')]
    assert "What moves it most" in head
    assert "Against the compared scenarios" in head
    assert "<code>example</code></a> differs in 1 assumption" in head
    # the other scenario raises Kremlin pressure: its change is drawn as other minus this, +
    assert re.search(r"\(\+\d+\.\d+ points\)", head)
    assert "#D55E00" in html  # Okabe-Ito vermillion, for what raises the risk
    for colour in ("#d62728", "#2ca02c"):  # matplotlib's default red and green
        assert colour not in html.lower()


def test_report_shows_user_text_as_text(tmp_path: Path) -> None:
    """Markup, HTML, terminal escapes and TeX in a title, a label and a note reach the page
    as the text the user wrote: escaped, never as tags, control bytes or mathtext."""
    valid = (TESTS / "data" / "valid.yaml").read_text()
    hostile = (
        valid.replace(
            "title: A small worked example",
            'title: "<script>alert(1)</script> [bold]x[/] \\e[2J costs $\\\\frac$"',
        )
        .replace("label: Limited direct involvement", 'label: "<b>bold</b> & co"')
        .replace("unit: share of adults", 'unit: share\n    note: "<img src=x onerror=alert(2)>"')
    )
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(hostile)
    out = tmp_path / "report.html"
    argv = ["report", str(scenario), "--register", str(TESTS / "data" / "register")]
    assert cli.run([*argv, "-n", "2000", "-o", str(out)]) == 0
    html = out.read_text()
    for raw in ("<script>alert", "<b>bold", "<img src", "\x1b"):
        assert raw not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/] \\x1b[2J costs $\\frac$" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_report_says_what_the_scenario_extends_and_changes(tmp_path: Path) -> None:
    """A child scenario's report names its parent, lists the one assumption it changes (by
    label, with the old and new values) and shows the correlations it inherits."""
    shutil.copy(TESTS / "data" / "valid.yaml", tmp_path / "parent.yaml")
    (tmp_path / "child.yaml").write_text(
        "extends: parent.yaml\nid: child\ntitle: Harder pressure\n"
        "drivers:\n  kremlin_pressure:\n    dist: {type: pert, min: 0.2, mode: 0.8, max: 0.9}\n"
    )
    out = tmp_path / "child.html"
    argv = ["report", str(tmp_path / "child.yaml"), "--register", str(TESTS / "data" / "register")]
    assert cli.run([*argv, "-n", "2000", "-o", str(out)]) == 0
    html = out.read_text()
    assert "extends <code>parent.yaml</code>" in html
    assert "changes 1 assumption: Kremlin pressure on Minsk to commit troops" in html
    assert "<code>dist.mode</code> 0.5 → 0.8" in html
    changed = html[html.index("parent → this scenario") :].split("</table>")[0]
    assert changed.count("<tr>") == 1  # the id and title differ too, but assume nothing
    correlations = html[html.index("Correlations between drivers") :].split("</table>")[0]
    assert "Share of Belarusians against sending troops" in correlations
    assert "+0.20" in correlations
    assert html.count("not named in the document") <= 1
