//! Running a program built for another target the way `cargo test` and
//! `cargo run` do: through the runner configured for that target, e.g.
//! `qemu-aarch64 -L /usr/aarch64-linux-gnu` for aarch64 Linux on x86-64.
//!
//! The target is `--target`, else `CARGO_BUILD_TARGET`, else `build.target`
//! in cargo's configuration files. Its runner is
//! `CARGO_TARGET_<TRIPLE>_RUNNER`, else `target.<triple>.runner`
//! in cargo's configuration files (`.cargo/config.toml` or `.cargo/config`
//! in the current directory and its ancestors, the nearest first, then in
//! `CARGO_HOME`). `target.'cfg(..)'.runner` tables are not read.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};

/// How to start a program: directly, or through a runner.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Runner {
    /// The runner's program and arguments; empty to run directly.
    argv: Vec<OsString>,
}

impl Runner {
    /// Programs run directly.
    pub fn direct() -> Self {
        Runner::default()
    }

    /// The runner configured for `target`, or direct if there is none (or
    /// no target was named, as for a host build).
    pub fn for_target(target: Option<&str>) -> Result<Self> {
        let Some(target) = target else {
            return Ok(Runner::direct());
        };
        let var = env_var(target);
        if let Some(value) = std::env::var_os(&var).filter(|v| !v.is_empty()) {
            let value = value
                .into_string()
                .map_err(|_| Error::Other(format!("{var} is not valid UTF-8")))?;
            return Ok(Runner::from_words(&value));
        }
        let cwd =
            std::env::current_dir().map_err(|e| Error::io("reading the current directory", e))?;
        for file in config_files(&cwd) {
            if let Some(runner) = from_config(&file, target)? {
                return Ok(runner);
            }
        }
        Ok(Runner::direct())
    }

    /// A runner from its program and arguments (none to run directly).
    pub fn from_argv(argv: Vec<OsString>) -> Self {
        Runner { argv }
    }

    /// A runner from its program and arguments, separated by whitespace,
    /// as cargo reads a runner given as a string.
    pub fn from_words(value: &str) -> Self {
        Runner {
            argv: value.split_whitespace().map(OsString::from).collect(),
        }
    }

    /// Its program and arguments; empty if direct.
    pub fn argv(&self) -> &[OsString] {
        &self.argv
    }

    /// A command starting `program`, through the runner if there is one.
    pub fn command(&self, program: &Path) -> Command {
        match self.argv.split_first() {
            None => Command::new(runnable(program)),
            Some((runner, args)) => {
                let mut command = Command::new(runner);
                command.args(args).arg(program);
                command
            }
        }
    }
}

/// The environment variable that sets the runner for `target`.
pub fn env_var(target: &str) -> String {
    format!(
        "CARGO_TARGET_{}_RUNNER",
        target.to_uppercase().replace(['-', '.'], "_")
    )
}

/// `path`, made runnable by `Command` even when named without a directory
/// (which `Command` would otherwise look for on `PATH`).
fn runnable(path: &Path) -> PathBuf {
    let mut components = path.components();
    let bare = path.is_relative() && components.next().is_some() && components.next().is_none();
    if bare {
        Path::new(".").join(path)
    } else {
        path.to_owned()
    }
}

/// The target cargo builds for when run with `cargo_args` in the current
/// directory: see [`target_in`].
pub fn target_of(cargo_args: &[OsString]) -> Result<Option<String>> {
    let cwd = std::env::current_dir().map_err(|e| Error::io("reading the current directory", e))?;
    target_in(cargo_args, &cwd)
}

/// The target cargo builds for when run with `cargo_args` in `dir`:
/// `--target T` (or `--target=T`), else `CARGO_BUILD_TARGET`, else
/// `build.target` in cargo's configuration files; `None` for the host.
pub fn target_in(cargo_args: &[OsString], dir: &Path) -> Result<Option<String>> {
    if let Some(target) = target_named(cargo_args) {
        return Ok(Some(target));
    }
    for file in config_files(dir) {
        let table = read_config(&file)?;
        let Some(value) = table.get("build").and_then(|b| b.get("target")) else {
            continue;
        };
        return match value {
            toml::Value::String(target) => Ok(Some(target.clone())),
            toml::Value::Array(targets) => match targets.as_slice() {
                [toml::Value::String(target)] => Ok(Some(target.clone())),
                _ => Err(Error::Other(format!(
                    "{}: build.target names several targets: choose one with --target",
                    file.display()
                ))),
            },
            _ => Err(Error::Other(format!(
                "{}: build.target must be a string",
                file.display()
            ))),
        };
    }
    Ok(None)
}

/// The target named by cargo arguments (`--target T` or `--target=T`), else
/// by `CARGO_BUILD_TARGET`.
fn target_named(cargo_args: &[OsString]) -> Option<String> {
    let mut args = cargo_args.iter().filter_map(|a| a.to_str());
    while let Some(arg) = args.next() {
        if arg == "--" {
            break;
        }
        if arg == "--target" {
            return args.next().map(str::to_owned);
        }
        if let Some(target) = arg.strip_prefix("--target=") {
            return Some(target.to_owned());
        }
    }
    std::env::var("CARGO_BUILD_TARGET")
        .ok()
        .filter(|t| !t.is_empty())
}

/// Cargo's configuration files as seen from `dir`, the nearest first.
fn config_files(dir: &Path) -> Vec<PathBuf> {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
    dir.ancestors()
        .map(|d| d.join(".cargo"))
        .chain(cargo_home)
        .flat_map(|d| [d.join("config.toml"), d.join("config")])
        .filter(|file| file.is_file())
        .collect()
}

/// The configuration file `file`, parsed.
fn read_config(file: &Path) -> Result<toml::Table> {
    let text = std::fs::read_to_string(file).map_err(Error::at(file))?;
    text.parse()
        .map_err(|e| Error::Other(format!("{}: {e}", file.display())))
}

/// `target.<target>.runner` in the configuration file `file`, if set.
fn from_config(file: &Path, target: &str) -> Result<Option<Runner>> {
    let table = read_config(file)?;
    let Some(value) = table
        .get("target")
        .and_then(|t| t.get(target))
        .and_then(|t| t.get("runner"))
    else {
        return Ok(None);
    };
    let bad = || {
        Error::Other(format!(
            "{}: target.{target}.runner must be a string or an array of strings",
            file.display()
        ))
    };
    let runner = match value {
        toml::Value::String(words) => Runner::from_words(words),
        toml::Value::Array(items) => Runner {
            argv: items
                .iter()
                .map(|item| item.as_str().map(OsString::from).ok_or_else(bad))
                .collect::<Result<_>>()?,
        },
        _ => return Err(bad()),
    };
    Ok(Some(runner))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_target_is_read_from_the_cargo_arguments() {
        let t = |list: &[&str]| target_of(&args(list)).unwrap();
        assert_eq!(
            t(&["--release", "--target", "aarch64-unknown-linux-gnu"]).as_deref(),
            Some("aarch64-unknown-linux-gnu")
        );
        assert_eq!(
            t(&["--target=x86_64-pc-windows-gnu", "--example", "x"]).as_deref(),
            Some("x86_64-pc-windows-gnu")
        );
    }

    #[test]
    fn the_target_is_read_from_the_build_table_of_the_configuration() {
        let root =
            std::env::temp_dir().join(format!("fastboot-ld-build-target-{}", std::process::id()));
        let project = root.join("project");
        let below = project.join("src/bin");
        std::fs::create_dir_all(&below).unwrap();
        std::fs::create_dir_all(project.join(".cargo")).unwrap();
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[build]\ntarget = \"aarch64-unknown-linux-gnu\"\n",
        )
        .unwrap();
        for dir in [&project, &below] {
            assert_eq!(
                target_in(&[], dir).unwrap().as_deref(),
                Some("aarch64-unknown-linux-gnu"),
                "{}",
                dir.display()
            );
        }
        // The command line wins over the configuration.
        let named = args(&["--target", "x86_64-pc-windows-gnu"]);
        assert_eq!(
            target_in(&named, &below).unwrap().as_deref(),
            Some("x86_64-pc-windows-gnu")
        );
        // A list of one target is that target; of several, ambiguous.
        std::fs::write(
            project.join(".cargo/config.toml"),
            "[build]\ntarget = [\"aarch64-unknown-linux-gnu\", \"x86_64-pc-windows-gnu\"]\n",
        )
        .unwrap();
        assert!(target_in(&[], &project).is_err());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn runners_come_from_configuration_files() {
        let dir = std::env::temp_dir().join(format!("fastboot-ld-runner-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.toml");
        std::fs::write(
            &file,
            "[target.aarch64-unknown-linux-gnu]\nrunner = \"qemu-aarch64 -L /usr/aarch64-linux-gnu\"\n\
             [target.x86_64-pc-windows-gnu]\nrunner = [\"wine\"]\n\
             [target.riscv64gc-unknown-linux-gnu]\nrunner = 3\n",
        )
        .unwrap();
        let runner = from_config(&file, "aarch64-unknown-linux-gnu")
            .unwrap()
            .unwrap();
        assert_eq!(
            runner.argv,
            args(&["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"])
        );
        let command = runner.command(Path::new("app"));
        assert_eq!(command.get_program(), "qemu-aarch64");
        assert_eq!(command.get_args().last().unwrap(), "app");
        let wine = from_config(&file, "x86_64-pc-windows-gnu")
            .unwrap()
            .unwrap();
        assert_eq!(wine.argv, args(&["wine"]));
        assert!(from_config(&file, "riscv64gc-unknown-linux-gnu").is_err());
        assert_eq!(from_config(&file, "i686-unknown-linux-gnu").unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_bare_program_name_runs_from_the_current_directory() {
        assert_eq!(
            Runner::direct().command(Path::new("app")).get_program(),
            "./app"
        );
        assert_eq!(
            Runner::direct()
                .command(Path::new("/bin/app"))
                .get_program(),
            "/bin/app"
        );
    }
}
