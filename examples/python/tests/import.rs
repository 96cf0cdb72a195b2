//! The module as Python imports it: built by cargo, frozen through
//! `import` (`FASTBOOT_FREEZE`), its snapshot embedded in its section,
//! appended to it, or beside it in `<module file>.snap`; each imported in
//! strict mode gives every answer of the computing import, and that one
//! every answer of a second, independent computation. Another library's
//! snapshot and a corrupt one are refused: the table is computed.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::LazyLock;

use cargo_fastboot::snapshot::{embed, Method};

/// The word list the module computes its table from.
const WORD_LIST: &str = "/usr/share/dict/american-english";

/// Prints every word of the table with its neighbours, one a line
/// (`word<TAB>n1 n2 …`), then how the table was obtained (a `#` line).
const DUMP: &str = r##"
import sys, neighbours
assert neighbours.lookup("not a word") is None
out = sys.stdout
for word in neighbours.words():
    out.write(word + "\t" + " ".join(neighbours.lookup(word)) + "\n")
for name, how in neighbours.report():
    print("#", name, how)
"##;

/// The module built, its snapshot frozen through `import`, and the answers
/// of an import that computes the table.
struct Fixture {
    /// `neighbours.so`, as cargo built it: no snapshot.
    module: PathBuf,
    /// The snapshot its freeze run wrote.
    snapshot: PathBuf,
    /// The answers of `FASTBOOT=off` (the `#` lines removed).
    computed: String,
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let module = install(&build(), &work_dir("computed"));

    let snapshot = work_dir("freeze").join("neighbours.snap");
    // The freeze run happens as the module is loaded, and ends the process.
    let out = python(
        &module,
        "import neighbours\nprint('after the import')",
        &[("FASTBOOT_FREEZE", snapshot.as_os_str())],
    );
    assert!(out.status.success(), "freeze: {}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("froze neighbours::table::by_word") && !said.contains("after the import"),
        "freeze: {said}"
    );
    assert!(snapshot.is_file(), "freeze wrote no {}", snapshot.display());

    let out = python(&module, DUMP, &[("FASTBOOT", "off".as_ref())]);
    let (how, computed) = answers(&out);
    assert_eq!(
        how,
        ["computed (disabled by FASTBOOT=off)"],
        "{}",
        stderr(&out)
    );
    Fixture {
        module,
        snapshot,
        computed,
    }
});

#[test]
fn the_computed_table_is_every_word_and_its_neighbours() {
    let text = fs::read_to_string(WORD_LIST).unwrap();
    let words: BTreeSet<&str> = text.lines().collect();
    let set: HashSet<&str> = words.iter().copied().collect();
    let alphabet: Vec<char> = text
        .lines()
        .flat_map(str::chars)
        .collect::<BTreeSet<char>>()
        .into_iter()
        .collect();
    let mut expected = String::new();
    for word in &words {
        let near: Vec<&str> = one_edit_away(word, &set, &alphabet).into_iter().collect();
        writeln!(expected, "{word}\t{}", near.join(" ")).unwrap();
    }
    let computed = &FIXTURE.computed;
    assert_eq!(computed.lines().count(), words.len());
    assert_same(
        computed,
        &expected,
        "the module's table and generate-and-test",
    );
    // Not vacuous: most words have neighbours.
    assert!(computed.contains("\nwalk\tSalk balk calk talk wack wale walks wall wank\n"));
}

#[test]
fn the_section_the_footer_and_the_file_thaw_every_answer_on_import() {
    let fixture = &*FIXTURE;
    let section = work_dir("section").join("neighbours.so");
    embed(
        &fixture.module,
        &fixture.snapshot,
        &section,
        Method::Section,
    )
    .unwrap();
    let footer = work_dir("footer").join("neighbours.so");
    embed(&fixture.module, &fixture.snapshot, &footer, Method::Footer).unwrap();
    let file = install(&fixture.module, &work_dir("file"));
    fs::copy(&fixture.snapshot, snapshot_beside(&file)).unwrap();

    for (module, expected) in [
        (&section, "section".to_owned()),
        (&footer, "footer".to_owned()),
        (&file, format!("file {}", snapshot_beside(&file).display())),
    ] {
        // Strict: a table that cannot be thawed stops the import.
        let out = python(module, DUMP, &[("FASTBOOT", "strict".as_ref())]);
        assert!(stderr(&out).is_empty(), "{expected}: {}", stderr(&out));
        let (how, thawed) = answers(&out);
        assert_eq!(how, [expected.as_str()], "{}", module.display());
        assert_same(&thawed, &fixture.computed, &expected);
    }
}

#[test]
fn another_librarys_snapshot_is_refused() {
    // Another build of the module: the same code, another build-id, so
    // another library to fastboot. Its freeze run writes its own snapshot.
    let other = install(&FIXTURE.module, &work_dir("other-build"));
    change_build_id(&other);
    let foreign = work_dir("other-snapshot").join("other.snap");
    let out = python(
        &other,
        "import neighbours",
        &[("FASTBOOT_FREEZE", foreign.as_os_str())],
    );
    assert!(out.status.success(), "freeze: {}", stderr(&out));

    let embedding = embed(
        &FIXTURE.module,
        &foreign,
        &work_dir("foreign").join("x.so"),
        Method::Section,
    );
    assert!(
        embedding.is_err(),
        "cargo fastboot embed took another library's snapshot"
    );

    let module = install(&FIXTURE.module, &work_dir("foreign"));
    fs::copy(&foreign, snapshot_beside(&module)).unwrap();
    refused(
        &module,
        "another library's snapshot",
        "produced by another binary",
        None,
    );
}

#[test]
fn a_corrupt_snapshot_file_is_refused() {
    let mut bytes = fs::read(&FIXTURE.snapshot).unwrap();
    // A byte of the table's archive: the snapshot's last page holds it.
    let at = bytes.len() - 1000;
    bytes[at] ^= 0x55;
    let module = install(&FIXTURE.module, &work_dir("corrupt"));
    fs::write(snapshot_beside(&module), bytes).unwrap();
    refused(
        &module,
        "a corrupt snapshot",
        "checksum mismatch",
        Some("fastboot: computing neighbours::table::by_word: invalid data: checksum mismatch"),
    );
}

/// Checks that the snapshot beside `module` is refused: an import computes
/// the table, gives the computed answers, and reports `why`; it prints
/// `warning` on standard error (a corrupt file is worth one line; a
/// snapshot of another build, left over from an earlier one, is not). In
/// strict mode the import fails.
fn refused(module: &Path, what: &str, why: &str, warning: Option<&str>) {
    let out = python(module, DUMP, &[]);
    let printed = stderr(&out);
    match warning {
        None => assert!(printed.is_empty(), "{what}: {printed}"),
        Some(warning) => {
            assert_eq!(printed.lines().count(), 1, "{what}: {printed}");
            assert!(printed.starts_with(warning), "{what}: {printed}");
        }
    }
    let (how, answers) = answers(&out);
    assert!(how[0].starts_with("computed ("), "{what}: {how:?}");
    assert!(how[0].contains(why), "{what}: {how:?}");
    assert_same(&answers, &FIXTURE.computed, what);

    let strict = python(
        module,
        "import neighbours",
        &[("FASTBOOT", "strict".as_ref())],
    );
    assert!(!strict.status.success(), "{what}: strict import succeeded");
    assert!(
        stderr(&strict).contains("not thawable"),
        "{what}: {}",
        stderr(&strict)
    );
}

/// Builds the module (the profile of this test) and returns the library
/// cargo wrote.
fn build() -> PathBuf {
    let mut cargo = Command::new(std::env::var_os("CARGO").unwrap_or("cargo".into()));
    cargo.current_dir(env!("CARGO_MANIFEST_DIR")).args([
        "build",
        "--quiet",
        "--lib",
        "--message-format=json",
    ]);
    if !cfg!(debug_assertions) {
        cargo.arg("--release");
    }
    let out = cargo.output().unwrap();
    assert!(out.status.success(), "cargo build: {}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["target"]["kind"] == serde_json::json!(["cdylib"]))
        .find_map(|message| message["filenames"][0].as_str().map(PathBuf::from))
        .expect("cargo built the cdylib")
}

/// Copies `library` into `dir` as `neighbours.so`, the name Python
/// imports, and returns that path.
fn install(library: &Path, dir: &Path) -> PathBuf {
    let module = dir.join("neighbours.so");
    fs::copy(library, &module).unwrap();
    module
}

/// Where the module looks for a snapshot file: `<module file>.snap`.
fn snapshot_beside(module: &Path) -> PathBuf {
    let mut name = module.as_os_str().to_owned();
    name.push(".snap");
    name.into()
}

/// A new, empty directory for one case.
fn work_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("python-ext")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `python3 -c script` in the directory of `module` (so that
/// `import neighbours` imports it), with `env` and no other fastboot
/// variable. The interpreter is the one PyO3 built for: `PYO3_PYTHON`, or
/// `python3`.
fn python(module: &Path, script: &str, env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let interpreter = std::env::var_os("PYO3_PYTHON").unwrap_or("python3".into());
    let mut command = Command::new(interpreter);
    command
        .current_dir(module.parent().unwrap())
        .args(["-c", script])
        .env_remove("FASTBOOT")
        .env_remove("FASTBOOT_FREEZE")
        .env_remove("FASTBOOT_SNAPSHOT")
        .envs(env.iter().copied());
    fastboot_test_support::output(&mut command)
}

/// The output of [`DUMP`]: how the table was obtained, and the answers.
fn answers(out: &Output) -> (Vec<String>, String) {
    assert!(out.status.success(), "python: {}", stderr(out));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let (how, answers): (Vec<&str>, Vec<&str>) = text
        .split_inclusive('\n')
        .partition(|line| line.starts_with("# "));
    let how = how
        .iter()
        .map(|line| {
            let line = line
                .trim_end()
                .strip_prefix("# neighbours::table::by_word ");
            line.unwrap_or_else(|| panic!("not the table: {line:?}"))
                .to_owned()
        })
        .collect();
    (how, answers.concat())
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Asserts that two dumps are equal, naming the first word that differs.
fn assert_same(ours: &str, theirs: &str, what: &str) {
    if let Some((a, b)) = ours.lines().zip(theirs.lines()).find(|(a, b)| a != b) {
        panic!("{what}: {a:?} != {b:?}");
    }
    assert_eq!(ours.lines().count(), theirs.lines().count(), "{what}");
}

/// The words of `words` one edit from `word`, found by generating every
/// string one edit away (over the characters of the word list) and keeping
/// those in it: a different method from the module's.
fn one_edit_away<'w>(word: &str, words: &HashSet<&'w str>, alphabet: &[char]) -> BTreeSet<&'w str> {
    let chars: Vec<char> = word.chars().collect();
    let mut found = BTreeSet::new();
    let mut candidate = String::new();
    let mut keep = |parts: [&[char]; 3]| {
        candidate.clear();
        candidate.extend(parts.iter().flat_map(|part| part.iter()));
        if candidate != word {
            if let Some(w) = words.get(candidate.as_str()) {
                found.insert(*w);
            }
        }
    };
    for i in 0..=chars.len() {
        let (before, after) = chars.split_at(i);
        for c in alphabet {
            keep([before, std::slice::from_ref(c), after]); // inserted
        }
        if let Some((_, rest)) = after.split_first() {
            keep([before, &[], rest]); // deleted
            for c in alphabet {
                keep([before, std::slice::from_ref(c), rest]); // replaced
            }
            if let Some((second, rest)) = rest.split_first() {
                keep([before, &[*second, after[0]], rest]); // swapped
            }
        }
    }
    found
}

/// Rewrites the GNU build-id of the library at `path`: the same code, to
/// fastboot another library.
fn change_build_id(path: &Path) {
    use object::{Object, ObjectSection};
    let mut bytes = fs::read(path).unwrap();
    let (start, size) = {
        let file = object::File::parse(&*bytes).unwrap();
        let note = file
            .section_by_name(".note.gnu.build-id")
            .expect("a build-id");
        note.file_range().unwrap()
    };
    // The note: name size, descriptor size, type, "GNU\0", the descriptor.
    let start = usize::try_from(start).unwrap() + 16;
    let end = start + usize::try_from(size).unwrap() - 16;
    for byte in &mut bytes[start..end] {
        *byte = !*byte;
    }
    fs::write(path, bytes).unwrap();
}
