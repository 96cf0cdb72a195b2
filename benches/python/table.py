"""The table of benches/python/run.sh, from its hyperfine run and freeze log.

usage: table.py WORK_DIR DOCS_DIR PYTHON [--runs N]

Reads WORK_DIR/hyperfine.json (the module without the frozen static first,
then the others), WORK_DIR/freeze.log (the freeze run's lines),
WORK_DIR/instructions (a variant and its count a line), WORK_DIR/load and
WORK_DIR/neighbours.snap; prints a Markdown table and
writes it to DOCS_DIR/python.md, the numbers to DOCS_DIR/python.json.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

FROZE = re.compile(r"froze (\S+) \((\d+) bytes\): computed in ([\d.]+) ms, archived in ([\d.]+) ms")


def main() -> None:
    work, docs, python, options = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
    results = json.loads((work / "hyperfine.json").read_text())["results"]
    froze = FROZE.search((work / "freeze.log").read_text())
    if not froze:
        sys.exit(f"no freeze line in {work / 'freeze.log'}")
    version = subprocess.run([python, "--version"], capture_output=True, text=True, check=True)
    load = (work / "load").read_text().strip().replace("\n", "; ")
    floor = results[0]["median"]
    counts = dict(line.split() for line in (work / "instructions").read_text().splitlines())
    rows = [
        {
            "module": r["command"],
            "median_ms": r["median"] * 1000,
            "ratio": r["median"] / floor,
            "runs": len(r["times"]),
            "instructions": int(counts[variant]) if variant in counts else None,
        }
        for r, variant in zip(results, ["without", "section", "footer", "file", "computed"])
    ]
    numbers = {
        "python": version.stdout.strip(),
        "load": load,
        "snapshot_bytes": (work / "neighbours.snap").stat().st_size,
        "computed_in_freeze_ms": float(froze.group(3)),
        "archived_in_freeze_ms": float(froze.group(4)),
        "rows": rows,
    }
    command = " ".join(["benches/python/run.sh", *options])
    lines = [
        f"`{command}`: whole `python3 -c \"import neighbours; neighbours.lookup('walk')\"` "
        f"processes ({numbers['python']}), one hyperfine run (-N, --warmup 3), medians; "
        f"{load}. Snapshot: {numbers['snapshot_bytes'] / 1e6:.1f} MB; the freeze run computed "
        f"the table in {numbers['computed_in_freeze_ms']:.0f} ms.",
        "",
        "| the module's table | median | × the module without it | runs | instructions |",
        "|---|--:|--:|--:|--:|",
    ]
    for row in rows:
        count = row["instructions"]
        count = "—" if count is None else f"{count / 1e6:.2f} M"
        lines.append(
            f"| {row['module']} | {row['median_ms']:.1f} ms | {row['ratio']:.2f}× "
            f"| {row['runs']} | {count} |"
        )
    table = "\n".join(lines) + "\n"
    (docs / "python.md").write_text(table)
    (docs / "python.json").write_text(json.dumps(numbers, indent=2) + "\n")
    print(table, end="")


if __name__ == "__main__":
    main()
