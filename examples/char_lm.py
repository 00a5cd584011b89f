"""A character-level language model: the seed's text -> x -> f_theta -> y -> loss.

Text (the Zen of Python, from the standard library's ``this`` module, lower
cased) -> one-hot of the previous k characters -> MLP -> softmax
cross-entropy, trained by mini-batch gradient descent on symmlp's compiled
gradients.  The lines are split into train / validation / test; training
keeps the parameters with the best validation loss (early stopping, through
``train``'s callback), and the loss per character on the test lines is
compared with a uniform guess and a bigram-count model (add-one smoothing).

    python examples/char_lm.py [--out DIR] [--quick] [--seed N]

Writes char_lm.png (loss curves against the baselines) and prints the losses
in nats and bits per character and a sample drawn from the model.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # small matrices: threads only contend

import argparse  # noqa: E402
import codecs  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from symmlp.models.mlp import MLP  # noqa: E402
from symmlp.training.loop import train  # noqa: E402

K = 3
HIDDEN = 32


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    p.add_argument("--quick", action="store_true", help="a much shorter run (for the tests)")
    p.add_argument("--seed", type=int, default=0, help="seed of training and sampling")
    return p.parse_args()


def zen_of_python() -> str:
    with contextlib.redirect_stdout(io.StringIO()):  # importing `this` prints the poem
        import this
    return codecs.decode(this.s, "rot13").lower()


def windows(lines: list[str], index: dict[str, int], k: int) -> tuple[np.ndarray, np.ndarray]:
    """One-hot of the k previous characters (each line padded with k newlines) and the next one."""
    V = len(index)
    rows, targets = [], []
    for line in lines:
        ids = [index["\n"]] * k + [index[c] for c in line]
        for t in range(k, len(ids)):
            x = np.zeros(k * V)
            x[[j * V + ids[t - k + j] for j in range(k)]] = 1.0
            rows.append(x)
            targets.append(ids[t])
    return np.array(rows), np.array(targets)


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> float:
    """Mean -log softmax(logits)[y] in nats, computed here with a log-sum-exp."""
    top = logits.max(axis=1, keepdims=True)
    lse = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))
    return float(np.mean(lse - logits[np.arange(len(y)), y]))


def bigram_loss(train_lines: list[str], test_lines: list[str], index: dict[str, int]) -> float:
    V = len(index)
    counts = np.ones((V, V))
    for line in train_lines:
        for a, b in zip("\n" + line, line):
            counts[index[a], index[b]] += 1
    logp = np.log(counts / counts.sum(axis=1, keepdims=True))
    pairs = [(index[a], index[b]) for line in test_lines for a, b in zip("\n" + line, line)]
    return -float(np.mean([logp[a, b] for a, b in pairs]))


def sample(result, index: dict[str, int], length: int, rng: np.random.Generator,
           temperature: float = 0.7) -> str:
    chars = sorted(index, key=index.get)
    V = len(chars)
    context = [index["\n"]] * K
    out = []
    for _ in range(length):
        x = np.zeros((1, K * V))
        x[0, [j * V + c for j, c in enumerate(context)]] = 1.0
        logits = result.predict(x)[0] / temperature
        p = np.exp(logits - logits.max())
        c = int(rng.choice(V, p=p / p.sum()))
        out.append(chars[c])
        context = [*context[1:], c]
    return "".join(out)


def main() -> None:
    args = parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    text = zen_of_python()
    index = {c: i for i, c in enumerate(sorted(set(text)))}
    V = len(index)
    lines = [line + "\n" for line in text.strip("\n").split("\n")]
    test_lines = lines[2::5]
    val_lines = lines[4::5]
    train_lines = [line for i, line in enumerate(lines) if i % 5 not in (2, 4)]
    Xtr, ytr = windows(train_lines, index, K)
    Xva, yva = windows(val_lines, index, K)
    Xte, yte = windows(test_lines, index, K)
    model = MLP([K * V, HIDDEN, V], activation="tanh")
    steps = 150 if args.quick else 800
    every = 10
    best = {"loss": math.inf, "theta": None, "step": -1}
    curve: list[tuple[int, float]] = []

    def keep_best(step: int, loss: float, theta: np.ndarray) -> None:
        if step % every:
            return
        value = cross_entropy(model_forward(theta, Xva), yva)
        curve.append((step, value))
        if value < best["loss"]:
            best.update(loss=value, theta=theta, step=step)

    from symmlp.emit.numpy import compile_model

    model_forward = compile_model(model, "softmax_ce").forward
    result = train(model, Xtr, ytr, loss="softmax_ce", lr=0.2, momentum=0.9, steps=steps,
                   batch_size=32, seed=args.seed, callback=keep_best)
    result.theta = best["theta"]
    nats = {
        "uniform": math.log(V),
        "bigram counts": bigram_loss(train_lines, test_lines, index),
        "MLP": cross_entropy(result.predict(Xte), yte),
    }
    print(f"Zen of Python: {len(text)} characters, vocabulary {V}; k = {K} previous characters; "
          f"{model!r}, {model.num_params} parameters")
    print(f"train / validation / test: {len(ytr)} / {len(yva)} / {len(yte)} characters; "
          f"best validation loss at step {best['step']} of {steps}")
    for name, value in nats.items():
        print(f"test loss per character, {name:13s}: {value:.3f} nats = {value / math.log(2):.3f} bits")
    text_out = sample(result, index, 240, np.random.default_rng(args.seed))
    print(f"sample (seed {args.seed}, temperature 0.7):")
    print(text_out.rstrip("\n"))

    fig, ax = plt.subplots(figsize=(12, 5), layout="constrained")
    bits = 1 / math.log(2)
    ax.plot(np.arange(len(result.losses)), result.losses * bits, color="tab:gray", lw=0.7, alpha=0.6,
            label="training loss (mini-batch of 32)")
    steps_v, values_v = zip(*curve)
    ax.plot(steps_v, np.array(values_v) * bits, color="tab:blue", lw=2, label="validation loss")
    ax.axvline(best["step"], color="tab:blue", ls=":", label=f"kept: step {best['step']}")
    ax.axhline(nats["uniform"] * bits, color="black", ls="--", label=f"uniform over {V} characters")
    ax.axhline(nats["bigram counts"] * bits, color="tab:orange", ls="--",
               label="bigram counts, test lines")
    ax.axhline(nats["MLP"] * bits, color="tab:green", ls="-", label="MLP (kept), test lines")
    ax.set(title=f"character-level MLP on the Zen of Python ({K} characters of context)",
           xlabel="step", ylabel="loss per character (bits)", ylim=(0, 1.3 * math.log2(V)))
    ax.legend(fontsize=9, loc="center left", bbox_to_anchor=(1.01, 0.5))
    path = args.out / "char_lm.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
