//! Word lists and name tests shared by the frontends: what the names around a call say
//! about it (a retry back-off, per-instance upkeep, a single-instance guard, a temporary path).

/// Words naming work that concerns the instance itself, not shared state. Beyond
/// health and metrics: evicting from in-process maps (`map.retain(..)`,
/// `limiter.retain_recent()`, `run_gc`, `ReleaseMemory`) only tidies this instance's memory.
const PER_INSTANCE_WORDS: &[&str] = &[
    "health",
    "healthcheck",
    "heartbeat",
    "metric",
    "metrics",
    "gauge",
    "keepalive",
    // `keep_alive`, `is_alive`, `alive_check`.
    "alive",
    "ping",
    "pong",
    "telemetry",
    "liveness",
    "readiness",
    "probe",
    // `runSmokeTest`: the instance exercising itself.
    "smoke",
    // Its own log level, and reloading its in-memory caches (`refreshCacheInBackground`):
    // repeating them on every instance is the point.
    "loglevel",
    "refreshcache",
    "reloadcache",
    "cacherefresh",
    "cachereload",
    "uptime",
    // Sending what this instance has buffered in memory (`flushBatchAsync`).
    "flushbatch",
    "batchflush",
    "flushbuffer",
    "prometheus",
    "statsd",
    "retain",
    "gc",
    "memory",
];

/// Flags and checks that say only one instance of the deployment runs the code.
/// (`isPrimary` is absent: Node's `cluster.isPrimary` is one process per host, not per deployment.)
const GUARD_WORDS: &[&str] = &[
    "leader",
    "runjobs",
    "jobenabled",
    "jobsenabled",
    "enablejobs",
    "cronenabled",
    "enablecron",
    "runcron",
    "schedulerenabled",
    "enablescheduler",
    "isscheduler",
    "primaryinstance",
    // A distributed lock or lease that was just taken.
    "tryacquire",
    "acquirelock",
    "lockacquired",
    "haslock",
    "haslease",
    "leaseacquired",
    "ownslease",
];

/// Whether `text` has one of `words` as a whole word (`sendHeartbeat`, `PING_INTERVAL`,
/// `metrics::gauge`, `send_pings`; not `shipping`).
pub fn has_word(text: &str, words: &[&str]) -> bool {
    let mut word = String::new();
    // The previous word of the same identifier: `keepAlive` and `KEEP_ALIVE` are `keep` +
    // `alive`.
    let mut previous = String::new();
    let mut prev_lower = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            let singular = word.strip_suffix('s').unwrap_or(&word);
            let joined = format!("{previous}{word}");
            let joined_singular = joined.strip_suffix('s').unwrap_or(&joined);
            if words.contains(&word.as_str())
                || words.contains(&singular)
                || (!previous.is_empty()
                    && (words.contains(&joined.as_str()) || words.contains(&joined_singular)))
            {
                return true;
            }
            previous = if c.is_ascii_alphanumeric() || c == '_' {
                std::mem::take(&mut word)
            } else {
                word.clear();
                String::new()
            };
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    false
}

/// Names or text about this instance's own upkeep: heartbeats, metrics, health checks.
pub fn mentions_per_instance_work(text: &str) -> bool {
    if has_word(text, PER_INSTANCE_WORDS) {
        return true;
    }
    // Checks for a newer release of the app itself: `checkForUpdates`, `check_version`.
    let squashed: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "checkforupdate",
        "checkupdate",
        "updatecheck",
        "versioncheck",
        "checkversion",
        "checkforversion",
    ]
    .iter()
    .any(|p| squashed.contains(p))
}

/// A condition such as `is_leader()`, `config.run_jobs` or `settings.scheduler.enabled`.
pub fn is_single_instance_guard(text: &str) -> bool {
    let squashed: String = text
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // A leaderboard ranks players; it elects nothing.
    let squashed = squashed.replace("leaderboard", "");
    GUARD_WORDS.iter().any(|w| squashed.contains(w))
}

/// An attempt counter or back-off (`backoff`, `retry_delay`, `attempt * 2`, `reconnect_wait`,
/// `300 * fails`).
pub fn looks_retry(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    [
        "attempt",
        "retry",
        "retries",
        "backoff",
        "back_off",
        "reconnect",
        "fail",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

/// A string literal in the system's temporary directory.
pub fn is_temp_literal(s: &str) -> bool {
    s == "/tmp" || s.starts_with("/tmp/") || s.starts_with("/var/tmp/")
}

/// A variable name that denotes a temporary path: contains `tmp` or `temporary`, or `temp`
/// not followed by a lowercase letter (`tempFile`, `temp_dir`, `TempPath`,
/// `temporaryDirectory`, but not `template`).
pub fn is_temp_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if lower.contains("tmp") || lower.contains("temporary") {
        return true;
    }
    lower.match_indices("temp").any(|(i, _)| {
        !name[i + 4..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
    })
}

/// Words in a path expression saying the file belongs to this instance alone: a cache of
/// derived data (thumbnails, transcodes, downloaded copies: rebuilt on a miss), its own log
/// file, pid or lock file, a self-signed certificate. Whole words of identifiers and string
/// literals (`cachePath`, `THUMB_DIR`, `logFilePath`, `SELF_SIGNED_KEY`); bare `log`/`logs`
/// are absent, since a `logs` folder may hold the application's data (chat logs).
const INSTANCE_PATH_WORDS: &[&str] = &[
    "cache",
    "cached",
    "thumb",
    "thumbnail",
    "transcode",
    "transcoded",
    "transcoding",
    "logfile",
    "errorlog",
    "pid",
    "pidfile",
    "lockfile",
    "selfsigned",
];

/// Words that make a path shared data even beside an instance word: an upload's thumbnail
/// (`uploads/thumbs`), an attachment's preview, an audit log, a lock file in an export folder.
const SHARED_DATA_WORDS: &[&str] = &[
    "upload",
    "attachment",
    "avatar",
    "document",
    "export",
    "backup",
    "audit",
    "setting",
    "config",
    "plugin",
];

/// Whether a path expression names shared data (`uploads`, `attachments`, an audit log), so
/// no instance word around it (`thumbPath`) makes it this instance's own.
pub fn names_shared_data(text: &str) -> bool {
    has_word(text, SHARED_DATA_WORDS)
}

/// File extensions of an instance's own log, pid and lock files (`"app.log"`, `'.pid'`).
const INSTANCE_PATH_EXTENSIONS: &[&str] = &[".log", ".pid", ".lock"];

/// Whether the source text of a path expression (or of the value a variable was given)
/// names this instance's own cache, log, pid/lock file or self-signed certificate.
pub fn is_instance_path_text(text: &str) -> bool {
    if names_shared_data(text) {
        return false;
    }
    if has_word(text, INSTANCE_PATH_WORDS) {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    INSTANCE_PATH_EXTENSIONS.iter().any(|ext| {
        lower.match_indices(ext).any(|(i, _)| {
            // A literal ending there: `"app.log"`, not `console.log(` or `mutex.lock()`.
            lower[i + ext.len()..]
                .chars()
                .next()
                .is_none_or(|c| matches!(c, '"' | '\'' | '`'))
        })
    })
}
