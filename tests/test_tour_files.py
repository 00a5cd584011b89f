"""The tour and the plot writers never write through a symbolic link nor over a file symmlp did not write.

Each test plants a link or a foreign file, runs the writer, and checks both the refusal and that the
link's target (or the foreign file) is untouched and nothing was created outside the folder.
"""

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from symmlp.cli import main  # noqa: E402
from symmlp.explore.tour import MANIFEST, PLANNED, TourFolder, run_tour  # noqa: E402


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def outside(tmp_path):
    """A file outside the tour folder that a link points to."""
    victim = tmp_path / "elsewhere" / "precious.txt"
    victim.parent.mkdir()
    victim.write_text("the user's data")
    return victim


def _previous_tour(folder):
    """A folder as an earlier tour leaves it: its manifest lists every planned file."""
    folder.mkdir(exist_ok=True)
    (folder / MANIFEST).write_text(json.dumps({"files": sorted(PLANNED)}))


@pytest.mark.parametrize("rel", ["fit_sin.png", "index.md", "approx/bernstein.png", "tex/gd_step.tex"])
def test_a_symlinked_file_is_refused_before_anything_is_written(tmp_path, outside, rel):
    out = tmp_path / "tour"
    _previous_tour(out)
    (out / rel).parent.mkdir(exist_ok=True)
    (out / rel).symlink_to(outside)
    before = _listing(out)
    with pytest.raises(ValueError, match="symbolic link"):
        run_tour(out, log=lambda s: None)
    assert outside.read_text() == "the user's data"
    assert _listing(out) == before


def test_a_dangling_symlink_creates_nothing_outside(tmp_path):
    out, target = tmp_path / "tour", tmp_path / "not_yet" / "created.png"
    target.parent.mkdir()
    out.mkdir()
    (out / "fit_sin.png").symlink_to(target)
    with pytest.raises(ValueError, match="symbolic link"):
        run_tour(out, log=lambda s: None)
    assert not target.exists() and list(target.parent.iterdir()) == []
    assert _listing(out) == ["fit_sin.png"]


def test_a_symlinked_subfolder_is_refused(tmp_path):
    out, elsewhere = tmp_path / "tour", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "approx").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ValueError, match="approx is a symbolic link"):
        run_tour(out, log=lambda s: None)
    assert list(elsewhere.iterdir()) == []


def test_a_symlinked_manifest_is_not_followed(tmp_path, outside):
    out = tmp_path / "tour"
    out.mkdir()
    (out / MANIFEST).symlink_to(outside)
    with pytest.raises(ValueError, match="symbolic link"):
        run_tour(out, log=lambda s: None)
    assert outside.read_text() == "the user's data"


def test_links_and_files_planted_during_a_run_are_refused(tmp_path, outside):
    folder = TourFolder(tmp_path, ["a.txt", "b.txt", "c.png"])
    (tmp_path / "a.txt").symlink_to(outside)
    (tmp_path / "b.txt").write_text("appeared meanwhile")
    with pytest.raises(ValueError, match="symbolic link"):
        folder.write_text("a.txt", "tour text")
    with pytest.raises(ValueError, match="not written by symmlp"):
        folder.write_text("b.txt", "tour text")
    (tmp_path / "c.png").symlink_to(tmp_path / "dangling.png")
    fig = plt.figure()
    with pytest.raises(ValueError, match="symbolic link"):
        folder.save_figure("c.png", fig)
    assert outside.read_text() == "the user's data"
    assert (tmp_path / "b.txt").read_text() == "appeared meanwhile"
    assert not (tmp_path / "dangling.png").exists()


def test_tour_rewrites_its_own_files_atomically(tmp_path):
    folder = TourFolder(tmp_path, ["a.txt"])
    folder.write_text("a.txt", "one")
    folder.write_text("a.txt", "two")
    folder.save_manifest()
    again = TourFolder(tmp_path, ["a.txt"])
    again.write_text("a.txt", "three")
    assert (tmp_path / "a.txt").read_text() == "three"
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST, "a.txt"]  # no temporary left


def test_a_foreign_manifest_is_not_replaced(tmp_path):
    (tmp_path / MANIFEST).write_text("not json: the user's file")
    folder = TourFolder(tmp_path, ["a.txt"])
    with pytest.raises(ValueError, match="not written by symmlp"):
        folder.save_manifest()
    assert (tmp_path / MANIFEST).read_text() == "not json: the user's file"


def test_cli_tour_refuses_a_link_with_one_line(tmp_path, outside, capsys):
    out = tmp_path / "tour"
    out.mkdir()
    (out / "models.txt").symlink_to(outside)
    assert main(["tour", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "symbolic link" in err and "models.txt" in err
    assert outside.read_text() == "the user's data"


@pytest.mark.parametrize("argv, name", [
    (["approx", "bernstein", "--n", "4"], "bernstein.png"),
    (["approx", "staircase", "--steps", "4"], "staircase.png"),
    (["approx", "relu", "--knots", "4"], "relu_peaks.png"),
    (["approx"], "parameter_explosion.png"),
])
def test_approx_plots_refuse_links_and_foreign_files_up_front(tmp_path, outside, capsys, argv, name):
    plots = tmp_path / "plots"
    plots.mkdir()
    (plots / name).symlink_to(outside)
    assert main([*argv, "--plots", str(plots)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "symbolic link" in err
    assert outside.read_text() == "the user's data"
    (plots / name).unlink()
    (plots / name).write_text("a foreign file")
    assert main([*argv, "--plots", str(plots)]) == 2
    assert "not written by symmlp" in capsys.readouterr().err
    assert (plots / name).read_text() == "a foreign file"
    assert _listing(plots) == [name]  # refused before any plot was written
