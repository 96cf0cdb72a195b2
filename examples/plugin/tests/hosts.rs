//! The plugin in real hosts that know nothing of fastboot or Rust, on
//! Linux: Python's `ctypes` (freeze at load, then strict thaw from the
//! plugin's own file, footer and section), and a C program built with `cc`
//! that links the plugin as a static library (its frozen statics then live
//! in the executable) and also loads the shared plugin: the two thaw from
//! their own snapshots and never from each other's. Another image's
//! snapshot is refused and a corrupt file is computed.
//!
//! Every host compares every value of the table with its own computation
//! (`hosts/plugin.h`, `hosts/ctypes_host.py`), and the plugin compares them
//! with `plugin::mix` too.

#![cfg(target_os = "linux")]

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use cargo_fastboot::snapshot::{embed_footer, embed_section, read_snapshot};

/// Where `hosts/` is.
fn hosts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("hosts")
}

/// Where cargo put the plugin (`libplugin.so`, `libplugin.a`) built for
/// these tests: beside them, in `<target>/<profile>/deps` (the library's
/// crate types are all built for its tests, and named without a hash).
fn artifacts() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().expect("a test binary's directory").to_owned()
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("plugin-{name}"));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the shared plugin, alone in `dir`.
fn plugin_in(dir: &Path) -> PathBuf {
    let copy = dir.join("libplugin.so");
    fs::copy(artifacts().join("libplugin.so"), &copy).unwrap();
    copy
}

/// `FASTBOOT=strict`.
const STRICT: (&str, &str) = ("FASTBOOT", "strict");

/// Runs `command` with no fastboot variable but those in `env`.
fn run(command: &mut Command, env: &[(&str, &dyn AsRef<OsStr>)]) -> Output {
    command
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_FREEZE")
        .env_remove("FASTBOOT_SNAPSHOT");
    for (name, value) in env {
        command.env(name, value);
    }
    fastboot_test_support::output(command)
}

/// Python's `ctypes` loading `library` and reporting on it, with `env`.
fn python(library: &Path, env: &[(&str, &dyn AsRef<OsStr>)]) -> Output {
    let mut command = Command::new("python3");
    command.arg(hosts().join("ctypes_host.py")).arg(library);
    run(&mut command, env)
}

/// The report line of `who` (`program` or `library`) in `out`, which must
/// have succeeded, after checking that its values were all right; returns
/// the origin: 1 section, 2 footer, 3 file, 4 computed.
fn origin(out: &Output, who: &str) -> u32 {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{who} ")))
        .unwrap_or_else(|| panic!("no {who} line in {stdout}"));
    let rest = line
        .strip_prefix(&format!("{who} len 131072 wrong 0 mismatches 0 origin "))
        .unwrap_or_else(|| panic!("wrong values: {line}"));
    rest.parse().unwrap()
}

/// Freezes the plugin at `library` by loading it with Python's `ctypes`
/// and `FASTBOOT_FREEZE` set, and checks that the load exited Python.
fn freeze_through_ctypes(library: &Path, snapshot: &Path) {
    let script = format!(
        "import ctypes; ctypes.CDLL({:?}); print('still running')",
        library.display().to_string()
    );
    let out = run(
        Command::new("python3").args(["-c", &script]),
        &[("FASTBOOT_FREEZE", &snapshot)],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(
        !stdout.contains("still running"),
        "the freeze exits: {stdout}"
    );
    assert!(stdout.contains("fastboot: froze plugin::table"), "{stdout}");
    read_snapshot(snapshot).expect("a snapshot was written");
}

/// A snapshot of the shared plugin as cargo built it, frozen through
/// `ctypes` once for all tests.
fn plugin_snapshot() -> &'static Path {
    static SNAPSHOT: OnceLock<PathBuf> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let dir = scratch("frozen");
        let snapshot = dir.join("plugin.snap");
        freeze_through_ctypes(&plugin_in(&dir), &snapshot);
        snapshot
    })
}

#[test]
fn ctypes_freezes_the_plugin_at_load_and_it_thaws_strictly_from_its_file_footer_and_section() {
    let dir = scratch("ctypes");
    let library = plugin_in(&dir);
    assert_eq!(origin(&python(&library, &[]), "library"), 4, "no snapshot");

    let snapshot = dir.join("x.snap");
    freeze_through_ctypes(&library, &snapshot);
    let strict: [(&str, &dyn AsRef<OsStr>); 1] = [(STRICT.0, &STRICT.1)];

    // `<library>.snap`, beside it.
    fs::copy(&snapshot, dir.join("libplugin.so.snap")).unwrap();
    assert_eq!(origin(&python(&library, &strict), "library"), 3);
    fs::remove_file(dir.join("libplugin.so.snap")).unwrap();

    // Appended to the library, moved elsewhere.
    let footer = scratch("ctypes-footer").join("libplugin.so");
    embed_footer(&library, &snapshot, &footer).unwrap();
    assert_eq!(origin(&python(&footer, &strict), "library"), 2);

    // In its `fastboot` section.
    let section = scratch("ctypes-section").join("libplugin.so");
    embed_section(&library, &snapshot, &section).unwrap();
    assert_eq!(origin(&python(&section, &strict), "library"), 1);
}

#[test]
fn fastboot_snapshot_names_the_executable_s_snapshot_never_a_library_s() {
    let dir = scratch("scoped");
    let library = plugin_in(&dir);
    let named: [(&str, &dyn AsRef<OsStr>); 1] = [("FASTBOOT_SNAPSHOT", &plugin_snapshot())];
    assert_eq!(origin(&python(&library, &named), "library"), 4);
}

#[test]
fn a_corrupt_snapshot_file_is_computed_and_another_image_s_is_refused() {
    let dir = scratch("refused");
    let library = plugin_in(&dir);
    let beside = dir.join("libplugin.so.snap");

    // The table's last byte changed: its checksum no longer matches.
    let mut corrupt = fs::read(plugin_snapshot()).unwrap();
    *corrupt.last_mut().unwrap() ^= 0xff;
    fs::write(&beside, &corrupt).unwrap();
    let out = python(&library, &[]);
    assert_eq!(origin(&out, "library"), 4);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("checksum"),
        "{out:?}"
    );
    // Not a snapshot at all.
    fs::write(&beside, b"not a snapshot").unwrap();
    assert_eq!(origin(&python(&library, &[]), "library"), 4);

    // The C program's snapshot: the same frozen static, another image.
    fs::copy(&c_program().snapshot, &beside).unwrap();
    assert_eq!(origin(&python(&library, &[]), "library"), 4);
    let strict = python(&library, &[(STRICT.0, &STRICT.1)]);
    assert!(!strict.status.success(), "strict mode refuses it");
}

/// The C program, linked with the static plugin, and its snapshot.
struct CProgram {
    program: PathBuf,
    snapshot: PathBuf,
}

/// `hosts/program.c` built with `cc` and the static plugin, with
/// fastboot's linker script (as `fastboot_ld::link()` gives Rust
/// programs) and a build-id, then frozen; once for all tests.
fn c_program() -> &'static CProgram {
    static PROGRAM: OnceLock<CProgram> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let dir = scratch("c-program");
        let script = dir.join("fastboot.ld");
        fs::write(&script, fastboot_ld::link::SCRIPT).unwrap();
        let program = dir.join("program");
        let out = run(
            Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()))
                .arg("-o")
                .arg(&program)
                .arg(hosts().join("program.c"))
                .arg(artifacts().join("libplugin.a"))
                .arg(format!("-Wl,-T,{}", script.display()))
                .arg("-Wl,--build-id")
                // What `rustc --print native-static-libs` asks for.
                .args([
                    "-lgcc_s",
                    "-lutil",
                    "-lrt",
                    "-lpthread",
                    "-lm",
                    "-ldl",
                    "-lc",
                ]),
            &[],
        );
        assert!(out.status.success(), "cc: {out:?}");
        // Not `program.snap`, which the program would find beside it.
        let snapshot = dir.join("frozen.snap");
        let frozen = run(
            &mut Command::new(&program),
            &[("FASTBOOT_FREEZE", &snapshot)],
        );
        assert!(frozen.status.success(), "{frozen:?}");
        assert!(
            !String::from_utf8_lossy(&frozen.stdout).contains("program len"),
            "the freeze run exits before main"
        );
        read_snapshot(&snapshot).expect("a snapshot was written");
        CProgram { program, snapshot }
    })
}

#[test]
fn a_c_program_with_the_static_plugin_thaws_from_its_own_section() {
    let c = c_program();
    let dir = scratch("c-section");
    let program = dir.join("program");
    embed_section(&c.program, &c.snapshot, &program).unwrap();
    let out = run(&mut Command::new(&program), &[(STRICT.0, &STRICT.1)]);
    assert_eq!(origin(&out, "program"), 1);
    let out = run(&mut Command::new(&c.program), &[]);
    assert_eq!(origin(&out, "program"), 4, "not embedded: computed");
}

#[test]
fn a_program_and_the_library_it_loads_each_thaw_from_their_own_snapshot() {
    let c = c_program();
    let dir = scratch("both");
    let library = plugin_in(&dir);
    let section = dir.join("libsection.so");
    embed_section(&library, plugin_snapshot(), &section).unwrap();
    let program = dir.join("program");
    embed_section(&c.program, &c.snapshot, &program).unwrap();

    // Both from their sections, in one process.
    let out = run(
        Command::new(&program).arg(&section),
        &[(STRICT.0, &STRICT.1)],
    );
    assert_eq!((origin(&out, "program"), origin(&out, "library")), (1, 1));

    // The program's snapshot named by FASTBOOT_SNAPSHOT is the program's
    // only: the library, with none of its own, computes.
    let out = run(
        Command::new(&c.program).arg(&library),
        &[("FASTBOOT_SNAPSHOT", &c.snapshot)],
    );
    assert_eq!((origin(&out, "program"), origin(&out, "library")), (3, 4));

    // The library's file beside it is the library's only: the program,
    // with none of its own, computes.
    fs::copy(plugin_snapshot(), dir.join("libplugin.so.snap")).unwrap();
    let out = run(Command::new(&c.program).arg(&library), &[]);
    assert_eq!((origin(&out, "program"), origin(&out, "library")), (4, 3));
}

#[test]
fn a_c_host_loads_the_plugin_with_dlopen_and_it_thaws_strictly() {
    let dir = scratch("loader");
    let loader = dir.join("loader");
    let out = run(
        Command::new(std::env::var_os("CC").unwrap_or_else(|| "cc".into()))
            .arg("-o")
            .arg(&loader)
            .arg(hosts().join("loader.c"))
            .arg("-ldl"),
        &[],
    );
    assert!(out.status.success(), "cc: {out:?}");
    let library = plugin_in(&dir);
    let snapshot = dir.join("x.snap");
    let frozen = run(
        Command::new(&loader).arg(&library),
        &[("FASTBOOT_FREEZE", &snapshot)],
    );
    assert!(frozen.status.success(), "{frozen:?}");
    let section = dir.join("libsection.so");
    embed_section(&library, &snapshot, &section).unwrap();
    let out = run(
        Command::new(&loader).arg(&section),
        &[(STRICT.0, &STRICT.1)],
    );
    assert_eq!(origin(&out, "library"), 1);
}
