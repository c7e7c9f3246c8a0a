//! Project manifests: what a file's text cannot tell about it, read from the nearest
//! project file and cached per directory. Only the scan layer consults them, so
//! [`crate::engine::Engine::lint`] never touches the disk.

pub mod cargo;
pub mod csproj;
pub mod npm;
pub mod npm_scripts;
