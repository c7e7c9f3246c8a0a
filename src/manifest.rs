//! Project manifests: what a file's text cannot tell about it, read from the nearest
//! project file and cached per directory. Only the scan layer consults them, so
//! [`crate::engine::Engine::lint`] never touches the disk.

pub mod cargo;
pub mod cargo_hosts;
pub mod cargo_workspace;
pub mod csproj;
pub mod dotnet_solution;
pub mod meteor;
pub mod npm;
pub mod npm_scripts;
pub mod npm_workspace;

use std::sync::{Mutex, MutexGuard};

/// Locks a manifest cache; a cache poisoned by a panic on another thread is still usable
/// (it holds only parsed manifests), so the scan goes on.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Writes `text` to `rel` under `root`, creating its directories: the project trees the
/// manifest tests build.
#[cfg(test)]
fn write_tree_file(root: &std::path::Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}
