//! Measuring: whole processes with hyperfine, their page faults and peak
//! RSS under ptrace, the phase breakdown, and the sharing of the snapshot's
//! pages between processes.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::{checked, sys, Result, Step, Variant};

/// Quotes `arg` for hyperfine, which splits its commands like a POSIX shell.
fn quote(arg: &Path) -> String {
    format!("'{}'", arg.to_string_lossy().replace('\'', r"'\''"))
}

/// hyperfine's results for one program.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Median time, seconds.
    pub median: f64,
    /// Mean time, seconds.
    pub mean: f64,
    /// Standard deviation, seconds.
    pub stddev: f64,
    /// Runs timed.
    pub runs: usize,
}

/// Times every variant in one hyperfine run.
pub fn hyperfine(variants: &[Variant], json: &Path) -> Result<Vec<Timing>> {
    let mut command = Command::new("hyperfine");
    command
        .args(["-N", "--warmup", "3", "--style", "basic", "--export-json"])
        .arg(json);
    for variant in variants {
        let line: Vec<String> = variant.command.iter().map(|a| quote(a)).collect();
        let name = format!("{} ({} lookups)", variant.name, variant.lookups);
        command.arg("-n").arg(name).arg(line.join(" "));
    }
    let status = command
        .stdin(Stdio::null())
        .status()
        .map_err(|e| format!("running hyperfine (install it: apt-get install hyperfine): {e}"))?;
    if !status.success() {
        return Err(format!("hyperfine: {status}"));
    }
    let text = std::fs::read_to_string(json).map_err(|e| format!("{}: {e}", json.display()))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let results = value["results"].as_array().ok_or("hyperfine JSON")?;
    Ok(results
        .iter()
        .map(|r| {
            let f = |k: &str| r[k].as_f64().unwrap_or(f64::NAN);
            let runs = r["times"].as_array().map_or(0, Vec::len);
            Timing {
                median: f("median"),
                mean: f("mean"),
                stddev: f("stddev"),
                runs,
            }
        })
        .collect())
}

/// A program's timing in the interleaved rounds.
#[derive(Debug, Clone, Copy)]
pub struct Interleaved {
    /// Its median, seconds.
    pub median: f64,
    /// The median of `empty main` in the same rounds, seconds.
    pub empty_median: f64,
    /// Its runs.
    pub runs: usize,
}

/// Whether the program of `medians[i]` is light: a median at most 4 times
/// the empty one's (`medians[0]`).
fn is_light(medians: &[f64], i: usize) -> bool {
    medians[i] <= 4.0 * medians[0]
}

/// Times the light programs again, in rounds that run each once in turn,
/// so that a change of the machine's load over the minutes of hyperfine's
/// run (which runs each program's runs one after the other) weighs on all
/// of them alike.
///
/// Programs are interleaved with those doing as many lookups, and with
/// `empty main` (the first variant). Heavy programs (a median over 4 times
/// the empty one's, from `medians`, hyperfine's) are left out: a process
/// that has touched tens of megabytes slows down the one after it by
/// hundreds of microseconds, and their ratios to the empty one are large
/// enough for hyperfine's numbers (see [`heavy_interleaved`] for their
/// ratios to one another).
pub fn interleaved(variants: &[Variant], medians: &[f64]) -> Result<Vec<Option<Interleaved>>> {
    let mut found = vec![None; variants.len()];
    for lookups in [1, 100] {
        let group: Vec<usize> = (0..variants.len())
            .filter(|&i| i == 0 || (variants[i].lookups == lookups && is_light(medians, i)))
            .collect();
        let medians = rounds(variants, &group, medians)?;
        for (k, &i) in group.iter().enumerate() {
            if i != 0 || lookups == 1 {
                found[i] = Some(Interleaved {
                    median: medians[k].median,
                    empty_median: medians[0].median,
                    runs: medians[k].runs,
                });
            }
        }
    }
    Ok(found)
}

/// Times the heavy programs doing 1 lookup (cold compute, deserializing
/// ones) again, in rounds among themselves, without `empty main`: each takes
/// far longer than the hundreds of microseconds one process can cost the
/// next, and a load that changes over hyperfine's minutes changed their
/// ratios by half in a run on a busy machine. Only when there are two.
pub fn heavy_interleaved(variants: &[Variant], medians: &[f64]) -> Result<Vec<Option<Median>>> {
    let group: Vec<usize> = (1..variants.len())
        .filter(|&i| variants[i].lookups == 1 && !is_light(medians, i))
        .collect();
    let mut found = vec![None; variants.len()];
    if group.len() < 2 {
        return Ok(found);
    }
    for (median, &i) in rounds(variants, &group, medians)?.into_iter().zip(&group) {
        found[i] = Some(median);
    }
    Ok(found)
}

/// A median time of interleaved runs.
#[derive(Debug, Clone, Copy)]
pub struct Median {
    /// The median, seconds.
    pub median: f64,
    /// Its runs.
    pub runs: usize,
}

/// Runs the variants of `group` in rounds, each once in turn, for about
/// 2 s each in all (10 to 1500 runs, from `medians`, hyperfine's), after 3
/// warm-up rounds; the median of each, in `group`'s order.
fn rounds(variants: &[Variant], group: &[usize], medians: &[f64]) -> Result<Vec<Median>> {
    let runs: Vec<usize> = group
        .iter()
        .map(|&i| {
            #[allow(clippy::cast_sign_loss, reason = "a median time is positive")]
            let runs = (2.0 / medians[i]) as usize;
            runs.clamp(10, 1500)
        })
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); group.len()];
    let warmup = 3;
    for round in 0..warmup + runs.iter().max().copied().unwrap_or(0) {
        for (k, &i) in group.iter().enumerate() {
            if round >= warmup + runs[k] {
                continue;
            }
            let elapsed = time_once(&variants[i])?;
            if round >= warmup {
                times[k].push(elapsed);
            }
        }
    }
    Ok(times
        .iter_mut()
        .map(|t| Median {
            median: median_f64(t),
            runs: t.len(),
        })
        .collect())
}

/// Runs `variant` once, with standard input and output on `/dev/null`,
/// and returns its wall time in seconds: `posix_spawn` (a vfork, as
/// hyperfine's spawning does) and `waitpid`. A plain fork would copy the
/// harness's page tables at every run, which grow with the snapshots it
/// has handled.
fn time_once(variant: &Variant) -> Result<f64> {
    let failed = |e: std::io::Error| format!("{}: {e}", variant.command[0].display());
    let argv = sys::Argv::new(&variant.command).map_err(failed)?;
    let null = sys::dev_null().map_err(failed)?;
    let start = Instant::now();
    let pid = sys::spawn(&argv, &null).map_err(failed)?;
    let status = sys::wait(pid).map_err(failed)?;
    let elapsed = start.elapsed().as_secs_f64();
    if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
        return Err(format!("{} failed ({status:#x})", variant.name));
    }
    Ok(elapsed)
}

/// What a process used, from `execve` to exit.
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// Minor page faults.
    pub minor_faults: u64,
    /// Major page faults.
    pub major_faults: u64,
    /// Peak resident set, KiB.
    pub peak_rss_kib: u64,
}

/// Runs `command` `runs` times; the medians of its [`Usage`]. See
/// [`trace`].
pub fn rusage(command: &[PathBuf], runs: usize) -> Result<Usage> {
    let mut minor = Vec::new();
    let mut major = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..runs {
        let usage = trace(command)?;
        minor.push(usage.minor_faults);
        major.push(usage.major_faults);
        rss.push(usage.peak_rss_kib);
    }
    Ok(Usage {
        minor_faults: median_u64(&mut minor),
        major_faults: median_u64(&mut major),
        peak_rss_kib: median_u64(&mut rss),
    })
}

/// Runs `command` once under ptrace, stopping it right after `execve` and
/// right before it exits, and returns the page faults it took in between
/// (minor, major: from `/proc/PID/stat`) and its peak RSS (`VmHWM` of
/// `/proc/PID/status`, in KiB), with standard input and output on
/// `/dev/null`.
///
/// `wait4`'s resource usage would not do: Linux starts a child's maximum
/// RSS at its parent's (the harness's) at `fork`, and counts the faults
/// taken before `execve`. The memory of the process image `execve` builds
/// starts from nothing.
pub fn trace(command: &[PathBuf]) -> Result<Usage> {
    let failed = |e: std::io::Error| format!("{}: {e}", command[0].display());
    let argv = sys::Argv::new(command).map_err(failed)?;
    let null = sys::dev_null().map_err(failed)?;
    let pid = sys::fork_traced(&argv, &null).map_err(failed)?;
    if !libc::WIFSTOPPED(sys::wait(pid).map_err(failed)?) {
        return Err(format!("{}: did not start", command[0].display()));
    }
    let options = libc::PTRACE_O_TRACEEXEC | libc::PTRACE_O_TRACEEXIT | libc::PTRACE_O_EXITKILL;
    sys::ptrace_set_options(pid, options).map_err(failed)?;
    sys::ptrace_continue(pid, 0).map_err(failed)?;
    let (mut at_exec, mut at_exit) = (None, None);
    loop {
        let status = sys::wait(pid).map_err(failed)?;
        if libc::WIFEXITED(status) || libc::WIFSIGNALED(status) {
            if !libc::WIFEXITED(status) || libc::WEXITSTATUS(status) != 0 {
                return Err(format!("{} failed ({status:#x})", command[0].display()));
            }
            break;
        }
        let mut signal = 0;
        match (status >> 16) & 0xff {
            libc::PTRACE_EVENT_EXEC => at_exec = Some(process_faults(pid)?),
            libc::PTRACE_EVENT_EXIT => at_exit = Some((process_faults(pid)?, peak_rss(pid)?)),
            _ => signal = libc::WSTOPSIG(status),
        }
        sys::ptrace_continue(pid, signal).map_err(failed)?;
    }
    match (at_exec, at_exit) {
        (Some(start), Some((end, rss))) => Ok(Usage {
            minor_faults: end.minor - start.minor,
            major_faults: end.major - start.major,
            peak_rss_kib: rss,
        }),
        _ => Err(format!("{}: exec or exit not seen", command[0].display())),
    }
}

/// Page faults of a process so far.
#[derive(Debug, Clone, Copy)]
struct Faults {
    minor: u64,
    major: u64,
}

/// Minor and major page faults of process `pid` so far.
fn process_faults(pid: libc::pid_t) -> Result<Faults> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
    // After the command name in parentheses: state is field 3, minflt 10,
    // majflt 12.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let get = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or("bad /proc/PID/stat")
    };
    Ok(Faults {
        minor: get(7)?,
        major: get(9)?,
    })
}

/// Peak resident set size of process `pid`'s memory image, in KiB.
fn peak_rss(pid: libc::pid_t) -> Result<u64> {
    let status =
        std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
    Ok(field(&status, "VmHWM"))
}

fn median_u64(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values[values.len() / 2]
}

fn median_f64(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs `program mode` `runs` times (each a fresh process) and returns the
/// median time and page faults of each step.
pub fn phases(program: &Path, mode: &str, origin: &str, runs: usize) -> Result<Vec<Step>> {
    // Per step: its name, and its times and faults in each run.
    let mut samples: Vec<(String, Vec<f64>, Vec<u64>)> = Vec::new();
    for _ in 0..runs {
        let out = checked(
            Command::new(program).arg(mode),
            &program.display().to_string(),
        )?;
        let line: Value = serde_json::from_str(out.trim()).map_err(|e| e.to_string())?;
        if line["origin"] != origin {
            return Err(format!(
                "{} thawed from {}, expected {origin}",
                program.display(),
                line["origin"]
            ));
        }
        let steps = line["steps"].as_array().ok_or("steps")?;
        if samples.is_empty() {
            samples = steps
                .iter()
                .map(|s| (s[0].as_str().unwrap_or("?").to_owned(), vec![], vec![]))
                .collect();
        }
        for (sample, step) in samples.iter_mut().zip(steps) {
            sample.1.push(step[1].as_f64().unwrap_or(f64::NAN));
            sample.2.push(step[2].as_u64().unwrap_or(0));
        }
    }
    Ok(samples
        .into_iter()
        .map(|(name, mut ns, mut faults)| Step {
            name,
            median_ns: median_f64(&mut ns),
            faults: median_u64(&mut faults),
        })
        .collect())
}

/// Memory of one process holding the map: totals from `smaps_rollup` and
/// the snapshot's own mapping from `smaps` (KiB).
#[derive(Debug, Default)]
pub struct Sharing {
    /// Whole process: resident set.
    pub rss: u64,
    /// Whole process: proportional set (shared pages divided among sharers).
    pub pss: u64,
    /// The snapshot's mapping: resident set.
    pub snapshot_rss: u64,
    /// The snapshot's mapping: proportional set.
    pub snapshot_pss: u64,
    /// The snapshot's mapping: clean pages mapped by other processes too.
    pub snapshot_shared_clean: u64,
    /// The snapshot's mapping: pages of this process only.
    pub snapshot_private: u64,
}

/// Starts `processes` section processes that read the whole map, and reads
/// their memory use while they all hold it.
pub fn measure_sharing(dir: &Path, processes: usize) -> Result<Vec<Sharing>> {
    let program = dir.join("phases_section");
    let mut children = Vec::new();
    let mut ranges = Vec::new();
    for _ in 0..processes {
        let mut child = Command::new(&program)
            .arg("hold")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("{}: {e}", program.display()))?;
        let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
        let mut range = (0usize, 0usize);
        for line in lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            if let Some(rest) = line.strip_prefix("snapshot ") {
                let mut parts = rest.split(' ');
                let start = parts.next().and_then(|s| s.strip_prefix("0x"));
                range.0 = start
                    .and_then(|s| usize::from_str_radix(s, 16).ok())
                    .unwrap_or(0);
                range.1 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            }
            if line == "ready" {
                break;
            }
        }
        ranges.push(range);
        children.push(child);
    }
    let mut found = Vec::new();
    for (child, &(start, _)) in children.iter().zip(&ranges) {
        let pid = child.id();
        let rollup = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup"))
            .map_err(|e| e.to_string())?;
        let smaps =
            std::fs::read_to_string(format!("/proc/{pid}/smaps")).map_err(|e| e.to_string())?;
        let mut sharing = Sharing {
            rss: field(&rollup, "Rss"),
            pss: field(&rollup, "Pss"),
            ..Sharing::default()
        };
        if let Some(vma) = mapping_at(&smaps, start) {
            sharing.snapshot_rss = field(vma, "Rss");
            sharing.snapshot_pss = field(vma, "Pss");
            sharing.snapshot_shared_clean = field(vma, "Shared_Clean");
            sharing.snapshot_private = field(vma, "Private_Clean") + field(vma, "Private_Dirty");
        }
        found.push(sharing);
    }
    for mut child in children {
        drop(child.stdin.take());
        let _ = child.wait();
    }
    Ok(found)
}

/// The value in KiB of `name:` in an smaps text.
fn field(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or(0)
}

/// The block of `/proc/PID/smaps` describing the mapping holding `addr`.
fn mapping_at(smaps: &str, addr: usize) -> Option<&str> {
    let mut start_of_block = None;
    let mut blocks = Vec::new();
    for (at, line) in line_offsets(smaps) {
        let range = line.split(' ').next().unwrap_or("");
        if let Some((lo, hi)) = range.split_once('-') {
            if let (Ok(lo), Ok(hi)) = (usize::from_str_radix(lo, 16), usize::from_str_radix(hi, 16))
            {
                if let Some(begin) = start_of_block.take() {
                    blocks.push(&smaps[begin..at]);
                }
                if (lo..hi).contains(&addr) {
                    start_of_block = Some(at);
                }
            }
        }
    }
    if let Some(begin) = start_of_block {
        blocks.push(&smaps[begin..]);
    }
    blocks.into_iter().next()
}

fn line_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |line| {
        let start = at;
        at += line.len();
        (start, line)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMAPS: &str = "\
1000-2000 r--p 00000000 fe:00 1 /bin/a
Rss:                   4 kB
Pss:                   4 kB
Shared_Clean:          0 kB
2000-4000 r--p 00091000 fe:00 1 /bin/a
Size:                  8 kB
Rss:                   8 kB
Pss:                   2 kB
Pss_Dirty:             0 kB
Shared_Clean:          8 kB
Private_Clean:         0 kB
VmFlags: rd mr mw me
4000-5000 rw-p 00000000 00:00 0
Rss:                   4 kB
";

    #[test]
    fn smaps_blocks_and_fields_are_read() {
        let vma = mapping_at(SMAPS, 0x2100).expect("mapped");
        assert!(vma.starts_with("2000-4000"), "{vma}");
        assert_eq!(field(vma, "Rss"), 8);
        assert_eq!(field(vma, "Pss"), 2);
        assert_eq!(field(vma, "Shared_Clean"), 8);
        assert_eq!(mapping_at(SMAPS, 0x6000), None);
    }
}

/// What a freeze run costs: medians over several runs.
#[derive(Debug, Clone, Copy)]
pub struct FreezeCost {
    /// Wall time of the whole run, seconds.
    pub wall: f64,
    /// Time computing the value, as the run reports it, seconds.
    pub computed: f64,
    /// Time archiving it, as the run reports it, seconds.
    pub archived: f64,
    /// Peak RSS, KiB.
    pub peak_rss_kib: u64,
}

/// Runs the freeze run of `binary` with `entries` entries into `snap`,
/// `runs` times timed (wall clock, and the compute and archive times it
/// prints) and `runs` times traced for its peak RSS (see [`trace`]).
pub fn freeze(binary: &Path, entries: usize, snap: &Path, runs: usize) -> Result<FreezeCost> {
    let (mut wall, mut computed, mut archived) = (Vec::new(), Vec::new(), Vec::new());
    let env = [
        format!("FASTBOOT_FREEZE={}", snap.display()),
        format!("{}={entries}", startup_bench::ENTRIES_VAR),
    ];
    for _ in 0..runs {
        let started = Instant::now();
        let out = checked(
            Command::new(binary)
                .envs(env.iter().filter_map(|kv| kv.split_once('=')))
                .env_remove("FASTBOOT"),
            "freezing",
        )?;
        wall.push(started.elapsed().as_secs_f64());
        let ms = |label: &str| -> Result<f64> {
            let at = out
                .find(label)
                .ok_or_else(|| format!("no {label:?} in {out:?}"))?;
            let rest = &out[at + label.len()..];
            let number = rest.split(" ms").next().unwrap_or_default();
            number
                .trim()
                .parse::<f64>()
                .map(|ms| ms / 1e3)
                .map_err(|e| format!("{number:?}: {e}"))
        };
        computed.push(ms("computed in ")?);
        archived.push(ms("archived in ")?);
    }
    let mut rss = Vec::new();
    for _ in 0..runs {
        let mut command = vec![PathBuf::from("/usr/bin/env")];
        command.extend(env.iter().map(PathBuf::from));
        command.push(binary.to_owned());
        rss.push(trace(&command)?.peak_rss_kib);
    }
    Ok(FreezeCost {
        wall: median_f64(&mut wall),
        computed: median_f64(&mut computed),
        archived: median_f64(&mut archived),
        peak_rss_kib: median_u64(&mut rss),
    })
}
