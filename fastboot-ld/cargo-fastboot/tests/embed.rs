//! Embedding real snapshots into real executables, then running them.

mod fixture;

use std::fs;
use std::os::unix::fs::PermissionsExt;

use cargo_fastboot::snapshot::{embed_footer, embed_section, read_snapshot};
use cargo_fastboot::Error;
use fastboot_core::format::footer;
use fastboot_core::Origin;
use fixture::{assert_thaws_strictly, fixture, moved, release_fixture, scratch};

#[test]
fn a_snapshot_in_the_section_thaws_strictly_even_after_a_move() {
    let f = fixture();
    let out = scratch("section").join("app");
    embed_section(&f.linked, &f.linked_snap, &out).unwrap();
    assert_thaws_strictly(&out, "Section");
    assert_thaws_strictly(&moved(&out, "section"), "Section");
    assert_eq!(read_snapshot(&out).unwrap().origin, Origin::Section);
}

/// Shipped programs are optimized: the section must be found there too.
#[test]
fn a_snapshot_in_the_section_thaws_in_an_optimized_build() {
    let f = release_fixture();
    let out = f.scratch.join("section-release");
    embed_section(&f.linked, &f.linked_snap, &out).unwrap();
    assert_thaws_strictly(&out, "Section");
}

#[test]
fn an_appended_snapshot_thaws_strictly_even_after_a_move() {
    let f = fixture();
    let dir = scratch("footer");
    for (binary, snap) in [(&f.linked, &f.linked_snap), (&f.plain, &f.plain_snap)] {
        let out = dir.join(binary.file_name().unwrap());
        embed_footer(binary, snap, &out).unwrap();
        assert_thaws_strictly(&out, "Footer");
        assert_thaws_strictly(&moved(&out, "footer"), "Footer");
        let found = read_snapshot(&out).unwrap();
        assert_eq!(found.origin, Origin::Footer);
        let offset = found.offset;
        assert_eq!(offset % 4096, 0);
    }
}

#[test]
fn embedding_replaces_an_earlier_snapshot_either_way() {
    let f = fixture();
    let dir = scratch("replace");
    let (first, second, third) = (dir.join("1"), dir.join("2"), dir.join("3"));
    embed_footer(&f.linked, &f.linked_snap, &first).unwrap();
    // Footer, then section: the appended snapshot is dropped.
    embed_section(&first, &f.linked_snap, &second).unwrap();
    assert_thaws_strictly(&second, "Section");
    assert!(!has_footer(&second));
    // Section, then footer: the section's snapshot must not shadow it.
    embed_footer(&second, &f.linked_snap, &third).unwrap();
    assert_thaws_strictly(&third, "Footer");
    // Footer again, in place: replaced, not stacked.
    let len = fs::metadata(&third).unwrap().len();
    embed_footer(&third, &f.linked_snap, &third).unwrap();
    assert_eq!(fs::metadata(&third).unwrap().len(), len);
    assert_thaws_strictly(&third, "Footer");
}

fn has_footer(path: &std::path::Path) -> bool {
    let bytes = fs::read(path).unwrap();
    bytes[bytes.len() - footer::LEN..].starts_with(&footer::MAGIC)
}

#[test]
fn in_place_embedding_keeps_the_file_executable() {
    let f = fixture();
    let app = scratch("in-place").join("app");
    fs::copy(&f.linked, &app).unwrap();
    fs::set_permissions(&app, fs::Permissions::from_mode(0o750)).unwrap();
    embed_section(&app, &f.linked_snap, &app).unwrap();
    assert_eq!(
        fs::metadata(&app).unwrap().permissions().mode() & 0o777,
        0o750
    );
    assert_thaws_strictly(&app, "Section");
    // Nothing but the result is left in the directory.
    assert_eq!(fs::read_dir(app.parent().unwrap()).unwrap().count(), 1);
}

#[test]
fn the_inputs_are_left_untouched() {
    let f = fixture();
    let before = fs::read(&f.linked).unwrap();
    let out = scratch("untouched").join("app");
    embed_section(&f.linked, &f.linked_snap, &out).unwrap();
    embed_footer(&f.linked, &f.linked_snap, &out).unwrap();
    assert!(fs::read(&f.linked).unwrap() == before);
}

#[test]
fn the_section_must_have_its_own_segment() {
    let f = fixture();
    let out = scratch("own-segment").join("app");
    let err = embed_section(&f.plain, &f.plain_snap, &out).unwrap_err();
    assert!(matches!(err, Error::NotOwnSegment(_)), "{err}");
    assert!(
        err.to_string()
            .contains("link with fastboot_ld::link() in build.rs, or use --footer"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_snapshot_from_another_binary_is_refused() {
    let f = fixture();
    let out = scratch("foreign").join("app");
    for result in [
        embed_section(&f.linked, &f.plain_snap, &out),
        embed_footer(&f.linked, &f.plain_snap, &out),
    ] {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::ForeignSnapshot { .. }), "{err}");
        assert!(err
            .to_string()
            .starts_with("snapshot was produced by another binary (build-id "));
    }
    assert!(!out.exists());
}

#[test]
fn a_file_that_is_not_an_executable_is_refused() {
    let f = fixture();
    let dir = scratch("not-elf");
    let text = dir.join("notes.txt");
    fs::write(&text, "not a program").unwrap();
    let out = dir.join("out");
    for result in [
        embed_section(&text, &f.linked_snap, &out),
        embed_footer(&text, &f.linked_snap, &out),
    ] {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::NotExecutable(_)), "{err}");
        assert!(err
            .to_string()
            .ends_with("notes.txt: not an ELF, PE or Mach-O executable"));
    }
    // And a non-snapshot is refused as a snapshot.
    let err = embed_footer(&f.linked, &text, &out).unwrap_err();
    assert!(matches!(err, Error::BadSnapshot { .. }), "{err}");
}

#[test]
fn snapshots_are_read_from_files_and_pristine_binaries_have_none() {
    let f = fixture();
    let found = read_snapshot(&f.linked_snap).unwrap();
    assert_eq!(found.origin, Origin::File(f.linked_snap.clone()));
    let snapshot = found.snapshot().unwrap();
    let names: Vec<&str> = snapshot.entries().map(|e| e.name).collect();
    assert_eq!(names, ["linked::greeting", "linked::squares"]);
    let err = read_snapshot(&f.linked).unwrap_err();
    assert!(matches!(err, Error::NoSnapshot(_)), "{err}");
}
