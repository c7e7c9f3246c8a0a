//! Reads a source file with guards: regular files only (never blocking on a FIFO or
//! device), a size limit checked on the open file, binary detection, and decoding of
//! UTF-8, UTF-16 (with or without a byte-order mark) and, lossily, anything else.

use crate::limits::format_size;
use std::io::Read;
use std::path::Path;

/// The text of a source file, ready to lint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceText {
    /// The decoded text, without a byte-order mark.
    pub text: String,
    /// Set when bytes could not be decoded and were replaced with U+FFFD.
    pub note: Option<String>,
}

/// Reads the file at `path` if it is a regular file of at most `max_size` bytes.
/// The error is a message for the user.
pub fn read_source(path: &Path, max_size: u64) -> Result<SourceText, String> {
    let mut file = open(path).map_err(|e| io_message(&e))?;
    // Ask the open file, not the path: the path may have been replaced since the walk.
    let metadata = file.metadata().map_err(|e| io_message(&e))?;
    if !metadata.is_file() {
        return Err(crate::discover::NOT_REGULAR.into());
    }
    let too_large = |size: u64| {
        format!(
            "larger than the {} limit ({}); skipped (--max-file-size raises it)",
            format_size(max_size),
            format_size(size)
        )
    };
    if metadata.len() > max_size {
        return Err(too_large(metadata.len()));
    }
    // The file may grow while it is read: never read more than the limit.
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.by_ref()
        .take(max_size.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > max_size {
        return Err(too_large(bytes.len() as u64));
    }
    decode(bytes)
}

/// Opens without blocking: opening a FIFO for reading would wait for a writer.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

fn io_message(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => {
            "file disappeared during the scan (or is a broken symbolic link); not analysed".into()
        }
        _ => format!("cannot read file: {err}; not analysed"),
    }
}

const BINARY: &str = "binary file (contains NUL bytes); not analysed";

/// Decodes a file's bytes: a byte-order mark decides between UTF-8 and UTF-16; without
/// one, text whose every other byte is NUL is UTF-16, anything with NUL bytes is binary,
/// and other bytes that are not UTF-8 become U+FFFD (one per invalid sequence, so that
/// a Latin-1 accent still takes one column) with a note.
pub fn decode(bytes: Vec<u8>) -> Result<SourceText, String> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return Ok(decode_utf8(rest.to_vec()));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(rest, Endian::Little);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(rest, Endian::Big);
    }
    let head = &bytes[..bytes.len().min(HEAD)];
    if let Some(endian) = utf16_without_bom(&bytes) {
        if let Ok(text) = decode_utf16(&bytes, endian) {
            return Ok(text);
        }
    }
    // A stray NUL inside a string literal is still source code; binary files have many
    // NULs or are not UTF-8 at all.
    let nuls = head.iter().filter(|&&b| b == 0).count();
    if nuls > 2 && nuls * 100 > head.len() {
        return Err(BINARY.into());
    }
    if nuls > 0 && std::str::from_utf8(&bytes).is_err() {
        return Err(BINARY.into());
    }
    Ok(decode_utf8(bytes))
}

/// How much of a file the encoding and binary checks look at.
const HEAD: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

/// UTF-8, replacing each invalid sequence with U+FFFD.
fn decode_utf8(bytes: Vec<u8>) -> SourceText {
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return SourceText { text, note: None },
        Err(e) => e.into_bytes(),
    };
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut replaced = 0;
    let mut first = None;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            first.get_or_insert(text.len());
            replaced += 1;
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    let note = replacement_note("not valid UTF-8", &text, replaced, first);
    SourceText { text, note }
}

/// UTF-16, replacing unpaired surrogates and an odd last byte with U+FFFD. Refused as
/// binary when the decoded text is mostly control characters.
fn decode_utf16(bytes: &[u8], endian: Endian) -> Result<SourceText, String> {
    let units = bytes.chunks_exact(2).map(|pair| match endian {
        Endian::Little => u16::from_le_bytes([pair[0], pair[1]]),
        Endian::Big => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let mut text = String::with_capacity(bytes.len() / 2 + 16);
    let mut replaced = 0;
    let mut first = None;
    for unit in char::decode_utf16(units) {
        let c = unit.unwrap_or_else(|_| {
            first.get_or_insert(text.len());
            replaced += 1;
            char::REPLACEMENT_CHARACTER
        });
        text.push(c);
    }
    if bytes.len() % 2 == 1 {
        first.get_or_insert(text.len());
        replaced += 1;
        text.push(char::REPLACEMENT_CHARACTER);
    }
    if looks_binary(&text) {
        return Err(BINARY.into());
    }
    let note = replacement_note("not valid UTF-16", &text, replaced, first);
    Ok(SourceText { text, note })
}

/// UTF-16 without a byte-order mark, as some Windows tools write it: in the head of the
/// file, one byte of nearly every pair is NUL (ASCII and Latin-1 text) and the other
/// almost never is.
fn utf16_without_bom(bytes: &[u8]) -> Option<Endian> {
    if bytes.len() < 4 || bytes.len() % 2 == 1 {
        return None;
    }
    let head = &bytes[..bytes.len().min(HEAD)];
    let pairs = head.len() / 2;
    let nul_at = |first: usize| {
        head.iter()
            .skip(first)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    let mostly = |n: usize| n * 10 >= pairs * 9;
    let rarely = |n: usize| n * 50 <= pairs;
    if mostly(odd) && rarely(even) {
        Some(Endian::Little)
    } else if mostly(even) && rarely(odd) {
        Some(Endian::Big)
    } else {
        None
    }
}

/// More than 5% control characters other than whitespace in the first characters.
fn looks_binary(text: &str) -> bool {
    let head = text.chars().take(HEAD / 2);
    let (mut total, mut control) = (0usize, 0usize);
    for c in head {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            control += 1;
        }
    }
    control * 20 > total
}

fn replacement_note(
    what: &str,
    text: &str,
    replaced: usize,
    first: Option<usize>,
) -> Option<String> {
    let first = first?;
    let line_start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    let line = text[..first].matches('\n').count() + 1;
    let column = text[line_start..first].chars().count() + 1;
    let sequences = if replaced == 1 {
        "1 invalid sequence".to_string()
    } else {
        format!("{replaced} invalid sequences")
    };
    Some(format!(
        "{what}: {sequences} replaced with U+FFFD (first at {line}:{column}); analysed"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, endian: Endian, bom: bool) -> Vec<u8> {
        let mut bytes = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            match endian {
                Endian::Little => bytes.extend(unit.to_le_bytes()),
                Endian::Big => bytes.extend(unit.to_be_bytes()),
            }
        }
        bytes
    }

    fn text(bytes: &[u8]) -> SourceText {
        decode(bytes.to_vec()).expect("decoded")
    }

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(text(b"a\xC3\xA9").text, "aé");
        assert_eq!(text(b"\xEF\xBB\xBFa").text, "a");
        assert_eq!(text(b"\xEF\xBB\xBF").text, "");
        assert_eq!(text(b"").text, "");
        assert_eq!(text(b"x = '\0';").text, "x = '\0';");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let source = "// café\r\nsetInterval(f, 1);\n";
        for endian in [Endian::Little, Endian::Big] {
            for bom in [true, false] {
                let decoded = text(&utf16(source, endian, bom));
                assert_eq!(decoded.text, source, "{endian:?} bom={bom}");
                assert_eq!(decoded.note, None);
            }
        }
        let mut odd = utf16("ab", Endian::Little, true);
        odd.push(b'c');
        let decoded = text(&odd);
        assert_eq!(decoded.text, "ab\u{fffd}");
        assert!(decoded.note.unwrap().contains("not valid UTF-16"));
        let lone_surrogate = [0xFF, 0xFE, b'a', 0, 0x00, 0xD8, b'b', 0];
        assert_eq!(text(&lone_surrogate).text, "a\u{fffd}b");
    }

    #[test]
    fn other_encodings_are_decoded_lossily_with_a_note() {
        let decoded = text(b"// caf\xE9 cr\xE8me\nsetInterval(f, 1);\n");
        assert_eq!(
            decoded.text,
            "// caf\u{fffd} cr\u{fffd}me\nsetInterval(f, 1);\n"
        );
        assert_eq!(
            decoded.note.as_deref(),
            Some("not valid UTF-8: 2 invalid sequences replaced with U+FFFD (first at 1:7); analysed")
        );
    }

    #[test]
    fn binary_stays_binary() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
        assert_eq!(decode(png.to_vec()), Err(BINARY.into()));
        let nuls = vec![0u8; 4096];
        assert_eq!(decode(nuls.clone()), Err(BINARY.into()));
        // Little-endian 16-bit numbers look like UTF-16 by their NULs but decode to
        // control characters.
        let numbers: Vec<u8> = (0..2048u16)
            .flat_map(|n| (n % 31 + 1).to_le_bytes())
            .collect();
        assert_eq!(decode(numbers), Err(BINARY.into()));
        let mut with_bom = vec![0xFF, 0xFE];
        with_bom.extend(&nuls);
        assert_eq!(decode(with_bom), Err(BINARY.into()));
    }
}
