"""Output files are written atomically: all or nothing, with ordinary permissions."""

import os

import pytest

from solver.files import atomic_writer, write_atomically


def test_complete_write_lands_with_umask_permissions(tmp_path):
    target = tmp_path / "out.csv"
    write_atomically(target, "a,b\n")
    mask = os.umask(0)
    os.umask(mask)
    assert target.read_text() == "a,b\n"
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failed_write_leaves_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_writer(target) as stream:
            stream.write("half")
            raise RuntimeError("crash mid-write")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]
