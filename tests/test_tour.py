"""The tour: the post's storyline written into a folder, never at the cost of a user's file."""

import json
import re

import pytest

from symmlp.cli import main
from symmlp.explore.tour import MANIFEST, PLANNED, TourFolder, run_tour


@pytest.fixture(scope="module")
def toured(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    (out / "notes.txt").write_text("the user's own notes")
    lines: list[str] = []
    run_tour(out, log=lines.append)
    return out, lines


@pytest.mark.slow
def test_tour_writes_every_planned_file_and_an_index_linking_them(toured):
    out, lines = toured
    for rel in PLANNED:
        assert (out / rel).is_file(), rel
    index = (out / "index.md").read_text()
    for target in re.findall(r"\]\(([^)]+)\)", index):
        assert (out / target).is_file(), target
    assert sorted(json.loads((out / MANIFEST).read_text())["files"]) == sorted(PLANNED)
    assert [line[:5] for line in lines if line.startswith("[")] == [f"[{k}/7]" for k in range(1, 8)]


@pytest.mark.slow
def test_tour_results_carry_the_posts_claims(toured):
    out, _ = toured
    models = (out / "models.txt").read_text()
    assert "m*n + 2*m + 1" in models and "3003" in models
    gradients = (out / "gradients.txt").read_text()
    assert gradients.count("): OK") == 3 and "DISAGREE" not in gradients
    mse = float(re.search(r"mean squared error ([0-9.e+-]+)", (out / "training.txt").read_text())[1])
    assert mse < 1e-2
    kan = (out / "kan_compare.txt").read_text()
    assert "Kolmogorov-Arnold representation theorem" in kan and "substituted back and expanded: x_1*x_2" in kan
    assert "parameters needed for test RMSE <= 0.01" in kan and "MLP tanh" in kan
    curvature = (out / "curvature.txt").read_text()
    assert "saddle" in curvature and "says saddle" in curvature and "says degenerate" in curvature
    for doc in (out / "tex").glob("*.tex"):
        text = doc.read_text()
        assert text.splitlines()[1].startswith("\\documentclass") and text.rstrip().endswith("\\end{document}")


@pytest.mark.slow
def test_second_run_keeps_user_files_and_rewrites_its_own(toured):
    out, _ = toured
    before = (out / "models.txt").stat().st_mtime_ns
    run_tour(out, log=lambda s: None)
    assert (out / "notes.txt").read_text() == "the user's own notes"
    assert (out / "models.txt").stat().st_mtime_ns >= before


def test_refuses_before_writing_when_a_user_file_is_in_the_way(tmp_path, capsys):
    (tmp_path / "index.md").write_text("my index")
    with pytest.raises(ValueError, match="index.md exists and was not written by symmlp tour"):
        run_tour(tmp_path, log=lambda s: None)
    assert (tmp_path / "index.md").read_text() == "my index"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.md"]
    assert main(["tour", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "index.md" in err and "Traceback" not in err


def test_out_must_be_a_folder(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ValueError, match="not a folder"):
        TourFolder(target, ["index.md"])


def test_folder_writes_only_planned_paths(tmp_path):
    folder = TourFolder(tmp_path, ["a.txt"])
    folder.write_text("a.txt", "hello")
    assert (tmp_path / "a.txt").read_text() == "hello"
    with pytest.raises(ValueError, match="not planned"):
        folder.write_text("b.txt", "nope")
    assert not (tmp_path / "b.txt").exists()


def test_an_empty_folder_at_a_planned_path_is_not_a_conflict(tmp_path):
    (tmp_path / "approx").mkdir()
    folder = TourFolder(tmp_path, ["approx/x.png", "approx"])
    assert "approx" in folder.owned
