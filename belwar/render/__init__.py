"""Every output format: tables (rich, markdown, HTML, CSV), charts, the HTML report and atomic
writes. It renders results and never computes."""
