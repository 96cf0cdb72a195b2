//! Writes the seed corpus: `cargo run --example gen_corpus` in this directory.

use std::path::Path;

fn main() -> std::io::Result<()> {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    for (target, files) in [
        ("snapshot", fastboot_core_fuzz::seeds()),
        ("footer", fastboot_core_fuzz::footer_seeds()),
    ] {
        let dir = seeds.join(target);
        std::fs::create_dir_all(&dir)?;
        for (name, bytes) in files {
            std::fs::write(dir.join(name), &bytes)?;
            println!("{target}/{name}: {} bytes", bytes.len());
        }
    }
    Ok(())
}
