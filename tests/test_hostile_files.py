"""load() bounds what it reads and checks every field: each hostile file is a CorruptFileError naming
what is wrong, quickly and without reading more than the size limit."""

import json
import os

import pytest

from symmlp import CorruptFileError, load
from symmlp.training.fileformat import MAX_DIGITS, MAX_FILE_BYTES


def document(**changes):
    doc = {
        "format": "symmlp-model", "version": 1, "kind": "MLP",
        "spec": {"widths": [1, 2, 1], "activation": "tanh", "output_activation": "identity"},
        "loss": "mse", "theta": ["1/3", "0.5", "-2", "0", "1e-05", "3", "7"], "losses": [0.5, 0.25],
    }
    doc.update(changes)
    return json.dumps(doc)


def _write(tmp_path, text):
    path = tmp_path / "m.json"
    path.write_text(text)
    return path


def test_the_untampered_document_loads(tmp_path):
    assert load(_write(tmp_path, document())).theta.shape == (7,)


@pytest.mark.parametrize("text, needle", [
    (document(losses=[1, 2]).replace("[1, 2]", "[1e400]"), "overflows"),
    (document(version=1.0), "version must be the integer 1"),
    (document(version=True), "version must be the integer 1"),
    (document(version="1"), "version must be the integer 1"),
    (document(losses=[0.5, -1.0]), "losses[1] must be a finite number >= 0"),
    (document(losses=[True]), "losses[0] must be a finite number >= 0"),
    (document(losses="0.5"), "losses must be a list"),
    (document(theta=["7" * 4000, "0.5", "-2", "0", "1e-05", "3", "7"]), "theta[0]"),
    (document(theta=["1/" + "3" * 4000, "0.5", "-2", "0", "1e-05", "3", "7"]), "theta[0]"),
    (document(losses=[1]).replace("[1]", "[" + "9" * 4000 + "]"), f"more than {MAX_DIGITS} digits"),
    (document(theta=["1" * (MAX_DIGITS + 1), "0.5", "-2", "0", "1e-05", "3", "7"]), "theta[0]"),
    ('{"a": ' * 5000 + "1" + "}" * 5000, "nested too deeply"),
    ("[" * 200_000, "invalid JSON"),
    (document(spec={"widths": [1, 10**9, 1], "activation": "tanh", "output_activation": "identity"}), "width"),
    (document(spec={"widths": [1, 10**5, 10**5, 1], "activation": "tanh", "output_activation": "identity"}),
     "theta must be a list of 10000400001"),
    (document(spec={"widths": [1] * 100_000, "activation": "tanh", "output_activation": "identity"}),
     "2..1000 integers"),
    (document(spec={"widths": [1, -2, 1], "activation": "tanh", "output_activation": "identity"}), "widths"),
    (document(spec={"widths": [1, 2.0, 1], "activation": "tanh", "output_activation": "identity"}), "widths"),
    (document(kind="Polynomial", spec={"n_inputs": 10**6, "degree": 10**6, "n_outputs": 1}), "spec.n_inputs"),
    (document(theta=["0x10", "0.5", "-2", "0", "1e-05", "3", "7"]), "theta[0]"),
    (document(theta=[1, "0.5", "-2", "0", "1e-05", "3", "7"]), "theta[0] must be a string"),
    (document(loss="__import__('os')"), "unknown loss"),
    ("\ufeff" + document(), "invalid JSON"),
])
def test_hostile_documents_are_corrupt_file_errors_naming_the_field(tmp_path, text, needle):
    with pytest.raises(CorruptFileError) as info:
        load(_write(tmp_path, text))
    message = str(info.value)
    assert needle in message and "\n" not in message and len(message) < 600


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_special_files_are_refused_without_reading(special):
    if not os.path.exists(special):
        pytest.skip(f"{special} is missing here")
    with pytest.raises(CorruptFileError, match="not a regular file"):
        load(special)


def test_a_link_to_dev_zero_and_a_fifo_are_refused(tmp_path):
    link = tmp_path / "m.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(CorruptFileError, match="not a regular file"):
        load(link)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    # opening a FIFO for reading would block until a writer comes: it must be refused first
    with pytest.raises(CorruptFileError, match="not a regular file"):
        load(fifo)


def test_an_oversized_file_is_refused_by_its_size(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, nothing may be read
    with pytest.raises(CorruptFileError, match="more than"):
        load(path)


def test_a_folder_and_a_missing_file(tmp_path):
    with pytest.raises(CorruptFileError, match="directory"):
        load(tmp_path)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "missing.json")


@pytest.mark.parametrize("path, error", [(3, TypeError), (None, TypeError), (b"m.json", TypeError),
                                         ("", ValueError)])
def test_load_refuses_what_is_not_a_path(path, error):
    with pytest.raises(error, match="path"):
        load(path)
