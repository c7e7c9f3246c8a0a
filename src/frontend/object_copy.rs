//! Local working copies of object storage: calls that download an object into a local file
//! or upload a local file to the store, named in `object_copy.toml` (data, embedded).
//!
//! Two uses, both through [`crate::frontend::scratch::PathUses`]:
//! - data flow in one function: a path that the function also downloads into or uploads
//!   from is a copy of an object whose truth lives in the store, so the function's writes,
//!   moves and deletes of that path are quiet;
//! - a file that mirrors a store: it calls both a download and an upload on a client (a
//!   receiver other than `this`/`self`), so its local files are working copies of the store's
//!   objects (a document worker's cache of documents kept in S3) and its file operations on
//!   computed paths are quiet. A local storage backend that *implements* `upload` and
//!   `download` by writing to its own folder calls neither, and stays reported.

use serde::Deserialize;
use std::sync::OnceLock;

/// Which way a call copies between the store and a local file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The store's object is written to a local file.
    Download,
    /// A local file is sent to the store.
    Upload,
}

/// The embedded lists, lower-cased.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Names {
    download: Vec<String>,
    upload: Vec<String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Names = toml::from_str(include_str!("object_copy.toml"))
            .unwrap_or_else(|e| panic!("object_copy.toml: {e}"));
        for list in [&mut names.download, &mut names.upload] {
            for name in list.iter_mut() {
                name.make_ascii_lowercase();
            }
        }
        names
    })
}

/// Which way the call named `name` copies between object storage and a local file, by the
/// last segment of its name (`this._ext.download`, `Azure.Storage.Blobs.BlobClient.UploadAsync`,
/// `ByteStream::from_path`); `None` for any other call.
pub fn direction(name: &str) -> Option<Direction> {
    let last = name.rsplit(['.', ':']).next().unwrap_or(name);
    let lower = last.to_ascii_lowercase();
    let names = names();
    if names.download.contains(&lower) {
        Some(Direction::Download)
    } else if names.upload.contains(&lower) {
        Some(Direction::Upload)
    } else {
        None
    }
}

/// Whether the dotted callee text `name` calls a client (`this._ext.download`,
/// `client.fPutObject`), not the file's own class (`this.download`) or a plain function.
pub fn on_client(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(receiver, _)| !matches!(receiver, "this" | "self" | ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_last_segment_without_case() {
        assert_eq!(direction("this._meta.download"), Some(Direction::Download));
        assert_eq!(direction("client.fGetObject"), Some(Direction::Download));
        assert_eq!(direction("DownloadToAsync"), Some(Direction::Download));
        assert_eq!(direction("this._ext.upload"), Some(Direction::Upload));
        assert_eq!(
            direction("aws_sdk_s3::primitives::ByteStream::from_path"),
            Some(Direction::Upload)
        );
        assert_eq!(direction("fs.writeFile"), None);
        assert_eq!(direction("downloadable"), None);
    }

    #[test]
    fn a_client_is_a_receiver_other_than_this() {
        assert!(on_client("this._ext.upload"));
        assert!(on_client("s3.fPutObject"));
        assert!(!on_client("this.upload"));
        assert!(!on_client("upload"));
    }
}
