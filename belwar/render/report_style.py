"""The HTML report's stylesheet, inlined into the page (it makes no request): readable at 1280 px,
tables that scroll or stack instead of overflowing a 420 px phone, the Okabe-Ito colours of
:mod:`belwar.render.palette`, and print rules that fit the report on a few A4 pages."""

from __future__ import annotations

from belwar.render import palette

STYLE = f"""
:root {{ --accent: {palette.BLUE}; --raises: {palette.VERMILLION}; --lowers: {palette.BLUE};
        --muted: #595959; --rule: #d9d9d9; --tint: #f3f6f9; }}
* {{ box-sizing: border-box; }}
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem auto;
       max-width: 72rem; color: #1b1b1b; line-height: 1.45; padding: 0 1rem; }}
section > p, .summary > p, h1 + p + p {{ max-width: 52rem; }}
h1 {{ font-size: 1.6rem; margin: 0 0 0.2rem; }}
h2 {{ margin: 2rem 0 0.6rem; font-size: 1.25rem; border-bottom: 2px solid var(--accent);
     padding-bottom: 0.2rem; }}
h3 {{ font-size: 1.02rem; margin: 1.2rem 0 0.3rem; }}
p {{ margin: 0.4rem 0; }}
.muted {{ color: var(--muted); }} .small {{ font-size: 0.88em; }}
code {{ font-size: 0.85em; overflow-wrap: anywhere; }}
a {{ color: var(--accent); }}
.raises {{ color: var(--raises); font-weight: 600; }}
.lowers {{ color: var(--lowers); font-weight: 600; }}
.summary {{ background: var(--tint); border-left: 4px solid var(--accent);
            padding: 0.6rem 1rem; margin: 1rem 0; }}
.warning {{ border-left: 4px solid var(--raises); padding: 0.2rem 0.6rem; background: #fff4ec; }}
.summary ul {{ margin: 0.3rem 0; padding-left: 1.2rem; }}
nav.toc ol {{ columns: 2 14rem; margin: 0.3rem 0; padding-left: 1.4rem; }}
.scroll {{ overflow-x: auto; max-width: 100%; }}
table.belwar {{ border-collapse: collapse; margin: 0.6rem 0; width: 100%; font-size: 0.9em; }}
table.belwar caption, p.caption {{ text-align: left; font-weight: 600; padding: 0.3rem 0; }}
p.caption {{ margin: 0.8rem 0 0; break-after: avoid; }}
table.belwar th, table.belwar td {{ border-bottom: 1px solid var(--rule); padding: 0.25rem 0.45rem;
    text-align: left; vertical-align: top; overflow-wrap: break-word; }}
.pct {{ white-space: nowrap; }}
table.belwar th {{ background: #efefef; }}
table.belwar td.num, table.belwar th.num {{ text-align: right; white-space: nowrap; }}
figure {{ margin: 0.8rem 0; }}
figure svg {{ width: 100%; max-width: 56rem; height: auto; display: block; margin: 0 auto; }}
figcaption {{ font-size: 0.88em; }}
ul.facts {{ margin: 0.2rem 0 0.6rem; padding-left: 1.2rem; font-size: 0.92em; }}
ul.facts li {{ margin: 0.15rem 0; }}
@media (max-width: 40rem) {{
  body {{ padding: 0 0.6rem; }}
  .summary {{ padding: 0.4rem 0.5rem; }}
  table.belwar th, table.belwar td {{ padding: 0.2rem 0.3rem; }}
  table.stack, table.stack tbody, table.stack tr, table.stack td {{ display: block; width: 100%; }}
  table.stack thead {{ display: none; }}
  table.stack tr {{ border-bottom: 1px solid var(--rule); padding: 0.3rem 0; }}
  table.stack td {{ border: none; padding: 0.1rem 0.2rem; }}
  table.stack td[data-head]::before {{ content: attr(data-head) ": "; color: var(--muted); }}
  table.stack td:first-child::before {{ content: none; }}
}}
@page {{ size: A4; margin: 10mm 11mm; }}
@media print {{
  body {{ margin: 0; max-width: none; font-size: 8.5pt; line-height: 1.28; padding: 0; }}
  nav.toc {{ display: none; }}
  h1 {{ font-size: 15pt; }} h2 {{ font-size: 12pt; margin: 0.9rem 0 0.3rem; break-after: avoid; }}
  h3 {{ font-size: 10pt; margin: 0.5rem 0 0.2rem; break-after: avoid; }}
  table.belwar {{ font-size: 8pt; margin: 0.3rem 0; }}
  table.belwar th, table.belwar td {{ padding: 0.1rem 0.3rem; }}
  figure {{ break-inside: avoid; margin: 0.3rem auto; }}
  figure svg {{ max-height: 7.5cm; width: auto; max-width: 100%; margin: 0 auto; }}
  tr, .summary {{ break-inside: avoid; }}
  ul.facts {{ font-size: 8pt; }}
  .cited {{ display: none; }}
  .sources {{ columns: 2; column-gap: 1.2rem; }}
  .sources > div {{ break-inside: avoid; }}
  a {{ color: inherit; text-decoration: none; }}
}}
"""
