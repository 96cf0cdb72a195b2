//! Writing the results: `docs/startup.md` (tables) and `docs/startup.json`
//! (the same numbers, for the plot and for anyone's own analysis).

use std::fmt::Write as _;
use std::process::Command;

use serde_json::{json, Value};

use crate::many::ManyStatics;
use crate::measure::Sharing;
use crate::{PerOrigin, Row, SizeResults, Step};

/// Everything measured, and the conditions it was measured in.
pub struct Report<'a> {
    pub results: &'a [SizeResults],
    pub sharing: &'a [Sharing],
    pub many: &'a ManyStatics,
    pub runs: usize,
    pub phase_runs: usize,
    pub load_before: String,
    pub load_after: String,
    pub elapsed: u64,
}

/// The steps of the breakdown, in the order a thaw takes them.
const STEP_ORDER: [&str; 12] = [
    "section lookup (program headers)",
    "footer: open, read, mmap",
    "file: open, mmap",
    "header parse (checksummed)",
    "build-id check",
    "entry lookup (binary search)",
    "fingerprint and alignment check",
    "checksum (file only)",
    "rkyv validation (file only)",
    "first page touch (root)",
    "first lookup",
    "100 lookups",
];

/// Steps that are uses of the value, not part of thawing it.
fn is_lookup(step: &str) -> bool {
    step == "first lookup" || step == "100 lookups"
}

pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| {
                l.strip_prefix("model name")?
                    .split_once(':')
                    .map(|(_, v)| v.trim().to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

fn human_time(seconds: f64) -> String {
    match seconds {
        s if s >= 1.0 => format!("{s:.2} s"),
        s if s >= 1e-3 => format!("{:.3} ms", s * 1e3),
        s => format!("{:.1} µs", s * 1e6),
    }
}

fn human_bytes(bytes: u64) -> String {
    match bytes as f64 {
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b if b >= 1e3 => format!("{:.1} KB", b / 1e3),
        b => format!("{b} bytes"),
    }
}

/// A difference of times, with its sign.
fn signed_time(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "−" } else { "+" };
    format!("{sign}{}", human_time(seconds.abs()))
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or("–".into(), |r| format!("{r:.2}×"))
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

impl SizeResults {
    fn row(&self, id: &str) -> &Row {
        self.rows
            .iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no results for {id}"))
    }

    /// Median time of `id` over median time of `to`: hyperfine's, and the
    /// interleaved runs' if both were interleaved in the same rounds (the
    /// light ones' or the heavy ones').
    fn ratio(&self, id: &str, to: &str) -> (f64, Option<f64>) {
        let (a, b) = (self.row(id), self.row(to));
        let interleaved = match (a.interleaved, b.interleaved) {
            (Some(m), _) if to == "empty/1" => Some(m.median / m.empty_median),
            (Some(m), Some(n)) if a.lookups == b.lookups => Some(m.median / n.median),
            _ => match (a.heavy_interleaved, b.heavy_interleaved) {
                (Some(m), Some(n)) => Some(m.median / n.median),
                _ => None,
            },
        };
        (a.median / b.median, interleaved)
    }

    fn step(&self, library: bool, origin: &str, step: &str) -> Option<&Step> {
        let table = if library {
            &self.library
        } else {
            &self.breakdown
        };
        table
            .iter()
            .find(|(o, _)| o == origin)?
            .1
            .iter()
            .find(|s| s.name == step)
    }

    /// The library's thaw in process: `init()` and the first access (ns).
    fn library_thaw(&self, origin: &str) -> f64 {
        ["fastboot::init()", "first access (thaw + root)"]
            .iter()
            .filter_map(|step| self.step(true, origin, step))
            .map(|s| s.median_ns)
            .sum()
    }

    /// Page faults of the library's thaw in process.
    fn thaw_faults(&self, origin: &str) -> u64 {
        ["fastboot::init()", "first access (thaw + root)"]
            .iter()
            .filter_map(|step| self.step(true, origin, step))
            .map(|s| s.faults)
            .sum()
    }

    /// `id`'s median and the empty main's: from the light programs'
    /// interleaved rounds if `id` was in them; else its median in the heavy
    /// programs' rounds, beside the empty main's of the light ones; else
    /// hyperfine's.
    fn against_empty(&self, id: &str) -> PassMedians {
        let (row, empty) = (self.row(id), self.row("empty/1"));
        match (row.interleaved, row.heavy_interleaved, empty.interleaved) {
            (Some(i), _, _) => PassMedians {
                median: i.median,
                empty: i.empty_median,
                mark: "",
            },
            (None, Some(h), Some(e)) => PassMedians {
                median: h.median,
                empty: e.median,
                mark: " ‡",
            },
            _ => PassMedians {
                median: row.median,
                empty: empty.median,
                mark: " †",
            },
        }
    }

    /// Extra page faults of `program` doing 100 lookups instead of 1.
    fn extra_faults(&self, program: &str) -> i64 {
        let faults = |id: String| i64::try_from(self.row(&id).minor_faults).unwrap_or(i64::MAX);
        faults(format!("{program}/100")) - faults(format!("{program}/1"))
    }
}

impl Report<'_> {
    pub fn json(&self) -> Value {
        json!({
            "machine": {
                "cpu": cpu_model(),
                "kernel": command_line("uname", &["-r"]),
                "rustc": command_line("rustc", &["--version"]),
                "hyperfine": command_line("hyperfine", &["--version"]),
                "load_before": self.load_before,
                "load_after": self.load_after,
            },
            "sizes": self.results.iter().map(size_json).collect::<Vec<_>>(),
            "sharing": self.sharing.iter().map(|s| json!({
                "rss_kib": s.rss, "pss_kib": s.pss,
                "snapshot_rss_kib": s.snapshot_rss, "snapshot_pss_kib": s.snapshot_pss,
                "snapshot_shared_clean_kib": s.snapshot_shared_clean,
                "snapshot_private_kib": s.snapshot_private,
            })).collect::<Vec<_>>(),
            "many_statics": {
                "rows": self.many.rows.iter().map(|r| json!({
                    "id": r.id, "median_s": r.median,
                    "interleaved_median_s": r.interleaved.map(|i| i.median),
                    "interleaved_empty_median_s": r.interleaved.map(|i| i.empty_median),
                    "minor_faults": r.minor_faults, "peak_rss_kib": r.peak_rss_kib,
                })).collect::<Vec<_>>(),
                "first_access_ns": self.many.phases.first,
                "other_first_access_ns": self.many.phases.other_first,
                "later_access_ns": self.many.phases.later,
                "phase_runs": self.many.phase_runs,
            },
        })
    }

    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let w = &mut md;
        let _ = writeln!(w, "# Startup benchmark\n");
        let _ = writeln!(
            w,
            "Written by `benches/startup/run.sh` (see [its README](../benches/startup/README.md) \
             for what each program is and for the analysis); do not edit by hand. \
             Machine: {}, {} cores, Linux {}; {}; {}. Load average before: {}, after: {}. \
             The whole run took {} s.\n",
            cpu_model(),
            std::thread::available_parallelism().map_or(0, std::num::NonZero::get),
            command_line("uname", &["-r"]),
            command_line("rustc", &["--version"]),
            command_line("hyperfine", &["--version"]),
            self.load_before,
            self.load_after,
            self.elapsed,
        );
        let _ = writeln!(
            w,
            "**Warm page cache**: every program and data file is read by a check run and \
             by 3 warm-up runs before it is timed; nothing is dropped from the cache. \
             Every program obtains the same `HashMap<String, Vec<u32>>`, looks up the same \
             keys (1, or 100 spread evenly over the map) and prints the same line.\n\n\
             Times: hyperfine `-N --warmup 3`, every program of a size in one hyperfine run; \
             hyperfine runs a program's runs one after the other, so a change of the machine's \
             load during its minutes can favour one program over another. The *interleaved* \
             medians come from a second pass that runs every program once in turn, round after \
             round (about 2 s of runs per program, after 3 warm-up rounds), with the programs \
             doing as many lookups and `empty main`; it leaves out the heavy programs (over 4× \
             empty main), since a process that has touched tens of megabytes slows down the \
             next one by hundreds of µs. The heavy programs doing 1 lookup are interleaved \
             among themselves instead, in a third pass (at least 10 rounds; medians marked ‡, \
             compared only with one another). Where both exist, the interleaved ratios are the \
             ones the targets are judged on. \
             Page faults (minor; major faults: {}) and peak RSS: medians of {} runs, counted \
             from `execve` to exit (ptrace stops; `/proc/PID/stat`, `VmHWM`).\n",
            if self
                .results
                .iter()
                .flat_map(|s| &s.rows)
                .all(|r| r.major_faults == 0)
            {
                "none"
            } else {
                "some, see startup.json"
            },
            self.runs
        );
        for size in self.results {
            size_table(w, size);
        }
        self.modes_table(w);
        self.freeze_table(w);
        self.phase_tables(w);
        self.sharing_table(w);
        self.many_statics_table(w);
        self.targets(w);
        md
    }

    /// The program with 1,000 small frozen statics against `empty main`.
    fn many_statics_table(&self, w: &mut String) {
        let many = self.many;
        let _ = writeln!(
            w,
            "## 1,000 frozen statics
"
        );
        let _ = writeln!(
            w,
            "[`many_statics`](../benches/startup/src/bin/many_statics.rs): 1,000 small frozen \
             statics (a `u64` each), its snapshot in its section; it reads every one, then every \
             one again, and prints the sum. Whole processes, medians interleaved with `empty \
             main` (as above):\n"
        );
        let _ = writeln!(w, "| program | hyperfine median | interleaved median | × empty main | minor faults | peak RSS |");
        let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|");
        for row in &many.rows {
            let ratio = row.interleaved.map_or("–".into(), |i| {
                format!("{:.2}×", i.median / i.empty_median)
            });
            let _ = writeln!(
                w,
                "| {} | {} | {} | {ratio} | {} | {} KiB |",
                row.name,
                human_time(row.median),
                interleaved_cell(row),
                row.minor_faults,
                row.peak_rss_kib
            );
        }
        let _ = writeln!(
            w,
            "\nIn process, as the program measures its accesses (`Instant` around each loop; \
             medians of {} processes): the very first access, which locates and parses the \
             snapshot, **{:.1} µs**; each of the 999 other first accesses, **{:.1} ns**; each \
             later access (the value's memory already touched), **{:.1} ns**.\n",
            many.phase_runs,
            many.phases.first / 1e3,
            many.phases.other_first,
            many.phases.later,
        );
    }

    fn modes_table(&self, w: &mut String) {
        let _ = writeln!(
            w,
            "## Modes: the first access against computing\n\n\
             The program of each mode (`#[fastboot::frozen]`, `#[fastboot::frozen(deserialize)]`, \
             `#[fastboot::frozen(serde)]`), its snapshot in its `fastboot` section, doing 1 \
             lookup, beside cold compute (the same map built in a `LazyLock`). Medians from the \
             interleaved rounds: with `empty main` for a program light enough to be in them, \
             among the heavy programs otherwise (‡, against the empty main's median of the \
             light rounds); hyperfine's only where neither exists (†). *Over empty main*: the \
             median less the empty main's, what obtaining the value (thawing, deserializing or \
             computing it) and a larger program cost a process, within the machine's noise at \
             the small sizes. *Cold compute ÷ this*: the ratio of the two medians shown.\n\n\
             | size | program | returns | median | × empty main | over empty main | cold compute ÷ this | page faults | peak RSS |\n\
             |---|---|---|--:|--:|--:|--:|--:|--:|"
        );
        for size in self.results {
            for (program, returns, id) in MODE_PROGRAMS {
                let pass = size.against_empty(id);
                let cold = size.against_empty("lazylock/1");
                let row = size.row(id);
                let _ = writeln!(
                    w,
                    "| {} | {program} | {returns} | {}{} | {:.2}× | {} | {:.2}× | {} | {} |",
                    size.name,
                    human_time(pass.median),
                    pass.mark,
                    pass.median / pass.empty,
                    signed_time(pass.median - pass.empty),
                    cold.median / pass.median,
                    row.minor_faults,
                    human_bytes(row.peak_rss_kib * 1024),
                );
            }
        }
        w.push('\n');
    }

    fn freeze_table(&self, w: &mut String) {
        let _ = writeln!(
            w,
            "## Freezing\n\n\
             The freeze run of the fastboot program of each mode (`FASTBOOT_FREEZE`): medians \
             of 3 runs. \
             *Freezing* is all of it but computing the value (archiving in a canonical order, \
             writing the file, flushing it to disk, and the process's start and exit); its \
             throughput is in bytes of snapshot. Peak RSS is that of the freeze run, beside \
             the cold-compute program's, which holds the value; the last column is the \
             difference in units of the snapshot's size.\n\n\
             *Archiving* is rkyv's for `zero-copy` and `deserialize` (the same archive), \
             MessagePack's (rmp-serde) for `serde`.\n\n\
             | size | mode | snapshot | run | computing | archiving | freezing | throughput | peak RSS | value's RSS | (peak − value) / snapshot |\n\
             |---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
        );
        for size in self.results {
            let value_kib = row_of(size, "lazylock/1").peak_rss_kib;
            for freeze in &size.freezes {
                let (f, bytes) = (&freeze.cost, freeze.snapshot_bytes);
                let freezing = f.wall - f.computed;
                let _ = writeln!(
                    w,
                    "| {} | {} | {} | {} | {} | {} | {} | {:.0} MB/s | {} | {} | {:.2} |",
                    size.name,
                    freeze.mode,
                    human_bytes(bytes),
                    human_time(f.wall),
                    human_time(f.computed),
                    human_time(f.archived),
                    human_time(freezing),
                    bytes as f64 / freezing / 1e6,
                    human_bytes(f.peak_rss_kib * 1024),
                    human_bytes(value_kib * 1024),
                    (f.peak_rss_kib as f64 - value_kib as f64) * 1024.0 / bytes as f64,
                );
            }
        }
        w.push('\n');
    }

    fn phase_tables(&self, w: &mut String) {
        let _ = writeln!(w, "## Phase breakdown\n");
        let _ = writeln!(
            w,
            "Inside one fresh process (`phases breakdown`, deployed like `fastboot_app`): each \
             step the library takes on the first access of a frozen static, done with \
             fastboot-core's public pieces and timed with `Instant` (CLOCK_MONOTONIC); page \
             faults from `getrusage`. Medians of {} processes, in µs (page faults in \
             parentheses). Then the library's own path (`phases library`): \
             `fastboot::init()` (locates the snapshot, checks its header and build-id), the \
             first access of the frozen static (entry, fingerprint, for a file checksum and \
             validation, and the root), and 100 lookups.\n",
            self.phase_runs,
        );
        for size in self.results {
            phase_table(w, size);
        }
    }

    fn sharing_table(&self, w: &mut String) {
        let largest = self.results.last().expect("a size");
        let n = self.sharing.len().max(1) as u64;
        let _ = writeln!(w, "## Memory: processes share the snapshot\n");
        let _ = writeln!(
            w,
            "{n} processes of the section-embedded {} program (`phases hold`) run at once; \
             each has read every entry of the map (so every page of the snapshot) and waits. \
             From `/proc/PID/smaps_rollup` (whole process) and `/proc/PID/smaps` (the mapping \
             holding the snapshot), in KiB:\n",
            largest.name
        );
        let _ = writeln!(
            w,
            "| process | Rss | Pss | snapshot Rss | snapshot Pss | snapshot Shared_Clean | snapshot private |"
        );
        let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|--:|");
        for (i, s) in self.sharing.iter().enumerate() {
            let _ = writeln!(
                w,
                "| {} | {} | {} | {} | {} | {} | {} |",
                i + 1,
                s.rss,
                s.pss,
                s.snapshot_rss,
                s.snapshot_pss,
                s.snapshot_shared_clean,
                s.snapshot_private
            );
        }
        let rss: u64 = self.sharing.iter().map(|s| s.snapshot_rss).sum();
        let pss: u64 = self.sharing.iter().map(|s| s.snapshot_pss).sum();
        let _ = writeln!(
            w,
            "\nThe snapshot's pages are the page cache's pages of the executable file, mapped \
             into every process: each process's snapshot Pss is {:.1}% of its Rss (1/{n} = \
             {:.1}% when fully shared), so the {n} processes together hold {} KiB of snapshot, \
             once, not {n} × {} KiB. A deserialized map (serde + bincode) is private heap memory \
             in every process instead: see its peak RSS above.\n",
            100.0 * pss as f64 / rss.max(1) as f64,
            100.0 / n as f64,
            pss,
            rss / n
        );
    }

    fn targets(&self, w: &mut String) {
        let large = self.results.last().expect("a size");
        let _ = writeln!(w, "## Targets (issue #4)\n");
        let _ = writeln!(
            w,
            "At {} ({} entries) unless said; ratios judged on the interleaved medians. The \
             analysis of each target missed is in `benches/startup/README.md`.\n",
            large.name,
            thousands(large.entries)
        );
        let _ = writeln!(w, "| target | measured | met |");
        let _ = writeln!(w, "|---|---|:-:|");
        let targets = [
            section_target(large),
            self.flatness_targets(),
            speed_targets(large),
            rkyv_targets(large),
            faults_target(large),
        ];
        for Target {
            name,
            measured,
            met,
        } in targets.into_iter().flatten()
        {
            let met = if met { "yes" } else { "**no**" };
            let _ = writeln!(w, "| {name} | {measured} | {met} |");
        }
        let _ = writeln!(w);
    }

    /// The thaw's cost is the same at every size, per origin.
    fn flatness_targets(&self) -> Vec<Target> {
        let large = self.results.last().expect("a size");
        let small = self.results.first().expect("a size");
        ORIGINS
            .into_iter()
            .map(|origin| {
                let (a, b) = (small.library_thaw(origin), large.library_thaw(origin));
                let (fa, fb) = (small.thaw_faults(origin), large.thaw_faults(origin));
                let path: Vec<String> = self
                    .results
                    .iter()
                    .map(|size| {
                        format!(
                            "{:.1} µs ({} faults)",
                            size.library_thaw(origin) / 1e3,
                            size.thaw_faults(origin)
                        )
                    })
                    .collect();
                Target {
                    name: format!(
                        "thaw cost flat from {} to {} ({origin})",
                        small.name, large.name
                    ),
                    measured: format!("{}: `init()` + first access, in process", path.join(" → ")),
                    // Flat: no work that grows with the size. A snapshot
                    // larger than a page has its header and its root on
                    // pages of their own: up to 2 more page faults, and at
                    // most 20 µs more.
                    met: fb <= fa + 2 && b <= a + 20_000.0,
                }
            })
            .collect()
    }
}

/// A program's median and the empty main's it is compared with.
struct PassMedians {
    /// The program's median, seconds.
    median: f64,
    /// The empty main's, seconds.
    empty: f64,
    /// Which pass: the light rounds (empty), the heavy rounds (‡), or
    /// hyperfine's run (†).
    mark: &'static str,
}

/// The programs of the modes table: name, what its frozen function
/// returns, and its id.
const MODE_PROGRAMS: [(&str, &str, &str); 4] = [
    ("cold compute (LazyLock)", "–", "lazylock/1"),
    (
        "zero-copy (fastboot, section)",
        "`&'static Archived<T>`",
        "fastboot_section/1",
    ),
    (
        "deserialize (section)",
        "`&'static T`",
        "fastboot_deserialize_section/1",
    ),
    (
        "serde (section)",
        "`&'static T`",
        "fastboot_serde_section/1",
    ),
];

/// One row of the targets' table.
struct Target {
    name: String,
    measured: String,
    met: bool,
}

/// The section process against the empty one.
fn section_target(large: &SizeResults) -> Vec<Target> {
    let (section, section_i) = large.ratio("fastboot_section/1", "empty/1");
    vec![Target {
        name: "section path process ≤ 1.2× empty main".into(),
        measured: format!(
            "{section:.2}× ({} vs {}); interleaved {}",
            human_time(large.row("fastboot_section/1").median),
            human_time(large.row("empty/1").median),
            times(section_i)
        ),
        met: section_i.unwrap_or(section) <= 1.2,
    }]
}

/// Against computing the value and against deserializing a file.
fn speed_targets(large: &SizeResults) -> Vec<Target> {
    let (cold, _) = large.ratio("lazylock/1", "fastboot_section/1");
    let compute = large.row("lazylock/1").median - large.row("empty/1").median;
    let thaw = large.library_thaw("section") / 1e9;
    let mut targets = vec![Target {
        name: "≥ 1000× faster than cold compute".into(),
        measured: format!(
            "{cold:.0}× process to process (section); the value alone: {} to compute, \
             {} to thaw ({:.0}×)",
            human_time(compute),
            human_time(thaw),
            compute / thaw
        ),
        met: cold >= 1000.0,
    }];
    for origin in ORIGINS {
        let (r, r_i) = large.ratio("bincode/1", &format!("fastboot_{origin}/1"));
        targets.push(Target {
            name: format!("≥ 100× faster than serde + bincode ({origin})"),
            measured: format!("{r:.0}×"),
            met: r_i.unwrap_or(r) >= 100.0,
        });
    }
    targets
}

/// Against the same archive included in the program by hand.
fn rkyv_targets(large: &SizeResults) -> Vec<Target> {
    let mut targets = Vec::new();
    for origin in ORIGINS {
        for lookups in [1, 100] {
            let (r, r_i) = large.ratio(
                &format!("fastboot_{origin}/{lookups}"),
                &format!("rkyv_include/{lookups}"),
            );
            let percent = |r: f64| format!("{:+.1}%", (r - 1.0) * 100.0);
            targets.push(Target {
                name: format!(
                    "within 5% of include_bytes! + rkyv ({origin}, {lookups} lookup{})",
                    if lookups > 1 { "s" } else { "" }
                ),
                measured: format!(
                    "{}; interleaved {}",
                    percent(r),
                    r_i.map_or("–".into(), percent)
                ),
                met: r_i.unwrap_or(r) <= 1.05,
            });
        }
    }
    targets
}

/// The page faults of touching many entries.
fn faults_target(large: &SizeResults) -> Vec<Target> {
    let in_process = large
        .step(false, "section", "100 lookups")
        .map_or(0, |s| s.faults);
    let extra = large.extra_faults("fastboot_section");
    vec![Target {
        name: "touching 100 of the entries ≤ 200 extra page faults".into(),
        measured: format!(
            "section process: {extra} more faults with 100 lookups than with 1 \
             (include_bytes! + rkyv: {}); in process: {in_process} for the 100 lookups",
            large.extra_faults("rkyv_include")
        ),
        met: extra <= 200,
    }]
}

/// The table of whole-process results of one size.
fn size_table(w: &mut String, size: &SizeResults) {
    let _ = writeln!(
        w,
        "## {}: {} entries (snapshot {}, bincode file {})\n",
        size.name,
        thousands(size.entries),
        human_bytes(size.snapshot_bytes),
        human_bytes(size.bincode_bytes)
    );
    let _ = writeln!(
        w,
        "| program | lookups | median | × empty main | σ | interleaved median | × empty main \
         | page faults | peak RSS |"
    );
    let _ = writeln!(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|");
    let empty = size.row("empty/1").median;
    for r in &size.rows {
        let lookups = if r.id == "empty/1" {
            "–".to_owned()
        } else {
            r.lookups.to_string()
        };
        let _ = writeln!(
            w,
            "| {} | {lookups} | {} | {:.2}× | {} | {} | {} | {} | {} |",
            r.name,
            human_time(r.median),
            r.median / empty,
            human_time(r.stddev),
            interleaved_cell(r),
            r.interleaved.map_or("–".into(), |i| format!(
                "{:.2}×",
                i.median / i.empty_median
            )),
            r.minor_faults,
            human_bytes(r.peak_rss_kib * 1024),
        );
    }
    let _ = writeln!(w);
}

/// A row's interleaved median: with `empty main`, or among the heavy
/// programs (‡).
fn interleaved_cell(row: &Row) -> String {
    match (row.interleaved, row.heavy_interleaved) {
        (Some(i), _) => human_time(i.median),
        (None, Some(h)) => format!("{} ‡", human_time(h.median)),
        (None, None) => "–".into(),
    }
}

/// The row of `size` whose id is `id`.
fn row_of<'s>(size: &'s SizeResults, id: &str) -> &'s Row {
    size.rows
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no row {id}"))
}

/// One size's results, for `startup.json`.
fn size_json(size: &SizeResults) -> Value {
    json!({
        "size": size.name,
        "entries": size.entries,
        "snapshot_bytes": size.snapshot_bytes,
        "bincode_bytes": size.bincode_bytes,
        "programs": size.rows.iter().map(|r| json!({
            "id": r.id,
            "name": r.name,
            "lookups": r.lookups,
            "median_s": r.median,
            "mean_s": r.mean,
            "stddev_s": r.stddev,
            "runs": r.runs,
            "interleaved_median_s": r.interleaved.map(|i| i.median),
            "interleaved_empty_median_s": r.interleaved.map(|i| i.empty_median),
            "interleaved_runs": r.interleaved.map(|i| i.runs),
            "heavy_interleaved_median_s": r.heavy_interleaved.map(|h| h.median),
            "heavy_interleaved_runs": r.heavy_interleaved.map(|h| h.runs),
            "minor_faults": r.minor_faults,
            "major_faults": r.major_faults,
            "peak_rss_kib": r.peak_rss_kib,
        })).collect::<Vec<_>>(),
        "freeze": size.freezes.iter().map(|f| json!({
            "mode": f.mode,
            "snapshot_bytes": f.snapshot_bytes,
            "wall_s": f.cost.wall,
            "computed_s": f.cost.computed,
            "archived_s": f.cost.archived,
            "peak_rss_kib": f.cost.peak_rss_kib,
        })).collect::<Vec<_>>(),
        "breakdown": steps_json(&size.breakdown),
        "library": steps_json(&size.library),
    })
}

/// Steps per origin, for `startup.json`.
fn steps_json(table: &PerOrigin) -> Value {
    table
        .iter()
        .map(|(origin, steps)| {
            let steps: Vec<Value> = steps
                .iter()
                .map(|s| json!({"step": s.name, "median_ns": s.median_ns, "faults": s.faults}))
                .collect();
            (origin.clone(), Value::from(steps))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The origins of a snapshot, in the tables' order.
const ORIGINS: [&str; 3] = ["section", "footer", "file"];

/// One size's phase breakdown and library steps.
fn phase_table(w: &mut String, size: &SizeResults) {
    let _ = writeln!(
        w,
        "### {} ({} entries)\n",
        size.name,
        thousands(size.entries)
    );
    let _ = writeln!(w, "| step | section | footer | file |");
    let _ = writeln!(w, "|---|--:|--:|--:|");
    for name in STEP_ORDER {
        if ORIGINS.iter().all(|o| size.step(false, o, name).is_none()) {
            continue;
        }
        let cells: Vec<String> = ORIGINS
            .iter()
            .map(|o| step_cell(size.step(false, o, name)))
            .collect();
        let _ = writeln!(w, "| {name} | {} |", cells.join(" | "));
        if name == "first page touch (root)" {
            let totals: Vec<String> = ORIGINS.iter().map(|o| thaw_total(size, o)).collect();
            let _ = writeln!(w, "| **thaw: the steps above** | {} |", totals.join(" | "));
        }
    }
    let library_steps: Vec<String> = size
        .library
        .first()
        .map(|(_, steps)| steps.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    for name in library_steps {
        let cells: Vec<String> = ORIGINS
            .iter()
            .map(|o| step_cell(size.step(true, o, &name)))
            .collect();
        let _ = writeln!(w, "| *library:* {name} | {} |", cells.join(" | "));
    }
    let _ = writeln!(w);
}

/// A step's cell: µs, and page faults in parentheses.
fn step_cell(step: Option<&Step>) -> String {
    step.map_or("–".to_owned(), |s| {
        format!("{:.1} ({})", s.median_ns / 1e3, s.faults)
    })
}

/// The thaw's total from `origin`: its steps but the lookups.
fn thaw_total(size: &SizeResults, origin: &str) -> String {
    let steps = size
        .breakdown
        .iter()
        .find(|(o, _)| o == origin)
        .map_or(&[][..], |(_, s)| s);
    let thaw = || steps.iter().filter(|s| !is_lookup(&s.name));
    let ns: f64 = thaw().map(|s| s.median_ns).sum();
    let faults: u64 = thaw().map(|s| s.faults).sum();
    format!("**{:.1}** ({faults})", ns / 1e3)
}
