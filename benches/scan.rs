//! Scan throughput on a synthetic corpus: the fixtures copied many times over.
//!
//! `cargo bench` prints files/s and MB/s for one thread and for all cores. Numbers,
//! not assertions: performance is measured here, never in tests.

use scaleout::catalogue::Catalogue;
use scaleout::engine::Engine;
use scaleout::scan::scan;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn copy_tree(from: &Path, to: &Path) -> u64 {
    let mut bytes = 0;
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            bytes += copy_tree(&path, &dest);
        } else {
            bytes += std::fs::copy(&path, &dest).unwrap();
        }
    }
    bytes
}

fn main() {
    let copies: usize = std::env::var("SCALEOUT_BENCH_COPIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let corpus = tempfile::tempdir().unwrap();
    let mut bytes = 0;
    for i in 0..copies {
        bytes += copy_tree(&fixtures, &corpus.path().join(format!("svc{i}")));
    }
    let catalogue = Catalogue::builtin().unwrap();
    let engine = Engine::new(&catalogue);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(64 * 1024 * 1024)
            .build()
            .unwrap();
        // One warm-up run, then the best of three.
        let mut best = f64::MAX;
        let mut result = None;
        for _ in 0..4 {
            let start = Instant::now();
            let r = pool.install(|| {
                scan(
                    &engine,
                    &[corpus.path().to_path_buf()],
                    corpus.path(),
                    threads,
                    &scaleout::limits::Limits::default(),
                )
            });
            best = best.min(start.elapsed().as_secs_f64());
            result = Some(r);
        }
        let r = result.unwrap();
        println!(
            "threads={threads}: {} files, {:.1} MB, {} findings in {:.3}s: {:.0} files/s, {:.1} MB/s",
            r.files_scanned,
            bytes as f64 / 1e6,
            r.findings.len(),
            best,
            r.files_scanned as f64 / best,
            bytes as f64 / 1e6 / best
        );
    }
}
