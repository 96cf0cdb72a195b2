//! `cargo fastboot`: build, freeze, embed, inspect and verify fastboot
//! snapshots. Run `cargo fastboot help` for usage.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use cargo_fastboot::cargo::build::{self, BuildOptions, Built};
use cargo_fastboot::cargo::target_runner::Runner;
use cargo_fastboot::cargo::{library_host, modes, test_runner};
use cargo_fastboot::snapshot::{describe, embed, read_snapshot, Method};
use cargo_fastboot::Result;
use clap::{Args, Parser, Subcommand};
use fastboot_core::contract::snapshot_beside;

/// Build, freeze, embed and inspect fastboot snapshots.
///
/// A program using fastboot computes its `#[fastboot::frozen]` statics once,
/// in a freeze run, and thaws them from the snapshot at startup. The
/// snapshot goes into the executable's `fastboot` section (the program's
/// build.rs calls `fastboot_ld::link()`) or is appended to
/// it with a footer (any executable: ELF, PE or Mach-O). A shared library
/// (`cdylib`: `.so`, DLL, `.dylib`) is handled the same way, and thaws from
/// its own snapshot whatever program loads it.
#[derive(Debug, Parser)]
#[command(name = "cargo-fastboot", bin_name = "cargo fastboot", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build an executable with cargo, freeze it, embed the snapshot in a copy
    ///
    /// The copy is written to `<target dir>/fastboot/<name>` and its path is
    /// printed last on standard output; cargo's own artifact is left as
    /// built. The section is used if the program's build.rs calls
    /// `fastboot_ld::link()`, else the footer.
    ///
    /// This command's own flags may come anywhere; every other argument is
    /// passed to `cargo build`, e.g.
    /// `cargo fastboot build --release --example word_index --footer`.
    /// With `--lib`, the package's shared library (`cdylib`) is built, and
    /// frozen by loading it in a host of this tool's own.
    Build {
        #[command(flatten)]
        build: BuildArgs,
    },
    /// Like build, then run the result in strict mode
    ///
    /// Arguments after `--` go to the program, which runs with
    /// FASTBOOT=strict (unless FASTBOOT is set): every value must be
    /// thawed from the embedded snapshot. Exits with the program's status,
    /// e.g. `cargo fastboot run --release --example word_index -- --stats`.
    #[command(
        override_usage = "cargo fastboot run [CARGO_BUILD_ARGS]... [--section|--footer] [-- PROGRAM_ARGS...]"
    )]
    Run {
        #[command(flatten)]
        build: BuildArgs,
        /// Arguments for the program: those after the first `--`, taken out
        /// before parsing (see `parse`).
        #[arg(skip)]
        program_args: Vec<OsString>,
    },
    /// Run a program once with `FASTBOOT_FREEZE` to write its snapshot
    ///
    /// A shared library is loaded by a host of this tool's own (built for
    /// this machine; for another target, load it in a host program of that
    /// target with `FASTBOOT_FREEZE` set).
    Freeze {
        /// The program or shared library
        binary: PathBuf,
        /// Where to write the snapshot [default: BINARY.snap]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Embed a snapshot into the program or shared library that froze it
    Embed {
        /// The program or shared library
        binary: PathBuf,
        /// Its snapshot
        snapshot: PathBuf,
        #[command(flatten)]
        method: RequiredMethodArgs,
        /// Where to write the result [default: BINARY, in place]
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Describe the snapshot in a program, a shared library or a snapshot file
    ///
    /// Prints where the snapshot is, its producer's build-id (and whether the
    /// program's matches), its format, writer and size, then one line per
    /// entry: name, bytes, fingerprint, offset and alignment.
    Inspect {
        /// A program or shared library with an embedded snapshot, or a
        /// snapshot file
        path: PathBuf,
    },
    /// Run a program with FASTBOOT=verify and relay its report and status
    ///
    /// The program itself validates every entry of its snapshot (presence,
    /// fingerprint, checksum, and rkyv validation with the real types, which
    /// only the program knows), prints one line each, and exits 0 if all
    /// pass, 1 if not. A shared library is loaded by a host of this tool's
    /// own, and checks its own snapshot.
    Verify {
        /// The program or shared library
        binary: PathBuf,
        #[command(flatten)]
        target: TargetArgs,
    },
    /// Run `cargo test`, each test binary frozen first (if it changed)
    ///
    /// Cargo builds and runs the tests as usual, through this tool as its
    /// runner: a binary with frozen statics is frozen into
    /// `<binary>.snap` unless the snapshot there is from this very build,
    /// then run; its tests thaw. `--strict` may come anywhere before `--`;
    /// every other argument goes to `cargo test` untouched, e.g.
    /// `cargo fastboot test --release --strict -- --nocapture`.
    #[command(
        override_usage = "cargo fastboot test [CARGO_TEST_ARGS]... [--strict] [-- HARNESS_ARGS...]"
    )]
    Test {
        #[command(flatten)]
        tests: TestRunArgs,
    },
    /// Run `cargo nextest`, each test binary frozen first (if it changed)
    ///
    /// As `test`, for cargo-nextest, which runs every test in a process of
    /// its own: a value is then thawed by each, not computed by each.
    /// Arguments other than `--strict` go to `cargo nextest`, e.g.
    /// `cargo fastboot nextest run --strict --release`.
    #[command(override_usage = "cargo fastboot nextest run [NEXTEST_ARGS]... [--strict]")]
    Nextest {
        #[command(flatten)]
        tests: TestRunArgs,
    },
    /// Run `cargo bench`, each benchmark binary frozen first (if it changed)
    #[command(override_usage = "cargo fastboot bench [CARGO_BENCH_ARGS]... [--strict]")]
    Bench {
        #[command(flatten)]
        tests: TestRunArgs,
    },
    /// Load a shared library, as a host program would (internal)
    ///
    /// The host of a library's freeze or verify run: sets each NAME=VALUE,
    /// then loads the library, whose initializer does the run and exits.
    #[command(name = "load-library", hide = true)]
    LoadLibrary {
        /// The library
        library: PathBuf,
        /// A variable to set once started, before loading
        #[arg(long, value_name = "NAME=VALUE")]
        env: Vec<OsString>,
    },
    /// The runner `test`, `nextest` and `bench` give cargo (internal)
    #[command(name = "exec-frozen", hide = true)]
    ExecFrozen {
        /// The binary to freeze if needed, then run
        binary: PathBuf,
        /// Its arguments: those after BINARY, taken out before parsing.
        #[arg(skip)]
        args: Vec<OsString>,
    },
}

/// What `test`, `nextest` and `bench` take.
#[derive(Debug, Args)]
struct TestRunArgs {
    /// Fail any test or benchmark that computes a frozen static instead of
    /// thawing it (runs them with FASTBOOT=strict)
    #[arg(long)]
    strict: bool,
    /// Arguments for cargo: all but this command's own flags, taken out
    /// before parsing.
    #[arg(skip)]
    args: Vec<OsString>,
}

/// Subcommands whose arguments, after their own flags, are passed through
/// untouched (clap would drop a `--` among them).
const PASS_THROUGH: [&str; 4] = ["test", "nextest", "bench", test_runner::EXEC_COMMAND];

/// The target a program was built for, to run it as cargo would.
#[derive(Debug, Args)]
struct TargetArgs {
    /// Run the program through the runner cargo has configured for TRIPLE
    /// (`CARGO_TARGET_<TRIPLE>_RUNNER` or `target.<triple>.runner`)
    #[arg(long, value_name = "TRIPLE")]
    target: Option<String>,
}

impl TargetArgs {
    fn runner(&self) -> Result<Runner> {
        Runner::for_target(self.target.as_deref())
    }
}

/// What `build` and `run` build, and how they embed.
#[derive(Debug, Args)]
struct BuildArgs {
    #[command(flatten)]
    method: MethodArgs,
    /// Freeze twice and fail, naming them, if any entry's bytes differ: a
    /// value that depends on time, the environment or randomness
    #[arg(long)]
    check_reproducible: bool,
    /// Arguments for `cargo build`, selecting a single executable
    #[arg(
        value_name = "CARGO_BUILD_ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    cargo_args: Vec<OsString>,
}

/// An optional choice of embedding method.
#[derive(Debug, Args)]
#[group(multiple = false)]
struct MethodArgs {
    /// Embed in the fastboot section [default when the layout allows it]
    #[arg(long)]
    section: bool,
    /// Append the snapshot with a footer
    #[arg(long)]
    footer: bool,
}

/// A required choice of embedding method.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct RequiredMethodArgs {
    /// Embed in the fastboot section (linked with `fastboot_ld::link()`)
    #[arg(long)]
    section: bool,
    /// Append the snapshot with a footer (any executable)
    #[arg(long)]
    footer: bool,
}

fn method(section: bool, footer: bool) -> Option<Method> {
    match (section, footer) {
        (true, _) => Some(Method::Section),
        (_, true) => Some(Method::Footer),
        _ => None,
    }
}

/// Parses the command line, given as `cargo-fastboot [fastboot] ...`.
fn parse(mut args: Vec<OsString>) -> Result<Cli, clap::Error> {
    // Run as `cargo fastboot ...`, cargo passes the subcommand's name first.
    if args.get(1).is_some_and(|a| a == "fastboot") {
        args.remove(1);
    }
    // `run`: what follows the first `--` is the program's. Clap cannot tell
    // it from cargo's arguments, which are themselves a trailing list.
    let mut program_args = Vec::new();
    if args.get(1).is_some_and(|a| a == "run") {
        if let Some(at) = args.iter().position(|a| a == "--") {
            program_args = args.split_off(at + 1);
            args.pop();
        }
    }
    own_flags_first(&mut args);
    // `test`, `nextest`, `bench`: their own flags first (`--strict`, or
    // help), then cargo's, verbatim. `exec-frozen`: the binary, then its
    // arguments, verbatim.
    let mut passed = Vec::new();
    if let Some(command) = args.get(1).and_then(|a| a.to_str()) {
        if PASS_THROUGH.contains(&command) {
            let own = if command == test_runner::EXEC_COMMAND {
                3.min(args.len())
            } else {
                2 + args[2..]
                    .iter()
                    .take_while(|a| {
                        ["--strict", "-h", "--help"].contains(&a.to_str().unwrap_or(""))
                    })
                    .count()
            };
            passed = args.split_off(own);
        }
    }
    let mut cli = Cli::try_parse_from(args)?;
    match &mut cli.command {
        Command::Run {
            program_args: slot, ..
        } => *slot = program_args,
        Command::Test { tests } | Command::Nextest { tests } | Command::Bench { tests } => {
            tests.args = passed;
        }
        Command::ExecFrozen { args, .. } => *args = passed,
        _ => {}
    }
    Ok(cli)
}

/// The flags of `command` that may come anywhere among the arguments it
/// passes on, before a `--`: no cargo or nextest command has them.
fn own_flags(command: &str) -> &'static [&'static str] {
    match command {
        "build" | "run" => &["--section", "--footer", "--check-reproducible"],
        "test" | "nextest" | "bench" => &["--strict"],
        _ => &[],
    }
}

/// Moves the subcommand's [own flags](own_flags) in `args` (given as
/// `cargo-fastboot <command> ...`) that come before any `--` to just after
/// the subcommand, where clap reads them.
fn own_flags_first(args: &mut Vec<OsString>) {
    let Some(own) = args.get(1).and_then(|c| c.to_str()).map(own_flags) else {
        return;
    };
    if args.len() <= 2 {
        return;
    }
    let end = args
        .iter()
        .position(|a| a == "--")
        .unwrap_or(args.len())
        .max(2);
    let rest = args.split_off(end);
    let (mut flags, passed): (Vec<_>, Vec<_>) = args
        .drain(2..)
        .partition(|a| a.to_str().is_some_and(|a| own.contains(&a)));
    args.append(&mut flags);
    args.extend(passed);
    args.extend(rest);
}

fn main() -> ExitCode {
    let cli = parse(std::env::args_os().collect()).unwrap_or_else(|e| e.exit());
    match execute(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("cargo-fastboot: error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn execute(command: Command) -> Result<ExitCode> {
    match command {
        Command::Build { build: args } => {
            let built = build_and_report(args)?;
            println!("{}", built.output.display());
        }
        Command::Run {
            build: args,
            program_args,
        } => {
            let built = build_and_report(args)?;
            return modes::run_strict(&built.output, &built.runner, &program_args).map(exit_code);
        }
        Command::Freeze {
            binary,
            output,
            target,
        } => {
            let output = output.unwrap_or_else(|| snapshot_beside(&binary));
            modes::freeze(&binary, &target.runner()?, &output)?;
            println!("{}", output.display());
        }
        Command::Embed {
            binary,
            snapshot,
            method: m,
            output,
        } => {
            let method = method(m.section, m.footer).expect("clap requires one");
            let output = output.unwrap_or_else(|| binary.clone());
            embed(&binary, &snapshot, &output, method)?;
            println!("{}", output.display());
        }
        Command::Inspect { path } => {
            print!("{}", describe(&read_snapshot(&path)?)?);
        }
        Command::Verify { binary, target } => {
            return modes::verify(&binary, &target.runner()?).map(exit_code)
        }
        Command::Test { tests } => return run_cargo(&["test"], &tests),
        Command::Nextest { tests } => return run_cargo(&["nextest"], &tests),
        Command::Bench { tests } => return run_cargo(&["bench"], &tests),
        Command::ExecFrozen { binary, args } => {
            return test_runner::exec_frozen(&binary, &args).map(exit_code)
        }
        Command::LoadLibrary { library, env } => library_host::load(&library, &env)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo fastboot test|nextest|bench`.
fn run_cargo(command: &[&str], tests: &TestRunArgs) -> Result<ExitCode> {
    test_runner::run_cargo(command, &tests.args, tests.strict).map(exit_code)
}

/// `cargo fastboot build`, reporting on standard error what it did.
fn build_and_report(args: BuildArgs) -> Result<Built> {
    let BuildArgs {
        method: m,
        check_reproducible,
        cargo_args,
    } = args;
    let method = method(m.section, m.footer);
    let built = build::build(&BuildOptions {
        method,
        cargo_args,
        check_reproducible,
    })?;
    if let Some(note) = &built.note {
        eprintln!("cargo-fastboot: note: appending the snapshot, as {note}");
    }
    eprintln!(
        "cargo-fastboot: embedded the snapshot of {} ({})",
        built.artifact.display(),
        built.method,
    );
    Ok(built)
}

/// Our exit code for a program's exit status: the same code, or failure
/// if it was killed by a signal.
fn exit_code(status: std::process::ExitStatus) -> ExitCode {
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => {
            eprintln!("cargo-fastboot: error: the program was killed ({status})");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn parse(args: &[&str]) -> Command {
        let command_line = ["cargo-fastboot", "fastboot"].iter().chain(args);
        super::parse(command_line.map(OsString::from).collect())
            .unwrap()
            .command
    }

    #[test]
    fn the_cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn build_passes_everything_after_its_own_flags_to_cargo() {
        let Command::Build {
            build:
                BuildArgs {
                    method,
                    cargo_args,
                    check_reproducible,
                },
        } = parse(&[
            "build",
            "--check-reproducible",
            "--footer",
            "--release",
            "--example",
            "word_index",
        ])
        else {
            panic!("not build")
        };
        assert!(method.footer && !method.section && check_reproducible);
        assert_eq!(cargo_args, ["--release", "--example", "word_index"]);
        let Command::Build {
            build: BuildArgs {
                method, cargo_args, ..
            },
        } = parse(&["build", "-p", "app", "--bin", "x"])
        else {
            panic!("not build")
        };
        assert!(!method.footer && !method.section);
        assert_eq!(cargo_args, ["-p", "app", "--bin", "x"]);
    }

    #[test]
    fn run_splits_cargo_and_program_arguments_at_the_double_dash() {
        let Command::Run {
            build: BuildArgs {
                method, cargo_args, ..
            },
            program_args,
        } = parse(&[
            "run",
            "--section",
            "--release",
            "--example",
            "x",
            "--",
            "--stats",
            "a",
        ])
        else {
            panic!("not run")
        };
        assert!(method.section);
        assert_eq!(cargo_args, ["--release", "--example", "x"]);
        assert_eq!(program_args, ["--stats", "a"]);
        let Command::Run {
            build: BuildArgs { cargo_args, .. },
            program_args,
        } = parse(&["run", "--release"])
        else {
            panic!("not run")
        };
        assert_eq!(cargo_args, ["--release"]);
        assert!(program_args.is_empty());
        let Command::Run {
            build: BuildArgs { cargo_args, .. },
            program_args,
        } = parse(&["run", "--", "--stats"])
        else {
            panic!("not run")
        };
        assert!(cargo_args.is_empty());
        assert_eq!(program_args, ["--stats"]);
    }

    #[test]
    fn test_commands_pass_everything_but_their_flags_verbatim() {
        let Command::Test { tests } =
            parse(&["test", "--strict", "--release", "--", "--nocapture"])
        else {
            panic!("not test")
        };
        assert!(tests.strict);
        assert_eq!(tests.args, ["--release", "--", "--nocapture"]);
        let Command::ExecFrozen { binary, args } =
            parse(&["exec-frozen", "/t/deps/x-1", "--list", "--format", "terse"])
        else {
            panic!("not exec-frozen")
        };
        assert_eq!(binary, std::path::Path::new("/t/deps/x-1"));
        assert_eq!(args, ["--list", "--format", "terse"]);
    }

    #[test]
    fn own_flags_are_taken_wherever_they_come_before_a_double_dash() {
        let Command::Nextest { tests } = parse(&["nextest", "run", "--strict", "--release"]) else {
            panic!("not nextest")
        };
        assert!(tests.strict);
        assert_eq!(tests.args, ["run", "--release"]);
        // After `--`, arguments are the test harness's.
        let Command::Test { tests } = parse(&["test", "--release", "--strict", "--", "--strict"])
        else {
            panic!("not test")
        };
        assert!(tests.strict);
        assert_eq!(tests.args, ["--release", "--", "--strict"]);
        let Command::Build { build } = parse(&["build", "--release", "--check-reproducible"])
        else {
            panic!("not build")
        };
        assert!(build.check_reproducible);
        assert_eq!(build.cargo_args, ["--release"]);
        let Command::Run {
            build,
            program_args,
        } = parse(&[
            "run",
            "--release",
            "--example",
            "x",
            "--footer",
            "--",
            "--section",
        ])
        else {
            panic!("not run")
        };
        assert!(build.method.footer && !build.method.section);
        assert_eq!(build.cargo_args, ["--release", "--example", "x"]);
        assert_eq!(program_args, ["--section"]);
    }

    #[test]
    fn the_library_host_takes_its_variables_as_arguments() {
        let Command::LoadLibrary { library, env } = parse(&[
            library_host::LOAD_COMMAND,
            "/t/libplugin.so",
            "--env",
            "FASTBOOT_FREEZE=/t/x.snap",
        ]) else {
            panic!("not load-library")
        };
        assert_eq!(library, std::path::Path::new("/t/libplugin.so"));
        assert_eq!(env, ["FASTBOOT_FREEZE=/t/x.snap"]);
    }

    #[test]
    fn embed_needs_exactly_one_method() {
        let base = ["cargo-fastboot", "embed", "app", "app.snap"];
        assert!(Cli::try_parse_from(base).is_err());
        assert!(Cli::try_parse_from(base.iter().chain(&["--section", "--footer"])).is_err());
        assert!(Cli::try_parse_from(base.iter().chain(&["--footer"])).is_ok());
    }
}
