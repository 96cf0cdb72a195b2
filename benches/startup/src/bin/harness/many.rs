//! The many-statics program: 1,000 small frozen statics, thawed from its
//! section, timed as a whole process against an empty `main` (interleaved),
//! and its phases in process, as the program measures them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{checked, copy, freeze_beside, step, time_rows, Options, Result, Row, Variant};

/// How many frozen statics `many_statics` has.
pub const STATICS: usize = 1000;

/// What was measured of the many-statics program.
#[derive(Debug)]
pub struct ManyStatics {
    /// `empty main`, then the program: whole processes.
    pub rows: Vec<Row>,
    /// Its phases in process, nanoseconds, medians of the runs.
    pub phases: Phases,
    /// Processes run for the phases.
    pub phase_runs: usize,
}

/// The program's own measurement of its accesses (see its source), in
/// nanoseconds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Phases {
    /// The very first access, which locates the snapshot.
    pub first: f64,
    /// Each other first access.
    pub other_first: f64,
    /// Each later access.
    pub later: f64,
}

/// Deploys `many_statics` with its snapshot in its section, in
/// `<work>/many-statics`, and measures it against `empty`.
pub fn measure(
    options: &Options,
    built: &BTreeMap<String, PathBuf>,
    empty: &Path,
    work: &Path,
) -> Result<ManyStatics> {
    step(&format!("{STATICS} frozen statics, section"));
    let (runs, phase_runs) = (options.runs, options.phase_runs);
    let dir = &work.join("many-statics");
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let bare = dir.join("many_statics_bare");
    copy(&built["many_statics"], &bare)?;
    let snap = freeze_beside(&bare, 0)?;
    let section = dir.join("many_statics_section");
    cargo_fastboot::snapshot::embed_section(&bare, &snap, &section).map_err(|e| e.to_string())?;
    copy(empty, &dir.join("empty"))?;

    // Strict: every one of them thawed, or the run fails.
    let computed = run(&section, &[("FASTBOOT", "off")])?;
    let thawed = run(&section, &[("FASTBOOT", "strict")])?;
    if computed.lines().next() != thawed.lines().next() {
        return Err(format!(
            "many_statics: thawed {thawed:?}, computed {computed:?}"
        ));
    }

    let variants = [
        Variant {
            name: "empty main",
            id: "empty/1".into(),
            lookups: 1,
            command: vec![dir.join("empty")],
            fastboot: false,
        },
        Variant {
            name: "1,000 frozen statics, section",
            id: "many_statics/1".into(),
            lookups: 1,
            command: vec![section.clone()],
            fastboot: true,
        },
    ];
    let rows = time_rows(&variants, runs, dir)?;

    let mut samples: Vec<Phases> = Vec::with_capacity(phase_runs);
    for _ in 0..phase_runs {
        samples.push(phases(&run(&section, &[])?)?);
    }
    let median = |field: fn(&Phases) -> f64| {
        let mut values: Vec<f64> = samples.iter().map(field).collect();
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    Ok(ManyStatics {
        rows,
        phases: Phases {
            first: median(|p| p.first),
            other_first: median(|p| p.other_first),
            later: median(|p| p.later),
        },
        phase_runs,
    })
}

/// Runs `program` with `vars` set: its standard output.
fn run(program: &Path, vars: &[(&str, &str)]) -> Result<String> {
    let mut command = Command::new(program);
    command
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_SNAPSHOT");
    command.envs(vars.iter().copied());
    checked(&mut command, "many_statics")
}

/// Reads the phases `many_statics` prints: `first access: X µs ...`,
/// `N other first accesses: X ns each`, `later accesses: X ns each`.
fn phases(output: &str) -> Result<Phases> {
    let number = |prefix: &str, unit: &str| -> Result<f64> {
        output
            .lines()
            .find_map(|line| {
                let (head, rest) = line.split_once(": ")?;
                head.ends_with(prefix).then_some(rest)?.split_once(unit)
            })
            .and_then(|(n, _)| n.trim().parse().ok())
            .ok_or_else(|| format!("many_statics printed no `{prefix}` line: {output:?}"))
    };
    Ok(Phases {
        first: number("first access", " µs")? * 1e3,
        other_first: number("other first accesses", " ns")?,
        later: number("later accesses", " ns")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_programs_phases_are_read() {
        let out = "1498500\nfirst access: 1.6 µs (locates the snapshot)\n\
                   999 other first accesses: 59.8 ns each\nlater accesses: 16.4 ns each\n";
        let p = phases(out).unwrap();
        assert!((p.first - 1600.0).abs() < 1e-6);
        assert!((p.other_first - 59.8).abs() < 1e-9);
        assert!((p.later - 16.4).abs() < 1e-9);
        assert!(phases("1498500\n").is_err());
    }
}
