//! The startup benchmark: builds every program, prepares each size, times
//! whole processes with hyperfine, counts their page faults and memory,
//! breaks a thaw down into phases, checks that processes share the
//! snapshot's pages, and writes `docs/startup.md` and `docs/startup.json`.
//!
//! Run it through `benches/startup/run.sh`, which installs what it needs.
//! Usage: `harness [--sizes 1KB,1MB,90MB[,1GB]] [--docs DIR] [--runs N]
//! [--phase-runs N] [--processes N]`.

mod many;
mod measure;
mod report;
mod sys;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use clap::Parser;

use measure::{heavy_interleaved, hyperfine, interleaved, measure_sharing, phases, rusage};
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

impl Variant {
    /// `program` doing `lookups` lookups.
    fn new(name: &'static str, id: &str, program: PathBuf, lookups: usize, fastboot: bool) -> Self {
        Variant {
            name,
            id: format!("{id}/{lookups}"),
            lookups,
            command: vec![program, PathBuf::from(lookups.to_string())],
            fastboot,
        }
    }
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
    pub breakdown: PerOrigin,
    /// Per origin: the library's steps.
    pub library: PerOrigin,
    /// What the freeze run costs, per mode.
    pub freezes: Vec<ModeFreeze>,
}

/// The freeze run of one mode's program.
#[derive(Debug)]
pub struct ModeFreeze {
    /// The mode: `zero-copy`, `deserialize` or `serde`.
    pub mode: &'static str,
    /// Length of the snapshot it writes.
    pub snapshot_bytes: u64,
    /// What it costs.
    pub cost: measure::FreezeCost,
}

/// The programs of the modes that deserialize the value at first access:
/// the mode, and the program (built by this package), deployed with its
/// snapshot in its `fastboot` section as `<program>_section`.
pub const DESERIALIZING_MODES: [(&str, &str); 2] = [
    ("deserialize", "fastboot_deserialize"),
    ("serde", "fastboot_serde"),
];

/// Steps per origin of the snapshot (`section`, `footer`, `file`).
pub type PerOrigin = Vec<(String, Vec<Step>)>;

/// A step of the phase breakdown: medians over its runs.
#[derive(Debug, Clone)]
pub struct Step {
    /// What it does.
    pub name: String,
    /// Its median time, nanoseconds.
    pub median_ns: f64,
    /// Its median page faults.
    pub faults: u64,
}

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
    /// The runs interleaved with the other heavy programs' (see
    /// [`measure::heavy_interleaved`]), for heavy programs doing 1 lookup.
    pub heavy_interleaved: Option<measure::Median>,
    /// Minor page faults, median.
    pub minor_faults: u64,
    /// Major page faults, median.
    pub major_faults: u64,
    /// Peak RSS, KiB, median.
    pub peak_rss_kib: u64,
}

/// fastboot's startup benchmark: builds every measured program, prepares
/// each size, times whole processes, and writes docs/startup.{md,json}
/// (see benches/startup/README.md). Run it through `run.sh`.
#[derive(Debug, Parser)]
#[command(name = "harness")]
struct Options {
    /// Sizes to measure, by name (1KB, 1MB, 90MB, 1GB) or number of entries
    #[arg(long, value_delimiter = ',', value_parser = size, default_value = "1KB,1MB,90MB")]
    sizes: Vec<Size>,
    /// Where to write startup.md and startup.json [default: the workspace's docs/]
    #[arg(long)]
    docs: Option<PathBuf>,
    /// Runs per program for page faults and peak RSS
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// Processes per step of the phase breakdown
    #[arg(long, default_value_t = 31)]
    phase_runs: usize,
    /// Concurrent processes for the memory-sharing measurement
    #[arg(long, default_value_t = 4)]
    processes: usize,
}

/// A size to measure: its name and number of entries.
#[derive(Debug, Clone)]
struct Size {
    name: String,
    entries: usize,
}

fn size(name: &str) -> Result<Size> {
    startup_workload::entries_of(name)
        .map(|entries| Size {
            name: name.to_owned(),
            entries,
        })
        .ok_or(format!("unknown size {name}"))
}

fn main() {
    if let Err(e) = run() {
        eprintln!("harness: error: {e}");
        std::process::exit(1);
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run() -> Result<()> {
    let options = Options::parse();
    let docs = options
        .docs
        .clone()
        .unwrap_or_else(|| workspace_root().join("docs"));
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
    let work = work_dir(&built["fastboot_app"])?;

    step("building the other programs");
    let plain = cargo_build(&cargo, "startup-plain", None)?;

    let mut results = Vec::new();
    for Size {
        name: size,
        entries,
    } in &options.sizes
    {
        let dir = work.join(size);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        step(&format!("{size}: {entries} entries, in {}", dir.display()));
        results.push(measure_size(
            &options, &cargo, &built, &plain, size, *entries, &dir,
        )?);
    }

    let largest = options
        .sizes
        .last()
        .expect("at least one size")
        .name
        .clone();
    step(&format!(
        "{largest}: memory of {} concurrent section processes",
        options.processes
    ));
    let sharing = measure_sharing(&work.join(&largest), options.processes)?;
    let many = many::measure(&options, &built, &plain["empty"], &work)?;

    let load_after = load_average();
    let report = Report {
        results: &results,
        sharing: &sharing,
        many: &many,
        runs: options.runs,
        phase_runs: options.phase_runs,
        load_before,
        load_after,
        elapsed: started.elapsed().as_secs(),
    };
    write_docs(&report, &docs)?;
    step(&format!(
        "wrote {} in {} s",
        docs.display(),
        started.elapsed().as_secs()
    ));
    Ok(())
}

/// The benchmark's working directory, `<target>/startup-bench`, absolute.
fn work_dir(built: &Path) -> Result<PathBuf> {
    let work = cargo_fastboot::cargo::build::target_dir(built).join("startup-bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    work.canonicalize()
        .map_err(|e| format!("{}: {e}", work.display()))
}

/// Writes `startup.md` and `startup.json` into `docs`.
fn write_docs(report: &Report<'_>, docs: &Path) -> Result<()> {
    let write = |path: PathBuf, text: String| {
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    std::fs::create_dir_all(docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    write(docs.join("startup.md"), report.markdown())?;
    let json = serde_json::to_string_pretty(&report.json()).expect("JSON");
    write(docs.join("startup.json"), json + "\n")
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
        cargo_fastboot::cargo::build::executables(&String::from_utf8_lossy(&output.stdout))
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
    let snap = freeze_beside(binary, entries)?;
    cargo_fastboot::snapshot::embed_section(binary, &snap, section).map_err(|e| e.to_string())?;
    cargo_fastboot::snapshot::embed_footer(binary, &snap, footer).map_err(|e| e.to_string())?;
    Ok(snap)
}

/// Freezes `binary` (a copy of a fastboot program) with `entries` entries
/// into `<binary>.snap`; returns its path.
fn freeze_beside(binary: &Path, entries: usize) -> Result<PathBuf> {
    let snap = fastboot_core::contract::snapshot_beside(binary);
    checked(
        Command::new(binary)
            .env("FASTBOOT_FREEZE", &snap)
            .env(startup_bench::ENTRIES_VAR, entries.to_string())
            .env_remove("FASTBOOT")
            .env_remove("FASTBOOT_SNAPSHOT"),
        &format!("freezing {}", binary.display()),
    )?;
    Ok(snap)
}

fn file_len(path: &Path) -> Result<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Measures one size: prepares its programs, times them, breaks a thaw
/// down into phases.
fn measure_size(
    options: &Options,
    cargo: &std::ffi::OsStr,
    built: &BTreeMap<String, PathBuf>,
    plain: &BTreeMap<String, PathBuf>,
    size: &str,
    entries: usize,
    dir: &Path,
) -> Result<SizeResults> {
    let Prepared { snap, freezes } = prepare(cargo, built, plain, entries, dir)?;
    let variants = variants(dir, entries);
    check_outputs(&variants)?;
    let rows = time_rows(&variants, options.runs, dir)?;
    let (breakdown, library) = breakdowns(dir, options.phase_runs)?;
    Ok(SizeResults {
        name: size.to_owned(),
        entries,
        snapshot_bytes: file_len(&snap)?,
        bincode_bytes: file_len(&dir.join("data.bincode"))?,
        rows,
        breakdown,
        library,
        freezes,
    })
}

/// What [`prepare`] leaves for the measurement.
struct Prepared {
    /// The snapshot of the fastboot program.
    snap: PathBuf,
    /// What freezing costs, in each mode.
    freezes: Vec<ModeFreeze>,
}

/// Writes the size's data files, builds the programs that embed them, and
/// deploys the fastboot programs (frozen; the zero-copy one embedded both
/// ways, the others in their section).
fn prepare(
    cargo: &std::ffi::OsStr,
    built: &BTreeMap<String, PathBuf>,
    plain: &BTreeMap<String, PathBuf>,
    entries: usize,
    dir: &Path,
) -> Result<Prepared> {
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
    let mut freezes = vec![ModeFreeze {
        mode: "zero-copy",
        snapshot_bytes: file_len(&snap)?,
        cost: measure::freeze(
            &dir.join("fastboot_file"),
            entries,
            &dir.join("freeze-cost.snap"),
            3,
        )?,
    }];
    for (mode, program) in DESERIALIZING_MODES {
        freezes.push(deploy_section(built, mode, program, entries, dir)?);
    }
    copy(&built["phases"], &dir.join("phases_file"))?;
    deploy(
        &dir.join("phases_file"),
        entries,
        &dir.join("phases_section"),
        &dir.join("phases_footer"),
    )?;

    Ok(Prepared { snap, freezes })
}

/// Deploys `program`, frozen in `mode`, with its snapshot in its section
/// (`<program>_section`, from the bare copy `<program>_bare`), and measures
/// its freeze run.
fn deploy_section(
    built: &BTreeMap<String, PathBuf>,
    mode: &'static str,
    program: &str,
    entries: usize,
    dir: &Path,
) -> Result<ModeFreeze> {
    let bare = dir.join(format!("{program}_bare"));
    copy(&built[program], &bare)?;
    let snap = freeze_beside(&bare, entries)?;
    let section = dir.join(format!("{program}_section"));
    cargo_fastboot::snapshot::embed_section(&bare, &snap, &section).map_err(|e| e.to_string())?;
    Ok(ModeFreeze {
        mode,
        snapshot_bytes: file_len(&snap)?,
        cost: measure::freeze(&bare, entries, &dir.join("freeze-cost.snap"), 3)?,
    })
}

/// Every program measured at one size, with 1 and 100 lookups.
fn variants(dir: &Path, entries: usize) -> Vec<Variant> {
    /// The programs measured with 1 and 100 lookups: name in the tables,
    /// program (also the id), and whether it thaws with fastboot. The
    /// zero-copy ones are light at every size; those that deserialize are
    /// not at large sizes, and [`interleaved`] leaves them out there.
    const LOOKING_UP: [(&str, &str, bool); 6] = [
        ("include_bytes! + rkyv, by hand", "rkyv_include", false),
        ("fastboot, file", "fastboot_file", true),
        ("fastboot, footer", "fastboot_footer", true),
        ("fastboot, section", "fastboot_section", true),
        (
            "fastboot deserialize, section",
            "fastboot_deserialize_section",
            true,
        ),
        ("fastboot serde, section", "fastboot_serde_section", true),
    ];
    let heavy = [
        (
            "cold compute (LazyLock)",
            "lazylock",
            "lazylock",
            PathBuf::from(entries.to_string()),
        ),
        (
            "serde + bincode, from a file",
            "bincode",
            "serde_bincode",
            dir.join("data.bincode"),
        ),
    ];
    let mut variants = vec![Variant {
        name: "empty main",
        id: "empty/1".into(),
        lookups: 1,
        command: vec![dir.join("empty")],
        fastboot: false,
    }];
    for (name, id, program, data) in heavy {
        let mut variant = Variant::new(name, id, dir.join(program), 1, false);
        variant.command.push(data);
        variants.push(variant);
    }
    for lookups in [1, 100] {
        for (name, program, fastboot) in LOOKING_UP {
            variants.push(Variant::new(
                name,
                program,
                dir.join(program),
                lookups,
                fastboot,
            ));
        }
    }
    variants
}

/// Checks that every program prints the same line (and that the fastboot
/// ones thaw: strict mode makes anything else fatal).
fn check_outputs(variants: &[Variant]) -> Result<()> {
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

    Ok(())
}

/// Times every variant with hyperfine, again interleaved (the light ones
/// with `empty main`, the heavy ones among themselves), and counts their
/// page faults and memory.
fn time_rows(variants: &[Variant], runs: usize, dir: &Path) -> Result<Vec<Row>> {
    let timings = hyperfine(variants, &dir.join("hyperfine.json"))?;
    let medians: Vec<f64> = timings.iter().map(|t| t.median).collect();
    let interleaved = interleaved(variants, &medians)?;
    let heavy = heavy_interleaved(variants, &medians)?;
    let mut rows = Vec::new();
    for (((variant, timing), interleaved), heavy_interleaved) in
        variants.iter().zip(timings).zip(interleaved).zip(heavy)
    {
        let usage = rusage(&variant.command, runs)?;
        rows.push(Row {
            name: variant.name,
            id: variant.id.clone(),
            lookups: variant.lookups,
            median: timing.median,
            mean: timing.mean,
            stddev: timing.stddev,
            runs: timing.runs,
            interleaved,
            heavy_interleaved,
            minor_faults: usage.minor_faults,
            major_faults: usage.major_faults,
            peak_rss_kib: usage.peak_rss_kib,
        });
    }

    Ok(rows)
}

/// The phase breakdown and the library's own steps, per origin.
fn breakdowns(dir: &Path, runs: usize) -> Result<(PerOrigin, PerOrigin)> {
    let mut breakdown = Vec::new();
    let mut library = Vec::new();
    for origin in ["section", "footer", "file"] {
        let program = dir.join(format!("phases_{origin}"));
        breakdown.push((
            origin.to_owned(),
            phases(&program, "breakdown", origin, runs)?,
        ));
        library.push((
            origin.to_owned(),
            phases(&program, "library", origin, runs)?,
        ));
    }

    Ok((breakdown, library))
}
