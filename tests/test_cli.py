"""The command line: exit codes, help, and each command's output as a user sees it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import belwar
from belwar import cli
from belwar.errors import InputError, input_error
from belwar.results.run import Result
from belwar.run.batch import run_many
from belwar.spec.loader import load_register

from .conftest import SCENARIOS, TESTS

REGISTER = str(TESTS / "data" / "register")
VALID = str(TESTS / "data" / "valid.yaml")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith(f"belwar {belwar.__version__}")


def test_help_groups_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for text in ("Check scenarios", "Evidence", "validate", "schema", "sources"):
        assert text in out


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["report"],
        ["run-many"],
        ["diff"],
        ["sweep"],
        ["sensitivity"],
        ["validate"],
        ["schema"],
        ["sources"],
    ],
)
def test_help_shows_no_type_labels(capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    """Flags take no value, and every other option names its own (N, FILE, ...), so no option
    shows typer's type labels such as <bool>."""
    code, out, _ = run(capsys, *command, "--help")
    assert code == 0
    options = [line for line in out.splitlines() if line.lstrip("│ *").startswith("-")]
    assert any("Show this message and exit." in line for line in options)
    assert not [line for line in options if "<" in line]


def test_validate_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "--register", REGISTER, VALID)
    assert code == 0
    assert "ok (example" in out


def test_validate_lists_every_problem_and_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(TESTS / "errors" / "misspelt-key.yaml")
    code, out, err = run(capsys, "validate", "--register", REGISTER, VALID, bad)
    assert code == 1
    assert "unknown key 'referenc'; did you mean 'reference'?" in out
    assert "2 files checked: 1 ok, 1 with problems" in out
    assert "Traceback" not in out + err


def test_validate_missing_file_is_a_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "no/such/file.yaml")
    assert code == 1
    assert "no/such/file.yaml: no such file" in out


def test_validate_with_bad_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "validate", "--register", REGISTER, "--set", "ladder.start=top", VALID
    )
    assert code == 1
    assert "--set ladder.start=top: ladder.start: unknown rung 'top'" in out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "no-such-command")
    assert code == 2
    assert "No such command" in err


def test_schema_to_stdout_and_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    target = tmp_path / "schema.json"
    target.write_text("old content")
    assert run(capsys, "schema", "--output", str(target))[0] == 0
    assert target.read_text() == out
    assert [p.name for p in tmp_path.iterdir()] == ["schema.json"]  # no temporary files left


def test_schema_into_missing_folder_is_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "schema", "--output", str(tmp_path / "nope" / "schema.json"))
    assert code == 2
    assert "does not exist" in err


def test_sources_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources", "--register", REGISTER)
    assert code == 0
    assert "test-source/poll-troops" in out
    assert "support_sending_troops" in out
    assert "0.13" in out


def test_sources_filtered_by_driver(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources", "--register", REGISTER, "--driver", "kremlin_pressure")
    assert code == 0
    assert "test-source/pressure" in out
    assert "test-source/poll-troops" not in out


def test_sources_unknown_driver_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "sources", "--register", REGISTER, "--driver", "kremlin_presure")
    assert code == 2
    assert "did you mean 'kremlin_pressure'?" in err


def test_sources_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sources", "--register", REGISTER, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["sources"][0]["facts"][0]["figures"] == {"support_sending_troops": 0.13}


def test_internal_error_exits_3_with_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("belwar.spec.editor_schema.scenario_schema_text", broken)
    code, _, err = run(capsys, "schema")
    assert code == 3
    assert "internal error (RuntimeError: boom)" in err
    assert "please report it" in err


def test_interrupt_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("belwar.spec.editor_schema.scenario_schema_text", interrupted)
    assert run(capsys, "schema")[0] == 130


def test_console_script_runs_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "belwar", "validate", "--register", REGISTER, VALID],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "ok (example" in result.stdout


def test_run_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "run", "--register", REGISTER, "--samples", "2000", VALID)
    assert code == 0
    for text in ("deeper_integration", "by month 12", "Highest rung reached", "Drivers as sampled"):
        assert text in out
    assert "seed 7" in out
    assert err == ""  # no progress bar when stderr is not a terminal


def test_run_json_is_tidy_and_pipes_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "run", "--register", REGISTER, "-n", "2000", "-f", "json", VALID)
    assert code == 0
    data = json.loads(out)
    assert data["metadata"]["samples"] == 2000
    assert "\x1b" not in out


def test_run_csv_months_and_seed(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "--register", REGISTER, "-n", "2000", "-f", "csv", "--months", "1,2", VALID]
    code, out, _ = run(capsys, *argv, "--seed", "3")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "rung,month,p,mcse,p05,p50,p95,words"
    assert len(lines) == 1 + 3 * 2
    assert {line.split(",")[1] for line in lines[1:]} == {"1", "2"}
    assert run(capsys, *argv, "--seed", "3")[1] == out  # same seed, same digits
    assert run(capsys, *argv, "--seed", "4")[1] != out


def test_run_output_file_is_written_atomically(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "result.json"
    argv = ["run", "--register", REGISTER, "-n", "2000", "-f", "json", "-o", str(target), VALID]
    code, out, err = run(capsys, *argv)
    assert code == 0
    assert out == ""
    assert f"wrote {target}" in err
    assert json.loads(target.read_text())["format"] == "belwar-result"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_run_bad_options_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", "--register", REGISTER, "-f", "jsn", VALID)
    assert code == 2
    assert "did you mean 'json'?" in err
    code, _, err = run(capsys, "run", "--register", REGISTER, "--months", "3,99", VALID)
    assert code == 2
    assert "--months: must lie between 1 and the horizon (12), got 3,99" in err
    code, _, err = run(capsys, "run", "--register", REGISTER, "--months", "three", VALID)
    assert code == 2


def test_run_bad_scenario_exits_2_without_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    bad = str(TESTS / "errors" / "ci90-reversed.yaml")
    code, out, err = run(capsys, "run", "--register", REGISTER, bad)
    assert code == 2
    assert "low must be below high" in err
    assert "Traceback" not in err
    assert out == ""


def test_run_many_writes_one_result_each(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    text = Path(VALID).read_text()
    (folder / "a.yaml").write_text(text)
    (folder / "b.yaml").write_text(text.replace("id: example", "id: other"))
    out = tmp_path / "results" / "today"  # made on demand
    argv = [
        "run-many",
        str(folder),
        "-o",
        str(out),
        "-n",
        "3000",
        "-j",
        "2",
        "--register",
        REGISTER,
    ]
    code, stdout, err = run(capsys, *argv)
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["example.json", "other.json"]
    assert "example" in stdout
    assert "other" in stdout
    # each file holds what a plain run of that scenario gives
    saved = json.loads((out / "example.json").read_text())
    argv = ["run", str(folder / "a.yaml"), "-n", "3000", "-f", "json", "--register", REGISTER]
    code, stdout, _ = run(capsys, *argv)
    assert code == 0
    assert saved["records"] == json.loads(stdout)["records"]


def test_run_many_stops_before_work_on_a_bad_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = TESTS / "errors" / "ci90-reversed.yaml"
    code, _, err = run(
        capsys, "run-many", VALID, str(bad), "-o", str(tmp_path), "--register", REGISTER
    )
    assert code == 2
    assert "low must be below high" in err
    assert list(tmp_path.iterdir()) == []


# --- The error boundary (issue 11, items 2, 3, 22, 23) -------------------------------------------


def test_an_internal_error_invents_no_link(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("belwar.spec.editor_schema.scenario_schema_text", broken)
    code, _, err = run(capsys, "schema")
    assert code == 3
    assert "http" not in err  # the package declares no issue tracker
    assert f"belwar {belwar.__version__} (Python " in err
    assert "please report it, with the line above and the traceback" in err


def test_an_interrupt_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """typer turns KeyboardInterrupt into a silent exit code; the user must read why."""

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("belwar.spec.editor_schema.scenario_schema_text", interrupted)
    code, _, err = run(capsys, "schema")
    assert (code, err) == (130, "interrupted\n")


def test_flags_are_named_in_messages_about_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sweep", "--register", REGISTER, VALID, "--vary", "public_opposition=0.2:0.9:3"]
    code, _, err = run(capsys, *argv, "--threshold", "2")
    assert (code, err) == (2, "--threshold: must lie strictly between 0 and 1, got 2.0\n")
    code, _, err = run(capsys, "run", "--register", REGISTER, VALID, "--samples", "-4")
    assert (code, err) == (2, "--samples: must be at least 1, got -4\n")


def belwar_process(*argv: str, **options: object) -> subprocess.Popen[str]:
    process: subprocess.Popen[str] = subprocess.Popen(
        [sys.executable, "-m", "belwar", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,  # type: ignore[call-overload]
    )
    return process


def test_a_reader_that_leaves_early_is_a_normal_end() -> None:
    """``belwar run ... | head -c 10``: exit 0, nothing on stderr (no "Exception ignored")."""
    process = belwar_process("run", str(SCENARIOS / "baseline.yaml"), "-n", "2000", "-f", "json")
    assert process.stdout is not None
    process.stdout.close()  # the reader goes away before belwar writes
    _, err = process.communicate(timeout=120)
    assert (process.returncode, err) == (0, "")


def test_a_closed_stdout_is_like_dev_null() -> None:
    done = subprocess.run(
        [
            "/bin/sh",
            "-c",
            'exec "$0" -m belwar run "$1" -n 2000 -f json >&-',
            sys.executable,
            str(SCENARIOS / "baseline.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid``, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a deadline, not a sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _sigint_as_at_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


LONG = {
    "run": ["run", str(SCENARIOS / "baseline.yaml"), "-n", "50000000", "-j", "2", "-q"],
    "run-many": ["run-many", str(SCENARIOS), "-n", "5000000", "-j", "2", "-o", "{out}"],
}


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize(
    ("command", "how", "code", "said"),
    [
        ("run", signal.SIGINT, 130, "interrupted"),
        ("run-many", signal.SIGINT, 130, "interrupted"),
        ("run", signal.SIGTERM, 143, "terminated"),
        ("run-many", signal.SIGTERM, 143, "terminated"),
        ("run", signal.SIGKILL, -9, ""),
        ("run-many", signal.SIGKILL, -9, ""),
    ],
)
def test_interruption_is_prompt_and_leaves_no_workers(
    command: str, how: signal.Signals, code: int, said: str, tmp_path: Path
) -> None:
    """The real command line on two worker processes: Ctrl-C (to the whole process group, as
    a terminal sends it), SIGTERM or SIGKILL to the parent once its workers are running; it
    ends at once with its message and code, no traceback, and no worker outlives it."""
    argv = [arg.replace("{out}", str(tmp_path / "out")) for arg in LONG[command]]
    # Ctrl-C as at a terminal, whoever started the suite: a shell running it in the background
    # hands its children SIGINT ignored, and an ignored signal stays ignored across exec.
    process = belwar_process(*argv, start_new_session=True, preexec_fn=_sigint_as_at_a_terminal)
    try:
        assert wait_for(lambda: len(children(process.pid)) >= 2, 60), "no workers started"
        workers = children(process.pid)
        if how == signal.SIGINT:
            os.killpg(process.pid, how)
        else:
            os.kill(process.pid, how)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, err
    assert err.strip() == said
    assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), "workers left"
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


# --- run-many's output folder (item 12) ----------------------------------------------------------


def test_run_many_checks_its_folder_before_any_work(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_work(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("work started")

    monkeypatch.setattr("belwar.run.batch.map_ordered", no_work)
    (tmp_path / "file").write_text("")
    base = ["run-many", VALID, "--register", REGISTER, "-o"]
    code, _, err = run(capsys, *base, str(tmp_path / "file"))
    assert code == 2
    assert "is a file" in err
    with pytest.raises(InputError, match=r"^output_dir: .*/file is a file, not a folder$"):
        run_many([VALID], str(tmp_path / "file"), register=load_register(Path(REGISTER)))
    code, _, err = run(capsys, *base, str(tmp_path / "file" / "results"))
    assert code == 2
    assert "--output-dir: cannot make the folder" in err
    assert "a file stands where a folder on its path should be" in err


def test_run_many_says_what_it_wrote_when_writing_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "scenarios"
    folder.mkdir()
    text = Path(VALID).read_text()
    for name in ("a", "b", "c"):
        (folder / f"{name}.yaml").write_text(text.replace("id: example", f"id: {name}"))
    save = Result.save

    def full_disk(self: Result, path: str | os.PathLike[str]) -> None:
        if Path(path).name == "b.json":
            raise input_error("cannot write: No space left on device", file=str(path))
        save(self, path)

    monkeypatch.setattr(Result, "save", full_disk)
    out = tmp_path / "out"
    argv = [
        "run-many",
        str(folder),
        "-o",
        str(out),
        "-n",
        "2000",
        "-j",
        "1",
        "--register",
        REGISTER,
    ]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert err == (
        f"--output-dir: stopped writing results in {out}: cannot write b.json: cannot write: "
        "No space left on device. Written: a.json (1 of 3); not written: b.json, c.json\n"
    )
    assert sorted(p.name for p in out.iterdir()) == ["a.json"]


def test_a_killed_writers_temporary_is_cleaned_up_by_the_next_write(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """SIGKILL during the final write leaves ``.out.json.<pid>.<random>.tmp``; the next write
    of the same file removes it, and leaves a live writer's temporary alone."""
    gone = 2**22 + 1  # above Linux's largest process id: no such process
    stale = tmp_path / f".out.json.{gone}.k2j3h4.tmp"
    live = tmp_path / f".out.json.{os.getpid()}.a1b2c3.tmp"
    other = tmp_path / f".other.json.{gone}.x9y8z7.tmp"
    for path in (stale, live, other):
        path.write_text("{")
    target = tmp_path / "out.json"
    argv = ["run", "--register", REGISTER, "-n", "2000", "-f", "json", "-o", str(target), VALID]
    assert run(capsys, *argv)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name, "out.json"])
