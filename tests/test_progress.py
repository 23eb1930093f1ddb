"""Progress on a terminal: shown only to a person watching, never in captured output."""

import io
import re

import pytest

from netgraph.progress import SILENT, Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_each_stage_shows_its_name_size_and_time_on_a_terminal():
    terminal = Terminal()
    progress = Progress.on(terminal)
    with progress.stage("loading"):
        pass
    with progress.stage("validating", 100_042):
        pass
    lines = terminal.getvalue().split("\n")
    assert re.fullmatch(r"\[ +\d+\.\d s\] loading … \d+\.\d s", lines[0])
    assert re.fullmatch(r"\[ +\d+\.\d s\] validating \(100,042 triples\) … \d+\.\d s", lines[1])
    assert lines[2:] == [""]


def test_a_failing_stage_ends_its_line_so_the_error_starts_on_its_own():
    terminal = Terminal()
    with pytest.raises(ValueError), Progress.on(terminal).stage("writing", 5):
        raise ValueError("disk full")
    assert re.fullmatch(r"\[ +\d+\.\d s\] writing \(5 triples\) …\n", terminal.getvalue())


@pytest.mark.parametrize(
    ("stream", "quiet"), [(io.StringIO(), False), (Terminal(), True)], ids=["not a tty", "quiet"]
)
def test_nothing_is_shown_off_a_terminal_or_with_quiet(stream: io.StringIO, quiet: bool):
    with Progress.on(stream, quiet).stage("validating", 10):
        pass
    assert stream.getvalue() == ""


def test_silent_progress_runs_the_stage_all_the_same():
    ran = []
    with SILENT.stage("reasoning", 3):
        ran.append(True)
    assert ran == [True]


def test_the_commands_show_progress_on_a_terminal_only(
    run_cli, fixture_root, monkeypatch, tmp_path
):
    """CliRunner's stderr is no terminal: the output the other tests compare stays as it was;
    made a terminal, the same command shows its stages there, and --quiet hides them."""
    plain = run_cli("validate", "--root", fixture_root)
    assert "validating" not in plain.stderr
    shown: list[Terminal] = []

    def on_terminal(stream, quiet=False):
        shown.append(Terminal())
        return Progress(None if quiet else shown[-1])

    monkeypatch.setattr(Progress, "on", staticmethod(on_terminal))
    assert run_cli("build", "--root", fixture_root, "--out", tmp_path / "out").exit_code == 0
    stages = re.findall(r"\] (\w+)", shown[-1].getvalue())
    assert stages == ["loading", "validating", "reasoning", "writing"]
    assert run_cli("validate", "--root", fixture_root, "--quiet").exit_code == 0
    assert shown[-1].getvalue() == ""
