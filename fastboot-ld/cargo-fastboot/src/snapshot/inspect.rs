//! A human-readable description of a snapshot and its entries.

use std::fmt::Write;

use fastboot_core::__private::hex;

use super::read::Located;
use crate::error::Result;

/// Describes the snapshot: where it is, who produced it, its format and
/// size, whether the executable holding it matches, then one line per
/// entry (name, bytes, fingerprint, offset, alignment).
pub fn describe(found: &Located) -> Result<String> {
    let snapshot = found.snapshot()?;
    let header = snapshot.as_bytes();
    let abi = snapshot.archive_abi();
    let producer = hex(snapshot.producer());

    let mut out = String::new();
    let mut line = |label: &str, value: &dyn std::fmt::Display| {
        let _ = writeln!(out, "{label:<10} {value}");
    };
    line("file", &found.path.display());
    line("location", &found.place());
    line("producer", &format_args!("build-id {producer}"));
    if let Some(id) = found.binary_build_id {
        let verdict = if id.as_bytes() == snapshot.producer() {
            "matches the producer"
        } else {
            "DOES NOT MATCH the producer: the snapshot will not be thawed"
        };
        line("binary", &format_args!("build-id {id} ({verdict})"));
    } else if found.origin.is_embedded() {
        line("binary", &"no build-id: the snapshot will not be thawed");
    }
    line(
        "format",
        &format_args!(
            "version {}, rkyv {} with {}-bit relative pointers",
            snapshot.format_version(),
            abi >> 8,
            8 * (abi & 0xff)
        ),
    );
    line(
        "writer",
        &format_args!("fastboot {}", snapshot.writer_version()),
    );
    let count = snapshot.len();
    let plural = if count == 1 { "entry" } else { "entries" };
    line(
        "size",
        &format_args!("{} bytes, {count} {plural}", header.len()),
    );

    let rows: Vec<[String; 5]> = snapshot
        .entries()
        .map(|e| {
            [
                e.name.to_owned(),
                e.bytes.len().to_string(),
                format!("{:016x}", e.fingerprint),
                e.offset.to_string(),
                e.align.to_string(),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push('\n');
        out.push_str(&table(
            ["name", "bytes", "fingerprint", "offset", "align"],
            &rows,
        ));
    }
    Ok(out)
}

/// A table with a header line: the first column left-aligned, the others
/// right-aligned.
fn table(header: [&str; 5], rows: &[[String; 5]]) -> String {
    let mut widths = header.map(str::len);
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    let header = header.map(str::to_owned);
    for row in std::iter::once(&header).chain(rows) {
        let mut cells = row.iter().zip(widths).enumerate().map(|(i, (cell, w))| {
            if i == 0 {
                format!("{cell:<w$}")
            } else {
                format!("{cell:>w$}")
            }
        });
        let line = cells.by_ref().collect::<Vec<_>>().join("  ");
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_their_columns() {
        let rows = [
            ["a::long_name", "8", "ff", "128", "16"].map(String::from),
            ["b", "12345", "00", "4096", "4096"].map(String::from),
        ];
        let text = table(["name", "bytes", "fingerprint", "offset", "align"], &rows);
        assert_eq!(
            text,
            "name          bytes  fingerprint  offset  align\n\
             a::long_name      8           ff     128     16\n\
             b             12345           00    4096   4096\n"
        );
    }
}
