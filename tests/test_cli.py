"""The command line's name in its usage lines follows how it was invoked."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# what pip writes for the console script `media-discrepancy = analysis.cli:main`
CONSOLE_SCRIPT = """\
import re
import sys
from analysis.cli import main
if __name__ == "__main__":
    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])
    sys.exit(main())
"""


def _usage(cmd: list) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env, cwd=ROOT).stdout
    return out.splitlines()[0]


def test_usage_names_the_module_when_run_as_one():
    assert _usage([sys.executable, "-m", "analysis", "--help"]).startswith("usage: python -m analysis ")


def test_usage_names_the_console_script(tmp_path):
    script = tmp_path / "media-discrepancy"
    script.write_text(CONSOLE_SCRIPT, encoding="utf-8")
    assert _usage([sys.executable, str(script), "--help"]).startswith("usage: media-discrepancy ")
    assert _usage([sys.executable, str(script), "run", "--help"]).startswith("usage: media-discrepancy run ")


def test_usage_names_the_module_when_main_is_called_with_arguments(capsys):
    from analysis.cli import main

    try:
        main(["--help"])
    except SystemExit:
        pass
    assert capsys.readouterr().out.startswith("usage: python -m analysis ")
