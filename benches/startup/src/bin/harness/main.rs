//! The startup benchmark: builds every program, prepares each size, times
//! whole processes with hyperfine, counts their page faults and memory,
//! breaks a thaw down into phases, checks that processes share the
//! snapshot's pages, and writes `docs/startup.md` and `docs/startup.json`.
//!
//! Run it through `benches/startup/run.sh`, which installs what it needs.
//! Usage: `harness [--sizes 1KB,1MB,90MB] [--docs DIR] [--runs N]
//! [--phase-runs N] [--processes N]`.

mod measure;
mod report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use measure::{hyperfine, interleaved, measure_sharing, phases, rusage};
use report::{load_average, Report};

type Result<T, E = String> = std::result::Result<T, E>;

/// One program measured, as hyperfine and the tables name it.
#[derive(Debug)]
pub struct Variant {
    /// Name in the tables.
    name: &'static str,
    /// Short name, for the JSON results.
    id: String,
    /// How many keys it looks up.
    lookups: usize,
    /// The command: program and arguments.
    command: Vec<PathBuf>,
    /// Whether it thaws with fastboot (run in strict mode by the check).
    fastboot: bool,
}

/// Results for one size.
#[derive(Debug)]
pub struct SizeResults {
    /// The size's name, e.g. `90MB`.
    pub name: String,
    /// Entries of the map.
    pub entries: usize,
    /// Length of the snapshot.
    pub snapshot_bytes: u64,
    /// Length of the bincode file.
    pub bincode_bytes: u64,
    /// One per program measured.
    pub rows: Vec<Row>,
    /// Per origin (section, footer, file): the breakdown's steps.
    pub breakdown: Vec<(String, Vec<Step>)>,
    /// Per origin: the library's steps.
    pub library: Vec<(String, Vec<Step>)>,
    /// What the freeze run costs.
    pub freeze: measure::FreezeCost,
}

/// A timed step: name, median nanoseconds, median page faults.
pub type Step = (String, f64, u64);

/// Whole-process results of one program.
#[derive(Debug)]
pub struct Row {
    /// Name in the tables.
    pub name: &'static str,
    /// `program/lookups`.
    pub id: String,
    /// Keys looked up.
    pub lookups: usize,
    /// Median time, seconds.
    pub median: f64,
    /// Mean time, seconds.
    pub mean: f64,
    /// Standard deviation, seconds.
    pub stddev: f64,
    /// Runs timed.
    pub runs: usize,
    /// The runs interleaved with the other programs' (see
    /// [`measure::interleaved`]), for light programs.
    pub interleaved: Option<measure::Interleaved>,
    /// Minor page faults, median.
    pub minor_faults: u64,
    /// Major page faults, median.
    pub major_faults: u64,
    /// Peak RSS, KiB, median.
    pub peak_rss_kib: u64,
}

struct Options {
    sizes: Vec<(String, usize)>,
    docs: PathBuf,
    runs: usize,
    phase_runs: usize,
    processes: usize,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("harness: error: {e}");
        std::process::exit(1);
    }
}

fn parse_options() -> Result<Options> {
    let root = workspace_root();
    let mut options = Options {
        sizes: startup_workload::SIZES
            .iter()
            .map(|&(name, n)| (name.to_owned(), n))
            .collect(),
        docs: root.join("docs"),
        runs: 20,
        phase_runs: 31,
        processes: 4,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--sizes" => {
                options.sizes = value()?
                    .split(',')
                    .map(|s| {
                        startup_workload::entries_of(s)
                            .map(|n| (s.to_owned(), n))
                            .ok_or(format!("unknown size {s}"))
                    })
                    .collect::<Result<_>>()?;
            }
            "--docs" => options.docs = PathBuf::from(value()?),
            "--runs" => options.runs = number(&value()?)?,
            "--phase-runs" => options.phase_runs = number(&value()?)?,
            "--processes" => options.processes = number(&value()?)?,
            other => return Err(format!("unknown argument {other} (see the source's usage)")),
        }
    }
    Ok(options)
}

fn number(s: &str) -> Result<usize> {
    s.parse().map_err(|_| format!("not a number: {s}"))
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run() -> Result<()> {
    let options = parse_options()?;
    // `cargo run` gives the programs it runs a library search path, which
    // every measured process would inherit and pay for: the dynamic loader
    // tries each of its directories before finding libc (over 30 failed
    // `openat` calls, about 150 µs a process here).
    if std::env::var_os("LD_LIBRARY_PATH").is_some() {
        eprintln!("harness: unsetting LD_LIBRARY_PATH for the measured programs");
        std::env::remove_var("LD_LIBRARY_PATH");
    }
    let started = Instant::now();
    let load_before = load_average();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());

    step("building the fastboot programs");
    let built = cargo_build(&cargo, "startup-bench", None)?;
    let target = fastboot_ld::__tool::target_dir(&built["fastboot_app"]);
    let work = target.join("startup-bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let work = work
        .canonicalize()
        .map_err(|e| format!("{}: {e}", work.display()))?;

    step("building the other programs");
    let plain = cargo_build(&cargo, "startup-plain", None)?;

    let mut results = Vec::new();
    for (size, entries) in &options.sizes {
        let dir = work.join(size);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        step(&format!("{size}: {entries} entries, in {}", dir.display()));
        results.push(measure_size(
            &options, &cargo, &built, &plain, size, *entries, &dir,
        )?);
    }

    let largest = options.sizes.last().expect("at least one size").0.clone();
    step(&format!(
        "{largest}: memory of {} concurrent section processes",
        options.processes
    ));
    let sharing = measure_sharing(&work.join(&largest), options.processes)?;

    let load_after = load_average();
    let report = Report {
        results: &results,
        sharing: &sharing,
        runs: options.runs,
        phase_runs: options.phase_runs,
        load_before,
        load_after,
        elapsed: started.elapsed().as_secs(),
    };
    std::fs::create_dir_all(&options.docs).map_err(|e| e.to_string())?;
    let md = options.docs.join("startup.md");
    std::fs::write(&md, report.markdown()).map_err(|e| format!("{}: {e}", md.display()))?;
    let js = options.docs.join("startup.json");
    let text = serde_json::to_string_pretty(&report.json()).expect("JSON");
    std::fs::write(&js, text + "\n").map_err(|e| format!("{}: {e}", js.display()))?;
    step(&format!(
        "wrote {} and {} in {} s",
        md.display(),
        js.display(),
        started.elapsed().as_secs()
    ));
    Ok(())
}

fn step(what: &str) {
    eprintln!("\n==> {what}");
}

/// `cargo build --release -p PACKAGE --bins`; the executables by name.
fn cargo_build(
    cargo: &std::ffi::OsStr,
    package: &str,
    rkyv_data: Option<&Path>,
) -> Result<BTreeMap<String, PathBuf>> {
    let mut command = Command::new(cargo);
    command
        .args(["build", "--release", "--bins", "--package", package])
        .arg("--message-format=json-render-diagnostics")
        .current_dir(workspace_root())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    match rkyv_data {
        Some(path) => command.env("STARTUP_RKYV_DATA", path),
        None => command.env_remove("STARTUP_RKYV_DATA"),
    };
    let output = command
        .output()
        .map_err(|e| format!("running cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo build -p {package} failed"));
    }
    Ok(
        fastboot_ld::__tool::executables(&String::from_utf8_lossy(&output.stdout))
            .into_iter()
            .map(|e| (e.name, e.path))
            .collect(),
    )
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    // Replace, never write into, a file: it may be running.
    let _ = std::fs::remove_file(to);
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}

/// Runs `command` (described as `what`) to completion: its standard
/// output, or an error if it failed.
pub fn checked(command: &mut Command, what: &str) -> Result<String> {
    let output = command
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("{what}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{what}: {}", output.status));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Freezes `binary` (a copy of a fastboot program) with `entries` entries
/// into `<binary>.snap`, where it thaws from as a file, and writes copies
/// with the snapshot embedded: `section` and `footer`. Returns the
/// snapshot's path.
fn deploy(binary: &Path, entries: usize, section: &Path, footer: &Path) -> Result<PathBuf> {
    let snap = fastboot_core::__private::snapshot_beside(binary);
    checked(
        Command::new(binary)
            .env("FASTBOOT_FREEZE", &snap)
            .env(startup_bench::ENTRIES_VAR, entries.to_string())
            .env_remove("FASTBOOT")
            .env_remove("FASTBOOT_SNAPSHOT"),
        &format!("freezing {}", binary.display()),
    )?;
    fastboot_ld::embed_section(binary, &snap, section).map_err(|e| e.to_string())?;
    fastboot_ld::embed_footer(binary, &snap, footer).map_err(|e| e.to_string())?;
    Ok(snap)
}

fn file_len(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

#[allow(
    clippy::too_many_lines,
    reason = "one size's whole pipeline, step by step; to be split with the harness's rework"
)]
fn measure_size(
    options: &Options,
    cargo: &std::ffi::OsStr,
    built: &BTreeMap<String, PathBuf>,
    plain: &BTreeMap<String, PathBuf>,
    size: &str,
    entries: usize,
    dir: &Path,
) -> Result<SizeResults> {
    // Data files, then the programs that embed them.
    print!(
        "{}",
        checked(
            Command::new(&plain["gen"])
                .arg(entries.to_string())
                .arg(dir),
            "gen"
        )?
    );
    let plain = cargo_build(cargo, "startup-plain", Some(&dir.join("data.rkyv")))?;
    for name in ["empty", "lazylock", "serde_bincode", "rkyv_include"] {
        copy(&plain[name], &dir.join(name))?;
    }
    copy(&built["fastboot_app"], &dir.join("fastboot_file"))?;
    let snap = deploy(
        &dir.join("fastboot_file"),
        entries,
        &dir.join("fastboot_section"),
        &dir.join("fastboot_footer"),
    )?;
    let freeze = measure::freeze(
        &dir.join("fastboot_file"),
        entries,
        &dir.join("freeze-cost.snap"),
        3,
    )?;
    copy(&built["phases"], &dir.join("phases_file"))?;
    deploy(
        &dir.join("phases_file"),
        entries,
        &dir.join("phases_section"),
        &dir.join("phases_footer"),
    )?;

    let program = |name: &str| dir.join(name);
    let one = PathBuf::from("1");
    let hundred = PathBuf::from("100");
    let mut variants = vec![
        ("empty main", "empty", vec![program("empty")], false),
        (
            "cold compute (LazyLock)",
            "lazylock",
            vec![
                program("lazylock"),
                one.clone(),
                PathBuf::from(entries.to_string()),
            ],
            false,
        ),
        (
            "serde + bincode, from a file",
            "bincode",
            vec![
                program("serde_bincode"),
                one.clone(),
                dir.join("data.bincode"),
            ],
            false,
        ),
    ];
    for lookups in [&one, &hundred] {
        variants.extend([
            (
                "include_bytes! + rkyv, by hand",
                "rkyv_include",
                vec![program("rkyv_include"), lookups.clone()],
                false,
            ),
            (
                "fastboot, file",
                "fastboot_file",
                vec![program("fastboot_file"), lookups.clone()],
                true,
            ),
            (
                "fastboot, footer",
                "fastboot_footer",
                vec![program("fastboot_footer"), lookups.clone()],
                true,
            ),
            (
                "fastboot, section",
                "fastboot_section",
                vec![program("fastboot_section"), lookups.clone()],
                true,
            ),
        ]);
    }
    let variants: Vec<Variant> = variants
        .into_iter()
        .map(|(name, id, command, fastboot)| {
            let lookups = if command.len() > 1 && command[1] == hundred {
                100
            } else {
                1
            };
            Variant {
                name,
                id: format!("{id}/{lookups}"),
                lookups,
                command,
                fastboot,
            }
        })
        .collect();

    // Every program must print the same line (and the fastboot ones must
    // thaw: strict mode makes anything else fatal).
    let mut expected: BTreeMap<usize, String> = BTreeMap::new();
    for variant in variants.iter().filter(|v| v.id != "empty/1") {
        let mut command = Command::new(&variant.command[0]);
        command.args(&variant.command[1..]);
        if variant.fastboot {
            command.env("FASTBOOT", "strict");
        }
        let out = checked(&mut command, variant.name)?;
        let line = expected
            .entry(variant.lookups)
            .or_insert_with(|| out.clone());
        if *line != out {
            return Err(format!("{} printed {out:?}, others {line:?}", variant.name));
        }
    }
    for line in expected.values() {
        eprintln!("every program printed: {}", line.trim());
    }

    let timings = hyperfine(&variants, &dir.join("hyperfine.json"))?;
    let medians: Vec<f64> = timings.iter().map(|t| t.0).collect();
    let interleaved = interleaved(&variants, &medians)?;
    let mut rows = Vec::new();
    for ((variant, (median, mean, stddev, runs)), interleaved) in
        variants.iter().zip(timings).zip(interleaved)
    {
        let usage = rusage(&variant.command, options.runs)?;
        rows.push(Row {
            name: variant.name,
            id: variant.id.clone(),
            lookups: variant.lookups,
            median,
            mean,
            stddev,
            runs,
            interleaved,
            minor_faults: usage.0,
            major_faults: usage.1,
            peak_rss_kib: usage.2,
        });
    }

    let mut breakdown = Vec::new();
    let mut library = Vec::new();
    for origin in ["section", "footer", "file"] {
        let program = dir.join(format!("phases_{origin}"));
        breakdown.push((
            origin.to_owned(),
            phases(&program, "breakdown", origin, options.phase_runs)?,
        ));
        library.push((
            origin.to_owned(),
            phases(&program, "library", origin, options.phase_runs)?,
        ));
    }

    Ok(SizeResults {
        name: size.to_owned(),
        entries,
        snapshot_bytes: file_len(&snap)?,
        bincode_bytes: file_len(&dir.join("data.bincode"))?,
        rows,
        breakdown,
        library,
        freeze,
    })
}
