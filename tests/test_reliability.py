"""Bad input never crashes mkbcopy, and mkbcopy never loses a user's data.

Through the real command line: YAML that is broken or hostile, runs interrupted with
a real SIGINT or killed with SIGKILL at random moments, output folders whose files
or folders are symbolic links, and files of 100 MB. See docs/security.md.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.research.brief import example_brief_path
from mkbcopy.research.yamlfile import MAX_NODES

# ---------------------------------------------------------------- helpers


def one_error_line(result: object, *needles: str) -> str:
    """Exit 1 and exactly one stderr line, `mkbcopy: error: ...`, holding every needle."""
    assert getattr(result, "exit_code", None) == 1, getattr(result, "output", result)
    stderr: str = getattr(result, "stderr", "")
    assert stderr.startswith("mkbcopy: error: "), stderr
    assert stderr.count("\n") == 1 and "Traceback" not in stderr, stderr
    for needle in needles:
        assert needle in stderr, (needle, stderr)
    return stderr


def check_whole(path: Path) -> None:
    """A file as its reader opens it: a .docx in python-docx, an .eml in the email package."""
    data = path.read_bytes()
    if path.suffix == ".docx":
        docx.Document(io.BytesIO(data))
    elif path.suffix in (".eml", ".mbox"):
        message = BytesParser(policy=default).parsebytes(data)
        if path.suffix == ".eml":
            assert not message.defects and message.get_body(("plain",)) is not None, path
    elif path.suffix == ".json":
        json.loads(data)
    elif path.suffix == ".html":
        HTMLParser().feed(data.decode("utf-8"))
    else:
        data.decode("utf-8")


def check_out(out: Path) -> dict[str, object]:
    """Every file in OUT is whole, and the manifest lists nothing that is not."""
    for path in out.rglob("*"):
        if path.is_file() and not path.name.endswith(".tmp"):
            check_whole(path)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(manifest, dict)
    return manifest


def temp_files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".batch-")]


def mkbcopy(*args: str) -> subprocess.Popen[bytes]:
    """The real program, as a user starts it."""
    env = {k: v for k, v in os.environ.items() if k != "MKBCOPY_DEBUG"}
    return subprocess.Popen(
        [sys.executable, "-m", "mkbcopy", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[bytes]) -> bool:
    """Poll until `condition` holds; False if the program ended first."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("timed out waiting for the program")


# ---------------------------------------------------------------- YAML through the CLI

EXAMPLE = example_brief_path().read_text(encoding="utf-8")
_BOMB = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
)
YAML_CASES = {
    "duplicate key": ("campaign: a\norganisation: b\ncampaign: c\n", 3, "duplicate key 'campaign'"),
    "tab indentation": ("campaign: a\nfacts:\n\tcosts: x\n", 3, "a tab is used for indentation"),
    "syntax error": ("campaign: [a\norganisation: b\n", 2, "invalid YAML"),
    "two documents": ("campaign: a\n---\ncampaign: b\n", 2, "invalid YAML"),
    "python object": ("campaign: !!python/object/apply:os.system ['touch HACKED']\n", 1, "tag"),
    "python name": ("campaign: !!python/name:os.system\n", 1, "tag"),
    "custom tag": ("campaign: !vault abc\n", 1, "tag"),
    "binary tag": ("campaign: !!binary aGk=\n", 1, "tag"),
    "set tag": ("campaign: !!set {a, b}\n", 1, "tag"),
    "merge key": ("a: &x {b: 1}\nc:\n  <<: *x\n", 3, "merge keys"),
    "alias bomb": (_BOMB + "\n", None, f"more than {MAX_NODES} values"),
    "5 MB of values": ("a: [" + "1," * 2_400_000 + "1]\n", 1, f"more than {MAX_NODES} values"),
    "deep nesting": ("a: " + "[" * 5000 + "]" * 5000 + "\n", 1, "nested too deeply"),
    "deep mapping": ("".join("  " * i + f"k{i}:\n" for i in range(60)), 50, "nested too deeply"),
    "huge number": ("utm: " + "9" * 100_000 + "\n", 1, "too long"),
    "sexagesimal bomb": ("utm: 1" + ":0" * 50_000 + "\n", 1, "too long"),
    "control character": ("campaign: a\x08b\n", 1, "U+0008"),
    "not UTF-8": ("campaign: caf\udce9\n", 1, "UTF-8"),
    # A key of the user's is quoted with its line break and right-to-left mark escaped.
    "newline in a key": (
        EXAMPLE + '"a\\nb\\u202e": 1\n',
        EXAMPLE.count("\n") + 1,
        "a\\nb\\u202e: unknown key",
    ),
}


@pytest.mark.parametrize("case", YAML_CASES, ids=str)
def test_bad_yaml_is_one_line_with_file_and_line(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text, line, needle = YAML_CASES[case]
    monkeypatch.chdir(tmp_path)
    brief = tmp_path / "campaign.yaml"
    brief.write_bytes(text.encode("utf-8", "surrogateescape"))
    start = time.monotonic()
    result = CliRunner().invoke(app, ["generate", str(brief), "-o", str(tmp_path / "out")])
    assert time.monotonic() - start < 10
    where = f"{brief}:{line}: " if line else f"{brief}: "
    one_error_line(result, where, needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["campaign.yaml"]  # not HACKED


HEADER_CASES = {
    "deep nesting": ("formats: " + "[" * 3000 + "]" * 3000, 2, "nested too deeply"),
    "huge number": ("formats: [txt]\nlimit: " + "9" * 5000, 3, "too long"),
    "python tag": ("formats: !!python/object/apply:os.system ['touch HACKED']", 2, "python"),
    "tab": ("formats: [txt]\n\tlimit: 3", 3, "not valid YAML"),
}


@pytest.mark.parametrize("case", HEADER_CASES, ids=str)
def test_bad_template_header_is_one_line_with_file_and_line(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template's metadata header is YAML from a shared folder: the same limits hold."""
    header, line, needle = HEADER_CASES[case]
    monkeypatch.chdir(tmp_path)
    template = tmp_path / "t" / "proef" / "template.md.j2"
    template.parent.mkdir(parents=True)
    template.write_text(f"{{#- mkbcopy\n{header}\n-#}}\nHoi\n", encoding="utf-8")
    args = ["generate", "-t", str(tmp_path / "t"), "-c", "proef", "-o", str(tmp_path / "o")]
    one_error_line(CliRunner().invoke(app, args), f"{template}:{line}: ", needle)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t"]


# ---------------------------------------------------------------- interruption


def test_keyboard_interrupt_is_one_line_and_exit_130(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typer's standalone mode turns Ctrl-C into a silent exit 130; we say what happened."""
    import mkbcopy.compose.campaign

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(mkbcopy.compose.campaign, "write_campaign", interrupted)
    result = CliRunner().invoke(app, ["generate", "-o", str(tmp_path / "out")])
    assert result.exit_code == 130
    assert result.stderr.startswith("mkbcopy: interrupted") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_mid_run_leaves_whole_files_and_an_unfinished_manifest(
    tmp_path: Path, signum: int
) -> None:
    """A real signal at a real moment: after some drafts are written, before the last."""
    args = ("generate", "--variants", "5", "--no-lint")
    for attempt in range(10):  # until the signal lands while files are being written
        out = tmp_path / f"out{attempt}"
        proc = mkbcopy(*args, "-o", str(out))
        if not wait_for(lambda: any(out.glob("*/[!.]*")), proc):  # a draft  # noqa: B023
            continue
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        if proc.returncode == 130 and check_out(out)["complete"] is False:
            break
    else:
        pytest.fail("the signal never landed in the middle of writing")
    lines = stderr.decode("utf-8").splitlines()
    assert len(lines) == 1 and lines[0].startswith("mkbcopy: interrupted"), lines
    assert temp_files(out) == []
    drafts = sum(1 for p in out.rglob("*") if p.is_file()) - 1  # and manifest.json
    assert 0 < drafts < 120
    again = mkbcopy(*args, "-o", str(out))  # no --force: the folder is ours
    assert again.wait(timeout=120) == 0, again.communicate()
    manifest = check_out(out)
    assert manifest["complete"] is True and temp_files(out) == []
    assert len(manifest["files"]) == 120  # type: ignore[arg-type]


@pytest.mark.slow
def test_sigkill_at_random_moments_never_leaves_a_half_file(tmp_path: Path) -> None:
    """A crash cannot clean up; the next run removes its temporary files and finishes."""
    args = ("generate", "--variants", "5", "--no-lint")
    start = time.monotonic()
    assert mkbcopy(*args, "-o", str(tmp_path / "timing")).wait(timeout=120) == 0
    duration = time.monotonic() - start
    out = tmp_path / "out"
    unfinished = 0
    for run in range(10):
        proc = mkbcopy(*args, "-o", str(out))
        time.sleep(duration * (0.25 + 0.75 * run / 10))
        proc.kill()
        proc.wait(timeout=60)
        if (out / "manifest.json").exists():
            unfinished += check_out(out)["complete"] is False
    assert unfinished, "no SIGKILL landed while the run was writing"
    again = mkbcopy(*args, "-o", str(out))
    assert again.wait(timeout=120) == 0, again.communicate()
    manifest = check_out(out)
    assert manifest["complete"] is True and temp_files(out) == []


def test_leftovers_of_a_killed_run_are_removed_but_never_a_users_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["generate", "-c", "x", "-o", str(out)]
    assert CliRunner().invoke(app, args).exit_code == 0
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["complete"] = False
    (out / "manifest.json").write_text(json.dumps(manifest))
    ours = [
        out / ".manifest.json.a1b2c3d_.tmp",
        out / "nieuwsgierige-student" / ".x.txt.zzzz9999.tmp",
    ]
    for path in ours:
        path.write_text("half")
    assert CliRunner().invoke(app, args).exit_code == 0
    assert temp_files(out) == []
    assert json.loads((out / "manifest.json").read_text())["complete"] is True
    # A temporary-looking file of a name we never write is the user's.
    users = out / ".notities.txt.abcdefgh.tmp"
    users.write_text("mine")
    one_error_line(CliRunner().invoke(app, args), ".notities.txt.abcdefgh.tmp", "--force")
    assert users.read_text() == "mine"


CONTACTS = (
    "Voornaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\n"
    "Sanne;sanne@example.nl;19;havo;scholier\n"
    "Ömer;omer@example.nl;41;mbo;werkend\n"
    "Zoë;zoe@example.nl;29;hbo;werkend\n"
)


def test_a_killed_batch_leaves_its_work_folder_which_the_next_run_removes(
    tmp_path: Path,
) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "mailing"
    args = ["batch", str(contacts), "--example", "-o", str(out), "--per-recipient"]
    assert CliRunner().invoke(app, args).exit_code == 0
    work = out / ".batch-k2_j3h4g"  # what tempfile.mkdtemp left when SIGKILL came
    (work / "segments").mkdir(parents=True)
    (work / "segments" / "email.txt").write_text("half")
    (out / ".manifest.json.a1b2c3d4.tmp").write_text("{")
    assert CliRunner().invoke(app, args).exit_code == 0
    assert temp_files(out) == [] and check_out(out)["complete"] is True


def test_ctrl_c_in_a_batch_removes_its_work_folder(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    rows = [f"Naam{i};p{i}@example.nl;{20 + i % 40};mbo;werkend" for i in range(20_000)]
    contacts.write_text(CONTACTS + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "mailing"
    proc = mkbcopy("batch", str(contacts), "--example", "-o", str(out), "--per-recipient")
    assert wait_for(lambda: any(out.glob(".batch-*/recipients/*")), proc)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr
    assert stderr.decode().startswith("mkbcopy: interrupted") and stderr.count(b"\n") == 1
    assert temp_files(out) == [] and check_out(out)["complete"] is False
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


# ---------------------------------------------------------------- no clobbering


def test_generate_refuses_an_out_that_is_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "echt"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    result = CliRunner().invoke(app, ["generate", "-c", "x", "-o", str(tmp_path / "link")])
    one_error_line(result, "symbolic link", "--force")
    assert list(real.iterdir()) == []


@pytest.mark.parametrize("force", [False, True])
def test_generate_never_writes_through_a_symlinked_folder(tmp_path: Path, force: bool) -> None:
    outside = tmp_path / "elders"
    outside.mkdir()
    (outside / "x.txt").write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "nieuwsgierige-student").symlink_to(outside)
    args = ["generate", "-c", "x", "-o", str(out), *(["--force"] if force else [])]
    one_error_line(CliRunner().invoke(app, args), "outside the output folder")
    assert [p.name for p in outside.iterdir()] == ["x.txt"]
    assert (outside / "x.txt").read_text() == "precious"


def test_batch_refuses_symlinks_it_did_not_write_even_with_force(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    outside = tmp_path / "elders"
    outside.mkdir()
    (outside / "mine.txt").write_text("precious")
    victim = tmp_path / "victim.json"
    victim.write_text("precious")
    out = tmp_path / "mailing"
    out.mkdir()
    (out / "segments").symlink_to(outside)
    (out / "report.json").symlink_to(victim)
    args = ["batch", str(contacts), "--example", "-o", str(out)]
    one_error_line(CliRunner().invoke(app, args), "did not write", "--force")
    result = CliRunner().invoke(app, [*args, "--force"])
    one_error_line(result, "'segments' was not written by mkbcopy", "--force never")
    assert [p.name for p in outside.iterdir()] == ["mine.txt"]
    assert victim.read_text() == "precious"
    assert (out / "segments").is_symlink() and (out / "report.json").is_symlink()
    link = tmp_path / "link"
    link.symlink_to(out)
    one_error_line(
        CliRunner().invoke(app, ["batch", str(contacts), "--example", "-o", str(link)]), "symbolic"
    )


@pytest.mark.parametrize("dangling", [False, True])
def test_init_never_writes_through_a_symlink(tmp_path: Path, dangling: bool) -> None:
    victim = tmp_path / "victim.yaml"
    if not dangling:
        victim.write_text("precious")
    folder = tmp_path / "campagne"
    folder.mkdir()
    (folder / "campaign.yaml").symlink_to(victim)
    one_error_line(CliRunner().invoke(app, ["init", str(folder)]), "already exists", "--force")
    result = CliRunner().invoke(app, ["init", str(folder), "--force"])
    assert result.exit_code == 0, result.output
    assert not (folder / "campaign.yaml").is_symlink()
    assert victim.exists() == (not dangling)
    if not dangling:
        assert victim.read_text() == "precious"


def test_templates_init_never_writes_through_a_symlinked_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elders"
    outside.mkdir()
    folder = tmp_path / "mijn-templates"
    folder.mkdir()
    (folder / "email").symlink_to(outside)
    for force in ([], ["--force"]):
        result = CliRunner().invoke(app, ["templates", "init", str(folder), *force])
        one_error_line(result, "outside the folder")
    assert list(outside.iterdir()) == []


def test_segment_out_refuses_an_existing_file_unless_force(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    out = tmp_path / "lijst.csv"
    out.write_text("mijn eigen lijst")
    args = ["segment", str(contacts), "--out", str(out)]
    one_error_line(CliRunner().invoke(app, args), str(out), "already exists", "--force")
    assert out.read_text() == "mijn eigen lijst"
    assert CliRunner().invoke(app, [*args, "--force"]).exit_code == 0
    assert "persona" in out.read_text(encoding="utf-8-sig")
    # The rejects file beside it is the user's too.
    out.unlink()
    rejects = tmp_path / "lijst-rejected.csv"
    rejects.write_text("mine")
    one_error_line(CliRunner().invoke(app, args), str(rejects), "already exists")
    assert rejects.read_text() == "mine" and not out.exists()


def test_segment_out_never_writes_through_a_symlink(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    victim = tmp_path / "victim.csv"
    victim.write_text("precious")
    link = tmp_path / "link.csv"
    link.symlink_to(victim)
    args = ["segment", str(contacts), "--out", str(link)]
    one_error_line(CliRunner().invoke(app, args), "already exists")
    assert CliRunner().invoke(app, [*args, "--force"]).exit_code == 0
    assert victim.read_text() == "precious" and not link.is_symlink()
    (tmp_path / ".lijst.csv.abcd1234.tmp").write_text("left by a killed run")
    result = CliRunner().invoke(
        app, ["segment", str(contacts), "--out", str(tmp_path / "lijst.csv")]
    )
    assert result.exit_code == 0 and not list(tmp_path.glob(".*.tmp"))


# ---------------------------------------------------------------- size

MB = 1024 * 1024


def test_a_100_mb_brief_is_refused_at_once(tmp_path: Path) -> None:
    brief = tmp_path / "campaign.yaml"
    with brief.open("wb") as handle:
        handle.truncate(100 * MB)  # sparse: costs no disk
    start = time.monotonic()
    result = CliRunner().invoke(app, ["generate", str(brief), "-o", str(tmp_path / "o")])
    assert time.monotonic() - start < 2
    one_error_line(result, str(brief), "100.0 MB; the limit is 5 MB")


def test_a_100_mb_line_is_refused_at_once(tmp_path: Path) -> None:
    contacts = tmp_path / "c.csv"
    with contacts.open("wb") as handle:
        handle.write(b"email;werksituatie;notitie\na@example.nl;werkend;")
        block = b"x" * MB
        for _ in range(100):
            handle.write(block)
    start = time.monotonic()
    result = CliRunner().invoke(app, ["segment", str(contacts)])
    assert time.monotonic() - start < 5
    one_error_line(result, f"{contacts}:2:", "longer than 1024 KB")


# ru_maxrss would not do: Linux carries the parent's (pytest's) peak across exec.
_PEAK = """
import re, runpy, sys
sys.argv = ["mkbcopy", *sys.argv[1:]]
try:
    runpy.run_module("mkbcopy", run_name="__main__")
except SystemExit as exc:
    code = exc.code
with open("/proc/self/status") as status:
    peak = re.search(r"VmHWM:\\s+(\\d+) kB", status.read()).group(1)
print("PEAK", peak, code, file=sys.stderr)
"""


def peak_kb(*args: str) -> tuple[int, int, str]:
    """Run the CLI in a fresh process: its peak resident memory (KB), exit code and stderr."""
    run = subprocess.run(
        [sys.executable, "-c", _PEAK, *args], capture_output=True, text=True, timeout=300
    )
    *rest, last = run.stderr.strip().splitlines()
    _, peak, code = last.split()
    return int(peak), int(code), "\n".join(rest)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_100_mb_contact_list_is_read_in_flat_memory(tmp_path: Path) -> None:
    """1.4 million distinct contacts; only the duplicate check grows, by ~20 bytes each."""
    contacts = tmp_path / "groot.csv"
    levels, statuses = ("hbo", "mbo 4", "havo", "wo"), ("werkend", "student", "zzp", "werkzoekend")
    with contacts.open("w", encoding="utf-8", newline="") as handle:
        handle.write("Voornaam;Achternaam;E-mailadres;Leeftijd;Opleidingsniveau;Werksituatie\r\n")
        for start in range(0, 1_400_000, 10_000):
            handle.write(
                "".join(
                    f"Voornaam{i};Achternaam{i};persoon{i}@voorbeeld.nl;{18 + i % 50};"
                    f"{levels[i % 4]};{statuses[i % 4]}\r\n"
                    for i in range(start, start + 10_000)
                )
            )
    size = contacts.stat().st_size
    assert size > 100 * MB
    small = tmp_path / "klein.csv"
    small.write_text(CONTACTS, encoding="utf-8")
    baseline, code, _ = peak_kb("segment", str(small))  # the program itself
    assert code == 0
    started = time.monotonic()
    peak, code, stderr = peak_kb("segment", str(contacts))
    seconds = time.monotonic() - started
    assert code == 0, stderr
    grown = (peak - baseline) / 1024
    print(f"100 MB list: {seconds:.1f} s, peak {peak / 1024:.0f} MB, {grown:.0f} MB over start")
    # A dict of the addresses alone took 180 MB; SeenEmails about 50, sized up front.
    assert grown < 100, f"{grown:.0f} MB for a {size / MB:.0f} MB list"
