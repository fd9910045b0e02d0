"""The GitHub Actions workflows: triggered as intended, running commands and sessions that exist.

The ``python -m codegen`` commands the workflows run are parsed with the generator's own argument
parser; ``nox -s`` sessions are looked up in ``noxfile.py``; the drift step's shell script is run
with a stand-in ``python`` to check what it does on each exit status.
"""

from __future__ import annotations

import ast
import datetime
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.__main__ import build_parser
from codegen.update import captured_date

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
CI, SPEC_DRIFT = "ci.yml", "spec-drift.yml"
CODEGEN = ["python", "-m", "codegen"]
SHELL_OPERATORS = {"||", "&&", "|", ";", ";;", ">", ">>", "2>", "<"}
# GitHub runs `run:` scripts with this shell (the default for bash on Linux runners).
GITHUB_BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]


def _load(name: str) -> dict[str, Any]:
    workflow = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(workflow, dict), name
    return workflow


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _scripts(workflow: dict[str, Any]) -> list[str]:
    return [step["run"] for step in _steps(workflow) if "run" in step]


def _invocations(script: str, program: list[str]) -> list[list[str]]:
    """The arguments of every ``program`` command in a shell script, up to a shell operator."""
    found = []
    for line in script.splitlines():
        tokens = shlex.split(line, comments=True)
        for start in range(len(tokens) - len(program) + 1):
            if tokens[start : start + len(program)] == program:
                rest = tokens[start + len(program) :]
                cut = next((i for i, t in enumerate(rest) if t in SHELL_OPERATORS), len(rest))
                found.append(rest[:cut])
    return found


def _nox_sessions() -> dict[str, str | None]:
    """Session name -> the ``python -m codegen`` command it runs (None for other sessions)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    sessions: dict[str, str | None] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if ast.unparse(target) != "nox.session":
                continue
            names = [k.value for k in (call.keywords if call else []) if k.arg == "name"]
            name = ast.literal_eval(names[0]) if names else node.name
            sessions[name] = _codegen_command(node)
    return sessions


def _codegen_command(function: ast.FunctionDef) -> str | None:
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "session.run":
            args = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if args[:3] == ["python", "-m", "codegen"] and len(args) > 3:
                return str(args[3])
    return None


def _default_sessions() -> list[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions":
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(v) for v in value]
    raise AssertionError("noxfile.py sets no default sessions")


def _nox_calls(script: str) -> list[tuple[list[str], list[str]]]:
    """(sessions, posargs) of every ``nox -s ...`` in a script."""
    calls = []
    for args in _invocations(script, ["nox"]):
        posargs = args[args.index("--") + 1 :] if "--" in args else []
        options = args[: args.index("--")] if "--" in args else args
        assert options[:1] in (["-s"], ["--sessions"]), f"nox must name its sessions: {args}"
        calls.append((options[1:], posargs))
    return calls


def _parse_codegen(args: list[str]) -> None:
    try:
        build_parser().parse_args(args)
    except SystemExit as exc:  # argparse exits on unknown commands or options
        raise AssertionError(f"`python -m codegen {shlex.join(args)}` does not parse") from exc


@pytest.fixture(scope="module", params=[CI, SPEC_DRIFT])
def workflow_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def workflow(workflow_name: str) -> dict[str, Any]:
    return _load(workflow_name)


# --- structure and triggers ----------------------------------------------------------------------


def test_jobs_and_steps_are_well_formed(workflow: dict[str, Any]) -> None:
    assert workflow["name"] and workflow["jobs"]
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        assert isinstance(job["timeout-minutes"], int)
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", step["uses"]), step["uses"]
    setups = [s for s in _steps(workflow) if s.get("uses", "").startswith("actions/setup-python")]
    versions = [str(s["with"]["python-version"]).split() for s in setups]
    if workflow["name"] == "CI":
        assert versions == [["3.10", "3.11", "3.12", "3.13"]]  # every supported Python
    else:
        assert versions == [["3.11"]]


def test_ci_runs_on_push_and_pull_request() -> None:
    triggers = _triggers(_load(CI))
    assert set(triggers) == {"push", "pull_request"}
    assert _load(CI)["permissions"] == {"contents": "read"}


def test_spec_drift_runs_weekly_and_on_demand() -> None:
    triggers = _triggers(_load(SPEC_DRIFT))
    assert set(triggers) == {"schedule", "workflow_dispatch"}
    (entry,) = triggers["schedule"]
    minute, hour, day, month, weekday = entry["cron"].split()
    assert (day, month) == ("*", "*") and weekday.isdigit() and 0 <= int(weekday) <= 6
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24
    permissions = _load(SPEC_DRIFT)["permissions"]
    assert permissions == {"contents": "write", "pull-requests": "write"}


# --- the commands exist --------------------------------------------------------------------------


def test_every_codegen_command_parses(workflow: dict[str, Any]) -> None:
    calls = [args for script in _scripts(workflow) for args in _invocations(script, CODEGEN)]
    assert calls, "each workflow runs the generator"
    for args in calls:
        _parse_codegen(args)


def test_every_nox_session_exists_and_its_arguments_parse(workflow: dict[str, Any]) -> None:
    sessions = _nox_sessions()
    for script in _scripts(workflow):
        for names, posargs in _nox_calls(script):
            for name in names:
                assert name in sessions, f"nox has no session {name!r}"
                if posargs:
                    command = sessions[name]
                    assert command is not None, f"session {name!r} takes no arguments"
                    _parse_codegen([command, *posargs])


def test_ci_fetches_the_document_then_runs_the_default_sessions() -> None:
    scripts = _scripts(_load(CI))
    fetch = next(i for i, s in enumerate(scripts) if _invocations(s, CODEGEN) == [["fetch"]])
    runs = [(i, names) for i, s in enumerate(scripts) for names, _ in _nox_calls(s)]
    assert [names for _, names in runs] == [_default_sessions()]
    assert set(_default_sessions()) == {"lint", "typecheck", "tests", "check-generated", "docs"}
    assert fetch < runs[0][0]
    # Fetch comes before anything is installed: it must need only the standard library.
    install = next(i for i, s in enumerate(scripts) if "pip install" in s)
    assert "-e" not in shlex.split(scripts[install])


def test_spec_drift_runs_fetch_drift_update_in_order() -> None:
    scripts = _scripts(_load(SPEC_DRIFT))
    commands = [args[0] for s in scripts for args in _invocations(s, CODEGEN)]
    assert commands == ["fetch", "drift"]
    nox_calls = [call for s in scripts for call in _nox_calls(s)]
    assert nox_calls == [(["update"], ["--spec", "$UPSTREAM"])]


def test_referenced_files_exist_or_are_written_before_use(
    workflow_name: str, workflow: dict[str, Any]
) -> None:
    text = (WORKFLOWS / workflow_name).read_text(encoding="utf-8")
    hashed = re.findall(r"hashFiles\('([^']+)'\)", text)
    assert hashed and all((ROOT / path).is_file() for path in hashed), hashed
    steps = _steps(workflow)
    for index, step in enumerate(steps):
        options = step.get("with", {})
        for path in str(options.get("add-paths", "")).split():
            assert (ROOT / path).exists(), path
        if "body-path" in options:
            earlier = [args for s in steps[:index] if "run" in s for args in _invocations(
                s["run"], CODEGEN)]  # fmt: skip
            written = [a[a.index("--output") + 1] for a in earlier if "--output" in a]
            assert options["body-path"] in written


def test_step_conditions_refer_to_earlier_steps(workflow: dict[str, Any]) -> None:
    steps = _steps(workflow)
    for index, step in enumerate(steps):
        for step_id in re.findall(r"steps\.([\w-]+)\.outputs", str(step.get("if", ""))):
            assert step_id in [s.get("id") for s in steps[:index]], step_id


# --- the drift step's shell script ---------------------------------------------------------------


def _drift_script() -> str:
    (step,) = [s for s in _steps(_load(SPEC_DRIFT)) if s.get("id") == "drift"]
    script = step["run"]
    assert "${{" not in script, "keep expressions out of the script so that it runs as is"
    return str(script)


@pytest.mark.parametrize(("status", "changed"), [(0, "false"), (1, "true"), (2, None)])
def test_the_drift_step_on_each_exit_status(
    status: int, changed: str | None, tmp_path: Path
) -> None:
    """0: no change; 1: changes, the update runs; anything else fails the workflow loudly."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        "# Stands in for `python -m codegen drift`: writes the report, exits as told.\n"
        'while [ $# -gt 0 ]; do [ "$1" = --output ] && echo "report" > "$2"; shift; done\n'
        'exit "$FAKE_STATUS"\n',
        encoding="utf-8",
    )
    fake.chmod(0o755)
    files = {name: tmp_path / name for name in ("output", "env", "summary")}
    for path in files.values():
        path.write_text("", encoding="utf-8")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "FAKE_STATUS": str(status),
        "GITHUB_OUTPUT": str(files["output"]),
        "GITHUB_ENV": str(files["env"]),
        "GITHUB_STEP_SUMMARY": str(files["summary"]),
    }
    result = subprocess.run(
        [*GITHUB_BASH, "-c", _drift_script()],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
    )
    outputs = files["output"].read_text(encoding="utf-8")
    if changed is None:
        assert result.returncode == status
        assert "::error title=Spec drift check failed::" in result.stdout
        assert outputs == ""
        return
    assert result.returncode == 0, result.stderr
    assert outputs == f"changed={changed}\n"
    assert files["summary"].read_text(encoding="utf-8") == "report\n"
    (line,) = files["env"].read_text(encoding="utf-8").splitlines()
    name, _, upstream = line.partition("=")
    assert name == "UPSTREAM"
    # The saved document's name carries the date `update` records as the capture date.
    today = datetime.datetime.now(datetime.timezone.utc).date()
    assert captured_date(upstream, today - datetime.timedelta(days=400)) == today.isoformat()
