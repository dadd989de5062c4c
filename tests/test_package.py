"""The package's public surface: every name in __all__ resolves to a documented callable or class."""
import subprocess
import sys

import analysis


def test_every_public_name_resolves_and_is_documented():
    for name in analysis.__all__:
        obj = getattr(analysis, name)
        assert callable(obj), name
        assert (obj.__doc__ or "").strip(), f"{name} has no docstring"


def test_import_stays_light():
    # the public functions are imported on first use: importing the package loads no plotting or
    # machine-learning library
    code = "import sys, analysis; print(any(m in sys.modules for m in ('matplotlib', 'sklearn')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_unknown_name_is_an_attribute_error():
    try:
        analysis.no_such_function
    except AttributeError as exc:
        assert "no_such_function" in str(exc)
    else:
        raise AssertionError("no AttributeError")
