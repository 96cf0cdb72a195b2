"""Plots the startup benchmark: docs/startup.json -> docs/startup.png.

Usage: python3 plot.py STARTUP_JSON OUTPUT_PNG (run by run.sh, with
matplotlib installed in a virtual environment).
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402

PROGRAMS = [
    ("empty", "empty main", "#9e9e9e"),
    ("lazylock", "cold compute (LazyLock)", "#d62728"),
    ("bincode", "serde + bincode, file", "#ff7f0e"),
    ("rkyv_include", "include_bytes! + rkyv", "#8c564b"),
    ("fastboot_file", "fastboot, file", "#aec7e8"),
    ("fastboot_footer", "fastboot, footer", "#6baed6"),
    ("fastboot_section", "fastboot, section", "#1f4e99"),
    ("fastboot_deserialize_section", "fastboot deserialize, section", "#2ca02c"),
    ("fastboot_serde_section", "fastboot serde, section", "#9467bd"),
]
ZERO_COPY = PROGRAMS[3:7]


def main(source, target):
    with open(source) as f:
        data = json.load(f)
    sizes = data["sizes"]

    def program(size, pid, lookups=1):
        for p in size["programs"]:
            if p["id"] == f"{pid}/{lookups}":
                return p
        raise KeyError(pid)

    def ratio_to_empty(size, p):
        """Interleaved ratio if measured (light programs), else hyperfine's."""
        if p.get("interleaved_median_s"):
            return p["interleaved_median_s"] / p["interleaved_empty_median_s"]
        return p["median_s"] / program(size, "empty")["median_s"]

    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 6.2), width_ratios=[1.25, 1])
    width = 0.8 / len(PROGRAMS)

    # Left: every program, median time, log scale.
    for i, (pid, label, color) in enumerate(PROGRAMS):
        xs = [g + (i - (len(PROGRAMS) - 1) / 2) * width for g in range(len(sizes))]
        ms = [program(s, pid)["median_s"] * 1e3 for s in sizes]
        bars = left.bar(xs, ms, width, label=label, color=color)
        for bar, value in zip(bars, ms):
            text = f"{value:.2f}" if value < 10 else f"{value:.0f}"
            left.annotate(
                text,
                (bar.get_x() + bar.get_width() / 2, value),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90,
            )
    left.set_yscale("log")
    left.set_ylabel("whole process, median (ms, log scale)")
    left.set_xticks(
        range(len(sizes)),
        [f"{s['size']}\n{s['entries']:,} entries" for s in sizes],
    )
    left.set_title("Start, get the map, 1 lookup, print, exit")
    left.legend(fontsize=8, loc="upper left")
    left.grid(axis="y", which="major", alpha=0.3)
    top = max(program(s, p)["median_s"] * 1e3 for s in sizes for p, _, _ in PROGRAMS)
    left.set_ylim(0.5, top * 8)
    left.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))

    # Right: the zero-copy programs as a multiple of empty main, 1 and 100
    # lookups, at every size.
    cap = 2.0
    groups = [(s, n) for s in sizes for n in (1, 100)]
    w = 0.8 / len(ZERO_COPY)
    for i, (pid, label, color) in enumerate(ZERO_COPY):
        xs = [g + (i - (len(ZERO_COPY) - 1) / 2) * w for g in range(len(groups))]
        ratios = [ratio_to_empty(s, program(s, pid, n)) for s, n in groups]
        bars = right.bar(xs, [min(r, cap) for r in ratios], w, label=label, color=color)
        for bar, r in zip(bars, ratios):
            right.annotate(
                f"{r:.2f}" if r < 10 else f"{r:.0f}",
                (bar.get_x() + bar.get_width() / 2, min(r, cap)),
                xytext=(0, 2),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=7,
                rotation=90,
                fontweight="bold" if r > cap else "normal",
            )
    right.axhline(1.0, color="#9e9e9e", linewidth=1)
    right.axhline(1.2, color="#2ca02c", linewidth=1, linestyle="--", label="1.2× empty main")
    right.set_ylim(0.8, cap * 1.15)
    right.set_xticks(
        range(len(groups)),
        [f"{s['size']}\n{n} lookup{'s' if n > 1 else ''}" for s, n in groups],
        fontsize=8,
    )
    right.set_ylabel(f"× empty main (interleaved medians; bars cut at {cap:g}×)")
    right.set_xlabel("heavy programs (not interleaved): hyperfine medians", fontsize=8)
    right.set_title("Zero-copy programs against the empty process")
    right.legend(fontsize=8, loc="upper left")
    right.grid(axis="y", alpha=0.3)

    machine = data.get("machine", {})
    fig.suptitle(
        "fastboot startup benchmark (hyperfine -N, warm page cache; "
        f"{machine.get('cpu', '')}, Linux {machine.get('kernel', '')})",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(target, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
