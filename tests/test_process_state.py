"""Writing files leaves the process as it was: no umask set, not even for a moment."""
import os

import pytest

from analysis.sheets import atomic_write_bytes


def _umask() -> int:
    # the test may set it to read it (and restores it): the code under test must not
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_atomic_write_never_sets_the_umask(tmp_path, monkeypatch, mask):
    old = os.umask(mask)
    try:
        def forbidden(*args):
            raise AssertionError("os.umask changes the umask of every thread of the process")
        monkeypatch.setattr(os, "umask", forbidden)
        path = tmp_path / "new.csv"
        atomic_write_bytes(path, b"a")
        assert (path.stat().st_mode & 0o777) == 0o666 & ~mask
        path.chmod(0o640)
        atomic_write_bytes(path, b"b")
        assert (path.stat().st_mode & 0o777) == 0o640 and path.read_bytes() == b"b"
        assert [p.name for p in tmp_path.iterdir()] == ["new.csv"]  # no temporary file left
    finally:
        monkeypatch.undo()
        os.umask(old)
    assert _umask() == old
