"""A small git repository built in a test: scenario files committed one change at a time, with
fixed dates, so revisions and their order are known."""

from __future__ import annotations

import os
import subprocess
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

SMALL = {
    "id": "small",
    "title": "A small scenario kept in git",
    "as_of": date(2022, 4, 15),
    "simulation": {"samples": 4000, "seed": 5, "horizon_months": 12, "report_months": [6, 12]},
    "ladder": {
        "rungs": [
            {"id": "calm", "label": "Calm"},
            {"id": "step", "label": "A step up"},
            {"id": "war", "label": "War"},
        ]
    },
    "drivers": {
        "pressure": {
            "label": "Pressure",
            "unit": "index",
            "range": [0, 1],
            "reference": 0.5,
            "dist": {"type": "pert", "min": 0.2, "mode": 0.5, "max": 0.9},
        }
    },
    "hazards": {
        "step": {
            "base": {"type": "beta", "ci90": [0.02, 0.08]},
            "odds_ratios": {
                "pressure": {"per": 0.1, "dist": {"type": "lognormal", "ci90": [1.1, 1.4]}}
            },
        },
        "war": {"base": 0.004},
    },
}


def write_yaml(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        YAML(typ="safe", pure=True).dump(data, handle)


class Repo:
    """A git repository in ``folder``; :meth:`commit` records every change with a fixed date."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        day = f"2024-01-{1 + self.count:02d}T12:00:00+00:00"
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Analyst",
            "GIT_AUTHOR_EMAIL": "analyst@example.org",
            "GIT_COMMITTER_NAME": "Analyst",
            "GIT_COMMITTER_EMAIL": "analyst@example.org",
            "GIT_AUTHOR_DATE": day,
            "GIT_COMMITTER_DATE": day,
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        done = subprocess.run(
            ["git", "-C", str(self.folder), *args],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        return done.stdout.strip()

    def commit(self, message: str, files: dict[str, object]) -> str:
        """Write ``files`` (path: YAML data) and commit them; returns the commit's hash."""
        for name, data in files.items():
            write_yaml(self.folder / name, data)
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        self.count += 1
        return self.git("rev-parse", "HEAD")
