"""One writer per output folder, swaps that finish, --force that replaces only ours,
and CSV cells Excel cannot run whichever separator it splits on. See docs/security.md.

Real runs in subprocesses, real locks, real signals and real FIFOs.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.writers.folder import LOCK, finish_swap, out_lock, signals_held
from tests.test_reliability import CONTACTS, check_out, mkbcopy, one_error_line


def big_list(path: Path, rows: int) -> Path:
    lines = [f"Naam{i};p{i}@example.nl;{20 + i % 40};mbo;werkend" for i in range(rows)]
    path.write_text(CONTACTS + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_second_batch_into_the_same_folder_is_refused_and_the_first_completes(
    tmp_path: Path,
) -> None:
    contacts = big_list(tmp_path / "c.csv", 6_000)
    out = tmp_path / "mailing"
    # The first run holds the folder's lock (a real flock); batch is too fast at 6,000
    # contacts for a second process to be started reliably while the first one writes.
    with out_lock(out):
        second = mkbcopy("batch", str(contacts), "--example", "-o", str(out), "--per-recipient")
        _, err = second.communicate(timeout=120)
    assert second.returncode == 1, err
    assert err.decode().count("\n") == 1 and b"another mkbcopy run is writing" in err
    first = mkbcopy("batch", str(contacts), "--example", "-o", str(out), "--per-recipient")
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    manifest = check_out(out)
    assert manifest["complete"] is True
    recipients = len(list((out / "recipients").iterdir()))
    assert recipients == manifest["report"]["recipients"] == 6_003  # type: ignore[index]
    for name in ("drafts.mbox", "rejects.csv", "report.json", "segments"):
        assert (out / name).exists(), name
    assert not (out / LOCK).exists()


def test_generate_refuses_a_folder_another_run_holds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with out_lock(out):  # a real flock, as another process would hold it
        result = CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(out)])
        one_error_line(result, str(out), "another mkbcopy run", "choose another --out")
        assert list(out.iterdir()) == [out / LOCK]
    assert list(out.iterdir()) == []
    assert CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(out)]).exit_code == 0


def test_two_generates_started_together_never_both_claim_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runs = [mkbcopy("generate", "-o", str(out), "--no-lint") for _ in range(2)]
    results = [(proc.communicate(timeout=300), proc.returncode) for proc in runs]
    codes = sorted(code for _, code in results)
    assert codes in ([0, 0], [0, 1]), results
    manifest = check_out(out)
    assert manifest["complete"] is True
    listed = {e["path"] for e in manifest["files"]}  # type: ignore[attr-defined]
    on_disk = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert on_disk == listed | {"manifest.json"}
    again = CliRunner().invoke(app, ["generate", "-o", str(out), "--no-lint"])
    assert again.exit_code == 0, again.stderr


def test_signals_are_held_over_a_swap_and_raised_after_it() -> None:
    done = []
    with pytest.raises(KeyboardInterrupt), signals_held():
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGTERM)
        done.append("renamed")
    assert done == ["renamed"]


def test_a_swap_stopped_half_way_is_finished_by_the_next_run(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out, newer = tmp_path / "mailing", tmp_path / "newer"
    args = ["batch", str(contacts), "--example", "--per-recipient", "-o"]
    assert CliRunner().invoke(app, [*args, str(out)]).exit_code == 0
    assert CliRunner().invoke(app, [*args, str(newer), "--merge-tags", "plain"]).exit_code == 0
    # What SIGKILL leaves between two renames: segments moved away, its new one not in yet.
    work = out / ".batch-k2_j3h4g"
    work.mkdir()
    for name in ("segments", "recipients", "drafts.mbox", "rejects.csv", "report.json"):
        shutil.move(newer / name, work / name)
    (work / ".replaced").mkdir()
    os.replace(out / "segments", work / ".replaced" / "segments")
    os.replace(work / "rejects.csv", out / "rejects.csv")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest |= {"swap": work.name, "complete": False}
    (out / "manifest.json").write_text(json.dumps(manifest))
    note = finish_swap(out)
    assert note is not None and "finished moving in" in note
    finished = check_out(out)
    assert finished["complete"] is True and "swap" not in finished
    assert "*|FNAME|*" not in (next((out / "segments").rglob("email.txt"))).read_text()
    assert len(list((out / "recipients").iterdir())) == 3


def test_the_next_batch_says_it_finished_an_interrupted_swap(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "mailing"
    args = ["batch", str(contacts), "--example", "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    work = out / ".batch-abcdefgh"
    work.mkdir()
    shutil.copytree(out / "segments", work / "segments")
    manifest = json.loads((out / "manifest.json").read_text())
    (out / "manifest.json").write_text(json.dumps(manifest | {"swap": work.name}))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "finished moving in" in result.stderr
    assert check_out(out)["complete"] is True and not work.exists()


def test_batch_force_never_replaces_a_segments_folder_of_the_users(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "mailing"
    (out / "segments").mkdir(parents=True)
    (out / "segments" / "mijn-plan.docx").write_text("precious")
    result = CliRunner().invoke(
        app, ["batch", str(contacts), "--example", "-o", str(out), "--force"]
    )
    one_error_line(result, "'segments' was not written by mkbcopy", "move it away")
    assert (out / "segments" / "mijn-plan.docx").read_text() == "precious"
    (out / "notities.txt").write_text("mine")  # beside the outputs: --force writes anyway
    shutil.rmtree(out / "segments")
    assert (
        CliRunner()
        .invoke(app, ["batch", str(contacts), "--example", "-o", str(out), "--force"])
        .exit_code
        == 0
    )
    assert (out / "notities.txt").read_text() == "mine"


def test_generate_force_never_replaces_a_users_file_at_a_draft_path(tmp_path: Path) -> None:
    out = tmp_path / "out"
    target = out / "nieuwsgierige-student" / "x.txt"
    target.parent.mkdir(parents=True)
    target.write_text("precious")
    result = CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(out), "--force"])
    one_error_line(result, "nieuwsgierige-student/x.txt' was not written by mkbcopy")
    assert target.read_text() == "precious"


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_segment_force_never_replaces_a_device_or_fifo(tmp_path: Path, kind: str) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    if kind == "fifo":
        target = tmp_path / "pipe.csv"
        os.mkfifo(target)
    else:
        target = Path("/dev/null")
    args = ["segment", str(contacts), "--out", str(target), "--force"]
    one_error_line(CliRunner().invoke(app, args), str(target), "not a regular file")
    assert not target.is_file() and not target.is_symlink()


def test_generate_force_never_replaces_a_fifo_at_a_draft_path(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(out)]).exit_code == 0
    target = out / "nieuwsgierige-student" / "x.txt"
    target.unlink()
    os.mkfifo(target)
    result = CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(out), "--force"])
    one_error_line(result, "is not a regular file")
    assert not target.is_file()


# ---------------------------------------------------------------- Excel, both separators

HOSTILE = "Voornaam,E-mailadres,Leeftijd,Opleidingsniveau,Werksituatie,Notitie\n" + "".join(
    f'"Jan{i}",jan{i}@example.nl,30,mbo,werkend,"{cell}"\n'
    for i, cell in enumerate(["Jan;=1+1", "a;+cmd", "x;-2", "y;@SUM(1)", "z,=2", "ok;\t=3"])
)


def _cells_as_excel_splits(text: str) -> list[str]:
    cells: list[str] = []
    for separator in (",", ";"):
        for row in csv.reader(io.StringIO(text), delimiter=separator):
            cells += row
    return cells


def test_no_cell_starts_a_formula_whichever_separator_excel_uses(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(HOSTILE, encoding="utf-8")
    out = tmp_path / "lijst.csv"
    assert CliRunner().invoke(app, ["segment", str(contacts), "--out", str(out)]).exit_code == 0
    batch = tmp_path / "mailing"
    assert (
        CliRunner().invoke(app, ["batch", str(contacts), "--example", "-o", str(batch)]).exit_code
        == 0
    )
    written = [out, *batch.rglob("*.csv")]
    assert len(written) >= 3
    for path in written:
        for cell in _cells_as_excel_splits(path.read_text(encoding="utf-8-sig")):
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), (path, cell)
    assert "Jan;'=1+1" in out.read_text(encoding="utf-8-sig")


def test_a_file_of_the_users_in_an_earlier_batchs_folders_is_never_replaced(
    tmp_path: Path,
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "mailing"
    args = ["batch", str(contacts), "--example", "-o", str(out), "--per-recipient"]
    assert CliRunner().invoke(app, args).exit_code == 0
    for rel in ("segments/mijn-notities.txt", "recipients/lees-mij.txt"):
        mine = out / rel
        mine.write_text("precious")
        for force in ([], ["--force"]):
            result = CliRunner().invoke(app, [*args, *force])
            one_error_line(result, rel, "was not written by mkbcopy", "move it away")
        assert mine.read_text() == "precious"
        mine.unlink()
    assert CliRunner().invoke(app, args).exit_code == 0
