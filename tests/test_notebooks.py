"""The notebooks of examples/notebooks run headless, top to bottom, and show their key objects richly.

Each notebook is executed by nbclient in a fresh kernel (in a temporary folder);
every code cell must run, and the cells that show a result object must carry
the mime type Jupyter renders it with.  Skipped, visibly, without the notebooks
extra: pip install "symmlp[notebooks]".
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason='needs the notebooks extra: pip install "symmlp[notebooks]"')
nbclient = pytest.importorskip("nbclient", reason='needs the notebooks extra: pip install "symmlp[notebooks]"')
pytest.importorskip("ipykernel", reason='needs the notebooks extra: pip install "symmlp[notebooks]"')

FOLDER = Path(__file__).resolve().parent.parent / "examples" / "notebooks"
CELL_TIMEOUT = 60  # seconds: a guard against a hung kernel, not a speed test

# notebook -> {a piece of a code cell's source: the mime type one of its outputs must carry}
KEY_OUTPUTS = {
    "01_which_f_theta": {
        "sep = SeparablePolynomial(2, 3)": "text/latex",
        "separable_blind_spot(": "text/html",
        "full.output[0]": "text/latex",
        "display(sp.Eq(P_full": "text/latex",
        "count_table()": "text/html",
        'net = MLP([2, 3, 1], activation="tanh")': "text/latex",
        "KAN([2, 2, 1], degree=2)": "text/latex",
        "kan_product()": "text/html",
        "criteria_table()": "text/html",
        "symmlp.compare(": "text/html",
    },
    "02_gradients_by_hand_and_by_machine": {
        "d = backprop(net)": "text/latex",
        "d.index\n": "text/latex",
        "d.index[-1]": "text/latex",
        "g = gradient(tiny)": "text/latex",
        "f = compile(net)": "text/html",
        "result = train(net, X, Y": "text/html",
        "check(net)": "text/html",
        "theta1 = gd_step(": "text/latex",
    },
    "03_universal_approximation": {
        "display(staircase(4), staircase(16))": "image/png",
        "peaks = relu_interpolant(f, 9, interval)": "image/png",
        "bernstein(f, 3, interval)": "text/latex",
        "for degree in (4, 16):": "image/png",
        "error_curves(f, interval)": "image/png",
        "parameters_for_epsilon()": "text/html",
    },
    "04_curvature": {
        "hessian(Polynomial(1, 2))": "text/latex",
        "hessian(relu_net, at=point)": "text/latex",
        "display(*so.rforward)": "text/latex",
        "check_second_order(net)": "text/html",
        "saddle = min(": "text/html",
        "ax.contourf(": "image/png",
        "spectra.append(": "image/png",
    },
}
SLIDER_CELLS = ("widgets.interact(lambda steps", "widgets.interact(lambda knots", "widgets.interact(show_bernstein")


def read(name: str):
    return nbformat.read(FOLDER / f"{name}.ipynb", as_version=4)


def execute(nb, folder: Path):
    client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()
    return nb


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    done = {}

    def run(name: str):
        if name not in done:
            done[name] = execute(read(name), tmp_path_factory.mktemp(name))
        return done[name]

    return run


def mime_types(cell) -> set[str]:
    return {m for o in cell.get("outputs", []) for m in o.get("data", {})}


def the_cell(nb, piece: str):
    cells = [c for c in nb.cells if c.cell_type == "code" and piece in c.source + "\n"]
    assert len(cells) == 1, f"{piece!r} must be in exactly one code cell, found {len(cells)}"
    return cells[0]


def test_the_folder_holds_exactly_the_tested_notebooks():
    assert sorted(p.stem for p in FOLDER.glob("*.ipynb")) == sorted(KEY_OUTPUTS)


@pytest.mark.parametrize("name", sorted(KEY_OUTPUTS))
def test_stored_without_outputs(name):
    nb = read(name)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]
    assert "widgets" not in nb.metadata


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(KEY_OUTPUTS))
def test_runs_headless_and_shows_rich_outputs(name, executed):
    nb = executed(name)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.execution_count is not None
            assert not [o for o in cell.outputs if o.output_type == "error"], cell.source[:60]
    for piece, mime in KEY_OUTPUTS[name].items():
        assert mime in mime_types(the_cell(nb, piece)), f"{name}: {piece!r} shows no {mime}"


def widget_outputs(nb) -> list[set[str]]:
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return [{m for o in w["state"].get("outputs", []) for m in o.get("data", {})}
            for w in state.values() if w["model_name"] == "OutputModel"]


@pytest.mark.slow
def test_sliders_draw_into_their_widgets(executed):
    pytest.importorskip("ipywidgets")
    nb = executed("03_universal_approximation")
    for piece in SLIDER_CELLS:
        assert "application/vnd.jupyter.widget-view+json" in mime_types(the_cell(nb, piece))
    drawn = widget_outputs(nb)
    assert len(drawn) == len(SLIDER_CELLS) and all("image/png" in d for d in drawn)


@pytest.mark.slow
def test_without_ipywidgets_the_sliders_become_static_plots(tmp_path):
    nb = read("03_universal_approximation")
    blocker = nbformat.v4.new_code_cell('import sys\nsys.modules["ipywidgets"] = None  # import now fails')
    nb.cells.insert(1, blocker)
    nb = execute(nb, tmp_path)
    assert "is not installed" in the_cell(nb, "import ipywidgets as widgets").outputs[0]["text"]
    for piece in SLIDER_CELLS:
        cell = the_cell(nb, piece)
        assert mime_types(cell) >= {"image/png"} and "application/vnd.jupyter.widget-view+json" not in mime_types(cell)


@pytest.mark.slow
def test_html_export_keeps_latex_tables_and_figures(executed):
    nbconvert = pytest.importorskip("nbconvert")
    nb = copy.deepcopy(executed("01_which_f_theta"))
    body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    assert body.count("<table") >= 3 and "MathJax" in body
    assert r"\displaystyle" in body and "W^{(1)}_{1,1}" in body
    second = copy.deepcopy(executed("02_gradients_by_hand_and_by_machine"))
    body, _ = nbconvert.HTMLExporter().from_notebook_node(second)
    assert r"\begin{aligned}" in body and "def loss_and_grad" in body
    third = copy.deepcopy(executed("03_universal_approximation"))
    body, _ = nbconvert.HTMLExporter().from_notebook_node(third)
    assert body.count('src="data:image/png;base64') >= 7  # every static figure of the notebook
