"""The table of benches/workloads/run.sh, from its hyperfine and build logs.

usage: table.py WORK_DIR DOCS_DIR RUNS NAME...

Reads, for each workload NAME (FILE: NAME with every character but a-z
replaced by '-'): WORK_DIR/FILE.json, hyperfine's export (the empty main,
the fastboot program, the original, in this order); WORK_DIR/FILE.build.log,
`cargo fastboot build`'s output, with the freeze run's lines; and
WORK_DIR/FILE.instructions, the instructions each of the three programs
executed, one count a line. Prints a Markdown table and writes it to
DOCS_DIR/workloads.md, the numbers to DOCS_DIR/workloads.json.
"""

import json
import re
import sys
from pathlib import Path

FROZE = re.compile(r"froze (\S+) \((\d+) bytes\): computed in ([\d.]+) ms, archived in ([\d.]+) ms")
WROTE = re.compile(r"\((\d+) entries, (\d+) bytes of archives")


def workload(work: Path, name: str) -> dict:
    file = re.sub("[^a-z]", "-", name)
    results = json.loads((work / f"{file}.json").read_text())["results"]
    empty, fastboot, original = (r["median"] * 1000 for r in results)
    log = (work / f"{file}.build.log").read_text()
    empty_i, fastboot_i, original_i = map(int, (work / f"{file}.instructions").read_text().split())
    froze = FROZE.findall(log)
    wrote = WROTE.search(log)
    if not froze or not wrote:
        sys.exit(f"{name}: no freeze lines in {work / (file + '.build.log')}")
    return {
        "name": name,
        "programs": [r["command"] for r in results],
        "empty_ms": empty,
        "fastboot_ms": fastboot,
        "original_ms": original,
        "empty_instructions": empty_i,
        "fastboot_instructions": fastboot_i,
        "original_instructions": original_i,
        "snapshot_bytes": int(wrote.group(2)),
        "computed_ms": sum(float(f[2]) for f in froze),
        "archived_ms": sum(float(f[3]) for f in froze),
    }


def main() -> None:
    work, docs, runs, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4:]
    rows = [workload(work, name) for name in names]
    load = (work / "load").read_text().strip().replace("\n", "; ")
    lines = [
        f"`benches/workloads/run.sh --runs {runs}`: whole processes, hyperfine -N --warmup 3, "
        f"{runs} runs each, medians; {load}.",
        "",
        "| workload | empty main | fastboot (section, strict) | original library | "
        "fastboot ÷ empty | original ÷ fastboot | instructions: empty, fastboot, original | "
        "snapshot | freeze (computed + archived) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['name']} ({r['programs'][2]}) | {r['empty_ms']:.2f} ms | {r['fastboot_ms']:.2f} ms "
            f"| {r['original_ms']:.1f} ms | {r['fastboot_ms'] / r['empty_ms']:.2f}× "
            f"| {r['original_ms'] / r['fastboot_ms']:.0f}× "
            f"| {r['empty_instructions'] / 1e6:.2f} M, {r['fastboot_instructions'] / 1e6:.2f} M, "
            f"{r['original_instructions'] / 1e6:.0f} M "
            f"| {r['snapshot_bytes'] / 1e6:.1f} MB "
            f"| {r['computed_ms']:.0f} + {r['archived_ms']:.0f} ms |"
        )
    table = "\n".join(lines) + "\n"
    print(table)
    (docs / "workloads.md").write_text(table)
    (docs / "workloads.json").write_text(json.dumps({"runs": int(runs), "load": load, "workloads": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
