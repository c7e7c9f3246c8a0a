//! Limits that keep a scan safe on hostile input: how large a file may be, how long one
//! file may take to parse, and whether symbolic links are followed.
//!
//! [`Limits`] is plain data: command-line flags (and configuration keys) map onto its fields.

use std::time::Duration;

/// Files larger than this are skipped unless `--max-file-size` says otherwise.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 4 * 1024 * 1024;

/// The parse time one file gets unless `--parse-timeout` says otherwise.
pub const DEFAULT_PARSE_TIMEOUT: Duration = Duration::from_secs(10);

/// What a scan may read and spend per file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Files larger than this many bytes are skipped with a note under `errors`.
    pub max_file_size: u64,
    /// The parse time one file gets (tree-sitter frontends); a file that needs more is
    /// reported under `errors` and not analysed.
    pub parse_budget: ParseBudget,
    /// Follow symbolic links met during the walk (links named on the command line are
    /// always followed). Loops are detected and each file is linted once.
    pub follow_symlinks: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            parse_budget: ParseBudget::default(),
            follow_symlinks: false,
        }
    }
}

/// The parse time one file gets; shared by every parse of that file (retries included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseBudget(pub Duration);

impl Default for ParseBudget {
    fn default() -> Self {
        ParseBudget(DEFAULT_PARSE_TIMEOUT)
    }
}

/// Parses a size such as `4MiB`, `512K`, `10MB` or `1048576` (bytes). `K`, `M` and `G`
/// (with or without `B`/`iB`) are powers of 1024, as in ripgrep's `--max-filesize`.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size (examples: 4MiB, 512K, 1048576)"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        other => return Err(format!("unknown size unit `{other}` (use K, M or G)")),
    };
    match number.checked_mul(1 << shift) {
        Some(0) => Err("the size must be larger than 0".into()),
        Some(bytes) => Ok(bytes),
        None => Err(format!("`{text}` is too large")),
    }
}

/// Parses a duration such as `10`, `2.5s` or `500ms` (plain numbers are seconds).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let (number, scale) = if let Some(ms) = text.strip_suffix("ms") {
        (ms, 1e-3)
    } else {
        (text.strip_suffix('s').unwrap_or(text), 1.0)
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (examples: 10, 2.5s, 500ms)"))?;
    Duration::try_from_secs_f64(value * scale)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| format!("`{text}` is not a positive duration"))
}

/// Formats a byte count for messages: `4 MiB`, `12.5 MiB`, `512 KiB`, `100 bytes`.
pub fn format_size(bytes: u64) -> String {
    let units = [(30, "GiB"), (20, "MiB"), (10, "KiB")];
    for (shift, unit) in units {
        if bytes >= 1 << shift {
            let value = bytes as f64 / (1u64 << shift) as f64;
            let text = format!("{value:.1}");
            return format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text));
        }
    }
    format!("{bytes} bytes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("4MiB"), Ok(4 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("10mb"), Ok(10 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("4 furlongs").is_err());
        assert!(parse_size("MiB").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
        assert_eq!(format_size(4 << 20), "4 MiB");
        assert_eq!(format_size(50 * 1000 * 1000), "47.7 MiB");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size(12), "12 bytes");
    }

    #[test]
    fn durations_default_to_seconds() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("2.5s"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("0").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("1e400").is_err());
    }
}
