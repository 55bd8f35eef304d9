use std::hash::Hasher as _;
use std::path::Path;

// The migrations are embedded at compile time (`sqlx::migrate!`): a new or changed
// one must rebuild the server.
//
// Tallies a server saved between runs are core's structures, counted by core's
// rules (`storage/checkpoint.rs`): a server built from other core sources counts
// its views again rather than trust them, so the build is named by a digest of
// core's sources.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let core = Path::new("../core");
    println!("cargo:rerun-if-changed=../core/src");
    println!("cargo:rerun-if-changed=../core/Cargo.toml");
    let mut files = vec![core.join("Cargo.toml")];
    sources(&core.join("src"), &mut files);
    files.sort();
    let mut digest = std::hash::DefaultHasher::new();
    for file in files {
        let text = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        digest.write(file.to_string_lossy().as_bytes());
        digest.write(&text);
    }
    println!(
        "cargo:rustc-env=LIANJIE_TALLY_RULES={:016x}",
        digest.finish()
    );
}

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
