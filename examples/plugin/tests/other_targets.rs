//! The plugin built for other targets, as `.ci/run` sets them up (ignored
//! otherwise; run with `--ignored`):
//!
//! - a Windows DLL (`x86_64-pc-windows-gnu`, linked by mingw-w64), loaded
//!   by `hosts/loader.c` built with mingw-w64 and run through cargo's
//!   runner for the target (wine): `LoadLibrary` with `FASTBOOT_FREEZE` set
//!   freezes it (its CRT initializer runs at load), then it thaws strictly
//!   from `plugin.dll.snap`, its footer and its section;
//! - an aarch64 Linux shared object (`aarch64-unknown-linux-gnu`, linked
//!   by Debian's cross gcc), loaded by `hosts/loader.c` under qemu-user:
//!   the same;
//! - a macOS dylib (`aarch64-apple-darwin`, linked by LLVM's ld64.lld
//!   through the tool's `tests/macos/ld64.sh`), which cannot run here: a
//!   snapshot with its `LC_UUID` is embedded in its section (the code
//!   signature renewed and checked) and read back.
//!
//! Each is built by a nested cargo in a target directory of its own.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cargo_fastboot::cargo::target_runner::Runner;
use cargo_fastboot::exe::Info;
use cargo_fastboot::snapshot::{embed_footer, embed_section, read_snapshot};
use fastboot_core::format::{self, EntryData};
use fastboot_core::Origin;

/// Builds the plugin in release for `triple`; returns cargo's output
/// directory for it.
fn build_plugin(triple: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-other-targets");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--release", "-p", "example-plugin"])
        .args(["--target", triple, "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("running cargo");
    assert!(status.success(), "building the plugin for {triple} failed");
    target.join(triple).join("release")
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("plugin-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// The report line of `loader` (run through `runner`) on `library`, with
/// `env`, after checking that it succeeded and every value was right;
/// returns the origin: 1 section, 2 footer, 3 file, 4 computed.
fn loaded_origin(runner: &Runner, loader: &Path, library: &Path, env: &[(&str, &OsStr)]) -> u32 {
    let out = run(runner, loader, library, env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with("library "))
        .unwrap_or_else(|| panic!("no report in {stdout}"));
    line.strip_prefix("library len 131072 wrong 0 mismatches 0 origin ")
        .unwrap_or_else(|| panic!("wrong values: {line}"))
        .parse()
        .unwrap()
}

fn run(runner: &Runner, loader: &Path, library: &Path, env: &[(&str, &OsStr)]) -> Output {
    let mut command = runner.command(loader);
    command
        .arg(library)
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_FREEZE")
        .env_remove("FASTBOOT_SNAPSHOT")
        .envs(env.iter().copied());
    fastboot_test_support::output(&mut command)
}

/// A C host for `triple`, compiled by `cc` with `args`, loads the plugin
/// (`name`, built for `triple`) through cargo's runner for the target:
/// with `FASTBOOT_FREEZE` set the load freezes it and exits; then it thaws
/// strictly from `<name>.snap` beside it, its footer and its section.
fn loaded_by_a_c_host(triple: &str, name: &str, cc: &str, args: &[&str]) {
    let built = build_plugin(triple);
    let runner = Runner::for_target(Some(triple)).unwrap();
    assert!(!runner.argv().is_empty(), "no runner for {triple}");
    let dir = scratch(triple);
    let library = dir.join(name);
    fs::copy(built.join(name), &library).unwrap();
    assert!(Info::read(&library).unwrap().library, "a shared library");
    let loader = dir.join("loader.exe");
    let compiled = Command::new(cc)
        .arg("-o")
        .arg(&loader)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("hosts/loader.c"))
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("running {cc}: {e}"));
    assert!(compiled.success());
    assert_eq!(loaded_origin(&runner, &loader, &library, &[]), 4);

    let snapshot = dir.join("x.snap");
    let frozen = run(
        &runner,
        &loader,
        &library,
        &[("FASTBOOT_FREEZE", snapshot.as_os_str())],
    );
    assert!(frozen.status.success(), "{frozen:?}");
    assert!(
        !String::from_utf8_lossy(&frozen.stdout).contains("library len"),
        "the freeze exits while loading: {frozen:?}"
    );
    read_snapshot(&snapshot).expect("a snapshot was written");
    let strict = [("FASTBOOT", OsStr::new("strict"))];

    let beside = dir.join(format!("{name}.snap"));
    fs::copy(&snapshot, &beside).unwrap();
    assert_eq!(loaded_origin(&runner, &loader, &library, &strict), 3);
    fs::remove_file(&beside).unwrap();

    let footer = scratch(&format!("{triple}-footer")).join(name);
    embed_footer(&library, &snapshot, &footer).unwrap();
    assert_eq!(loaded_origin(&runner, &loader, &footer, &strict), 2);

    let section = scratch(&format!("{triple}-section")).join(name);
    embed_section(&library, &snapshot, &section).unwrap();
    assert_eq!(loaded_origin(&runner, &loader, &section, &strict), 1);
}

#[test]
#[ignore = "needs mingw-w64 and wine (.ci/run sets them up)"]
fn a_windows_dll_freezes_when_loaded_and_thaws_strictly_from_its_file_footer_and_section() {
    loaded_by_a_c_host(
        "x86_64-pc-windows-gnu",
        "plugin.dll",
        "x86_64-w64-mingw32-gcc",
        &[],
    );
}

#[test]
#[ignore = "needs the aarch64 cross toolchain and qemu-user (.ci/run sets them up)"]
fn an_aarch64_shared_object_freezes_when_loaded_and_thaws_strictly_from_its_file_footer_and_section(
) {
    loaded_by_a_c_host(
        "aarch64-unknown-linux-gnu",
        "libplugin.so",
        "aarch64-linux-gnu-gcc",
        &["-ldl"],
    );
}

#[test]
#[ignore = "needs ld64.lld as the macOS linker (.ci/run sets it)"]
fn a_macos_dylib_takes_a_snapshot_in_its_section_and_stays_signed() {
    let triple = "aarch64-apple-darwin";
    let built = build_plugin(triple);
    let library = built.join("libplugin.dylib");
    let info = Info::read(&library).unwrap();
    assert!(info.library, "a dylib");
    let id = info.build_id.expect("an LC_UUID");
    // The snapshot a freeze run would write, with the library's identity.
    let archive = vec![42u8; 100_000];
    let entry = EntryData {
        name: "plugin::table",
        fingerprint: 1,
        bytes: &archive,
    };
    let dir = scratch("macos");
    let snapshot = dir.join("x.snap");
    fs::write(&snapshot, format::write(id.as_bytes(), &[entry]).unwrap()).unwrap();
    // `embed_section` checks the result's code signature.
    let section = dir.join("libplugin.dylib");
    embed_section(&library, &snapshot, &section).unwrap();
    let found = read_snapshot(&section).unwrap();
    assert!(found.origin == Origin::Section, "{:?}", found.origin);
    assert_eq!(found.bytes, fs::read(&snapshot).unwrap());
    assert_eq!(found.binary_build_id, Some(id));
}
