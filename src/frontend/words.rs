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
    any_word(text, |w| words.contains(&w))
}

/// For each of `lists`, what [`has_word`] says of `text` with it, reading the text once.
fn has_words<const N: usize>(text: &str, lists: [&[&str]; N]) -> [bool; N] {
    let mut found = [false; N];
    any_word(text, |w| {
        for (f, list) in found.iter_mut().zip(lists) {
            *f = *f || list.contains(&w);
        }
        found.iter().all(|f| *f)
    });
    found
}

/// Calls `wanted` with the words of `text` as [`has_word`] reads them (lower case, each also
/// without a plural `s` and joined to the word before it in the same identifier) until it
/// returns true; whether it did.
fn any_word(text: &str, mut wanted: impl FnMut(&str) -> bool) -> bool {
    let mut word = String::new();
    // The previous word of the same identifier: `keepAlive` and `KEEP_ALIVE` are `keep` +
    // `alive`.
    let mut previous = String::new();
    let mut joined = String::new();
    let mut prev_lower = false;
    for c in text.chars().chain(std::iter::once(' ')) {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            let singular = word.strip_suffix('s').unwrap_or(&word);
            if wanted(&word) || wanted(singular) {
                return true;
            }
            if !previous.is_empty() {
                joined.clear();
                joined.push_str(&previous);
                joined.push_str(&word);
                let joined_singular = joined.strip_suffix('s').unwrap_or(&joined);
                if wanted(&joined) || wanted(joined_singular) {
                    return true;
                }
            }
            if c.is_ascii_alphanumeric() || c == '_' {
                std::mem::swap(&mut previous, &mut word);
            } else {
                previous.clear();
            }
            word.clear();
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
    let squashed = squashed(text);
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

/// The letters and digits of a text, lower case: `Uuid::new_v4()` reads `uuidnewv4`.
pub fn squashed(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// A condition such as `is_leader()`, `config.run_jobs` or `settings.scheduler.enabled`.
pub fn is_single_instance_guard(text: &str) -> bool {
    let squashed = squashed(text);
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

/// Words of a function name that says it downloads: fetches a copy of data kept elsewhere
/// (an object store, another service) into a local file.
const DOWNLOAD_WORDS: &[&str] = &["download", "downloads", "downloader"];

/// Whether a function's name says it downloads (`parallel_chunked_download`,
/// `downloadToCache`): the files it writes are local copies of data kept elsewhere, which
/// any instance can fetch again, unless a word of the path names shared data.
pub fn names_a_download(name: &str) -> bool {
    has_word(name, DOWNLOAD_WORDS)
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

/// Words naming a file that belongs to this instance alone: a derived cache of shared data
/// (thumbnails, provider responses and listings, hot-tier copies of object storage, all
/// rebuilt on a miss), a node's ingest staging or spool folder, its pid, lock or Unix-socket
/// file, its self-signed certificate. Log files are absent (a local log file is a local-disk
/// write like any other), and so is transcoding output: its segments are served to the
/// client by later requests.
const INSTANCE_PATH_WORDS: &[&str] = &[
    "cache",
    "cached",
    "thumb",
    "thumbnail",
    "hottier",
    "staging",
    "spool",
    "pid",
    "pidfile",
    "lockfile",
    "socket",
    "selfsigned",
];

/// Folder names that, as a string literal in a path, name this installation's own files: its
/// compiled assets (`'build/public'`, `'../build/languages'`), derived from its code and
/// plugins, so every instance builds its own. Only a literal counts (`build_path(key)` is a
/// verb); an export written under `build/` names shared data and stays reported.
const INSTANCE_LITERAL_WORDS: &[&str] = &["build"];

/// Words naming shared data, or a log file (a local log file is a local-disk write like any
/// other): a path that has one is reported even beside an instance word (`uploads/thumbs`,
/// `data/cache`, an attachment's preview, a plugin's cache folder, `cache/ffmpeg.log`).
const SHARED_DATA_WORDS: &[&str] = &[
    "log",
    "upload",
    "attachment",
    "avatar",
    "media",
    "data",
    "storage",
    "document",
    "export",
    "backup",
    "audit",
    "plugin",
    "config",
    "setting",
    "database",
    "db",
    "sqlite",
];

/// Words of a module's name (a directory or file under `src/`) that designate this instance's
/// own store: the files such a module writes are that store's (`src/staging/writer.rs`,
/// `src/hottier.rs`, `src/cache/disk.rs`).
const MODULE_INSTANCE_WORDS: &[&str] = &["staging", "spool", "hottier", "cache"];

/// What the module a file implements says about the paths it writes: the directories and the
/// file stem after the last `src` component of its path (none without one), so that a
/// staging or hot-tier module's own files count as this instance's. Only instance evidence:
/// a path that names shared data stays shared.
pub fn module_purpose(path: &std::path::Path) -> PathPurpose {
    let parts: Vec<String> = path
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(src) = parts.iter().rposition(|p| p == "src") else {
        return PathPurpose::default();
    };
    PathPurpose {
        instance: parts[src + 1..]
            .iter()
            .any(|p| has_word(p, MODULE_INSTANCE_WORDS)),
        ..PathPurpose::default()
    }
}

/// What the type whose methods are walked says about the paths they use: a type named for
/// an instance store (`impl Cache`, `impl HotTierManager`, `impl SpoolWriter`) manages that
/// store's files, like a module named for one (see [`module_purpose`]).
pub fn store_type_purpose(name: &str) -> PathPurpose {
    PathPurpose {
        instance: has_word(name, MODULE_INSTANCE_WORDS),
        ..PathPurpose::default()
    }
}

/// Whether a function's name says it invalidates entries (`invalidate`, `invalidate_user`):
/// a store's API for the code that changes the data, not its own housekeeping.
pub fn names_an_invalidation(name: &str) -> bool {
    has_word(name, &["invalidate", "invalidation"])
}

/// Words naming a folder the user points an external program at, or that belongs to the
/// user's media library rather than to the service: a download client's watch or "blackhole"
/// folder, DVR recordings, an SMTP server's pickup directory (.NET's
/// `SmtpClient.PickupDirectoryLocation`: the mail server collects and sends what is dropped
/// there). Writing there is what the user configured; whether several
/// instances may share it is the user's storage, so such a finding is at most `info` (issue
/// 5). Data words win over them (`recordingUploads`). `playlist` is absent: the word does not
/// tell a playlist in the user's library from one the service keeps and serves.
const EXTERNAL_FOLDER_WORDS: &[&str] = &[
    "blackhole",
    "watchfolder",
    "watchdir",
    "watchdirectory",
    "recording",
    "recorder",
    "pickupdirectory",
    "pickupdir",
    "pickupfolder",
];

/// Words in a type or namespace name that say it is a general file-system layer: its
/// methods do what callers ask with the paths they are given (`ManagedFileSystem`,
/// `DiskProvider`, a static `AsyncFile` in an `IO` namespace). Storage backends are absent:
/// a local storage backend is judged where it writes.
const FILE_SYSTEM_LAYER_WORDS: &[&str] = &[
    "filesystem",
    "diskprovider",
    "fileprovider",
    "filehelper",
    "fileutil",
    "fileutils",
    "iohelper",
    "io",
    "disk",
];

/// Whether a type or the last segment of a namespace names a general file-system layer
/// (`ManagedFileSystem`, `DiskProviderBase`, `MediaBrowser.Model.IO`, `NzbDrone.Common.Disk`).
pub fn is_file_system_layer(name: &str) -> bool {
    has_word(name, FILE_SYSTEM_LAYER_WORDS) && !has_word(name, STORAGE_BACKEND_WORDS)
}

/// Words naming a storage backend (`FileSystemStore`, `LocalFileStorage`): where it writes
/// is the data it stores, so it is judged there, not at its callers.
const STORAGE_BACKEND_WORDS: &[&str] = &["store", "storage", "repository"];

/// File extensions of an instance's own pid, lock and socket files (`"app.pid"`).
const INSTANCE_PATH_EXTENSIONS: &[&str] = &[".pid", ".lock", ".sock"];

/// Words naming a file of the running process itself: its pid file, its Unix socket. Such
/// a file describes this process alone, so writing, replacing or deleting it (a stale socket
/// removed before listening, the pid file removed at shutdown) changes nothing another
/// instance could read. Unlike a cache entry, deleting it invalidates no copy of shared data.
/// The words are unambiguous even in a local's name (`socketPath`, `pidFile`).
const PROCESS_FILE_WORDS: &[&str] = &["pid", "pidfile", "socket", "sock"];

/// Extensions of a process's pid and socket file names (`"sonarr.pid"`): the file name
/// says what the file is, whatever folder it is in (the application's data folder).
const PROCESS_FILE_EXTENSIONS: &[&str] = &[".pid", ".sock"];

/// What the words of a path expression say about whose file it is. Only strong evidence can
/// make a path this instance's own: a string literal in it (`"cache"`, `"app.pid"`), or a name
/// that designates a location for the whole program (a member such as `CachePath` or
/// `hot_tier_path`, a constant, a function such as `dirs::cache_dir()`). The name of a local
/// or parameter alone is weak evidence: it can only make the path shared data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathPurpose {
    instance: bool,
    shared: bool,
    external: bool,
    /// A word names a file of the running process (see [`PROCESS_FILE_WORDS`]).
    process: bool,
    /// A literal file name is a pid or socket file's (`"app.pid"`), which no folder word
    /// overrides.
    process_file_name: bool,
}

impl PathPurpose {
    /// A string literal in a path: a folder or file name. `{..}` placeholders of a format
    /// string are not part of it.
    pub fn literal(value: &str) -> Self {
        let mut plain = String::with_capacity(value.len());
        let mut depth = 0usize;
        for c in value.chars() {
            match c {
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        let lower = plain.to_ascii_lowercase();
        let process_file_name = PROCESS_FILE_EXTENSIONS
            .iter()
            .any(|ext| lower.ends_with(ext));
        let [instance, shared, external, process] = has_words(
            &plain,
            [
                INSTANCE_PATH_WORDS,
                SHARED_DATA_WORDS,
                EXTERNAL_FOLDER_WORDS,
                PROCESS_FILE_WORDS,
            ],
        );
        Self {
            instance: instance
                || has_word(&plain, INSTANCE_LITERAL_WORDS)
                || INSTANCE_PATH_EXTENSIONS
                    .iter()
                    .any(|ext| lower.ends_with(ext)),
            shared,
            external,
            process: process_file_name || process,
            process_file_name,
        }
    }

    /// What a value known to be this instance's own folder says (a field set from a getter
    /// of one), whatever the name it is kept under.
    pub fn instance() -> Self {
        Self {
            instance: true,
            ..Self::default()
        }
    }

    /// A name that designates a location for the whole program: a member or property, a
    /// constant, a function or method returning a path.
    pub fn designated(name: &str) -> Self {
        let [instance, shared, external, process] = has_words(
            name,
            [
                INSTANCE_PATH_WORDS,
                SHARED_DATA_WORDS,
                EXTERNAL_FOLDER_WORDS,
                PROCESS_FILE_WORDS,
            ],
        );
        Self {
            instance,
            shared,
            external,
            process,
            process_file_name: false,
        }
    }

    /// The name of a local or parameter whose value is not known: it can only say that the
    /// path is shared data (`uploadDir`), in an external folder (`recordingPath`) or a file
    /// of the running process (`socketPath`, whose word is unambiguous), never that it is
    /// this instance's own cache (`cachePath`).
    pub fn local_name(name: &str) -> Self {
        let [shared, external, process] = has_words(
            name,
            [SHARED_DATA_WORDS, EXTERNAL_FOLDER_WORDS, PROCESS_FILE_WORDS],
        );
        Self {
            instance: false,
            shared,
            external,
            process,
            process_file_name: false,
        }
    }

    /// What the name of a local or parameter says about an external folder, even when its
    /// value is known (`var recordingPath = timer.Path`): the name is all that tells.
    pub fn external_name(name: &str) -> Self {
        Self {
            external: has_word(name, EXTERNAL_FOLDER_WORDS),
            ..Self::default()
        }
    }

    /// The purpose of a path built from both parts.
    #[must_use]
    pub fn with(self, other: Self) -> Self {
        Self {
            instance: self.instance || other.instance,
            shared: self.shared || other.shared,
            external: self.external || other.external,
            process: self.process || other.process,
            process_file_name: self.process_file_name || other.process_file_name,
        }
    }

    /// What a value that is one of two paths says (the branches of an `if`): whose file
    /// both say it is, and shared data when either names it.
    pub fn either(self, other: Self) -> Self {
        Self {
            instance: self.instance && other.instance,
            shared: self.shared || other.shared,
            external: self.external && other.external,
            process: self.process && other.process,
            process_file_name: self.process_file_name && other.process_file_name,
        }
    }

    /// The path is in a folder the user points an external program at (a watch folder,
    /// recordings, playlists beside the media) and no word names the service's own data.
    pub fn is_external(self) -> bool {
        self.external && !self.shared
    }

    /// Only what it says about shared data (what a call's arguments say about the path the
    /// call returns).
    #[must_use]
    pub fn shared_only(self) -> Self {
        Self {
            shared: self.shared,
            ..Self::default()
        }
    }

    /// The path is this instance's own: strong evidence says so and no word names shared data.
    pub fn is_instance(self) -> bool {
        self.instance && !self.shared
    }

    /// A word of the path names shared data.
    pub fn is_shared(self) -> bool {
        self.shared
    }

    /// The path is a file of the running process (its pid file, its Unix socket): a literal
    /// file name says so (`Path.Combine(dataFolder, "app.pid")`), or a word does and none
    /// names shared data.
    pub fn is_process_file(self) -> bool {
        self.process_file_name || (self.process && !self.shared)
    }
}

/// Whether an argument's text can be a duration: a number (`60_000`, `15 * 60 * 1000`,
/// `Duration::from_secs(300)`), a constant (`POLL_INTERVAL`) or a name about time
/// (`delayMs`, `TimeSpan.FromMinutes(5)`, `interval`). A call of another file's helper is
/// a sleep only with such a first argument: `provider.settle(batch)` is no pause.
pub fn looks_like_duration(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "ms",
        "millis",
        "millisecond",
        "sec",
        "second",
        "minute",
        "hour",
        "day",
        "delay",
        "interval",
        "timeout",
        "wait",
        "sleep",
        "period",
        "duration",
        "backoff",
        "timespan",
        "pause",
        "tick",
        "frequency",
        "every",
    ];
    text.chars().any(|c| c.is_ascii_digit()) || is_constant_name(text) || has_word(text, WORDS)
}

/// Whether a method's name says it pauses (`Pause`, `WaitAsync`, `DelayBetweenRuns`,
/// `SleepUntilNextRun`): a call of another file's helper by such a name is a sleep whatever its
/// arguments (`await Waits.Pause(token)`, the pause fixed inside it), once that file shows the
/// helper is a short method around a delay.
pub fn names_a_pause(name: &str) -> bool {
    has_word(name, &["delay", "sleep", "wait", "pause", "nap", "idle"])
}

/// Whether a name is a constant's (`SELF_SIGNED_KEY`, `CACHE_DIR`): a location designated
/// for the whole program, unlike a local's name.
pub fn is_constant_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_read_finds_what_each_list_finds() {
        let lists = [
            INSTANCE_PATH_WORDS,
            SHARED_DATA_WORDS,
            EXTERNAL_FOLDER_WORDS,
            PROCESS_FILE_WORDS,
        ];
        for text in [
            "CachePath",
            "hot_tier_path",
            "/var/data/uploads/{id}.json",
            "GetUnixSocketPath",
            "socketUploadDir",
            "recordingsFolder",
            "order",
            "",
        ] {
            let each = lists.map(|list| has_word(text, list));
            assert_eq!(has_words(text, lists), each, "{text}");
        }
        assert!(has_words("CachePath", lists)[0]);
    }

    #[test]
    fn durations_are_numbers_constants_and_time_words() {
        for text in [
            "60_000",
            "15 * 60 * 1000",
            "POLL_INTERVAL",
            "delayMs",
            "TimeSpan.FromMinutes(t)",
            "retry_backoff",
        ] {
            assert!(looks_like_duration(text), "{text}");
        }
        for text in [
            "batch",
            "&pool",
            "\"https://example.org/feed\"",
            "user.id",
            "",
        ] {
            assert!(!looks_like_duration(text), "{text}");
        }
    }

    #[test]
    fn literals_and_designated_names_are_strong_evidence() {
        assert!(PathPurpose::literal("tls/self_signed_cert.pem").is_instance());
        assert!(PathPurpose::literal("preview-cache").is_instance());
        assert!(PathPurpose::literal("app.pid").is_instance());
        assert!(PathPurpose::literal("/run/shop.sock").is_instance());
        assert!(PathPurpose::designated("CachePath").is_instance());
        assert!(PathPurpose::designated("hot_tier_path").is_instance());
        assert!(!PathPurpose::local_name("cachePath").is_instance());
    }

    #[test]
    fn process_files() {
        assert!(PathPurpose::literal("pidfile").is_process_file());
        assert!(PathPurpose::local_name("socketPath").is_process_file());
        assert!(PathPurpose::designated("GetUnixSocketPath").is_process_file());
        // The file name wins over the folder it is in.
        assert!(PathPurpose::designated("AppDataFolder")
            .with(PathPurpose::literal("shop.pid"))
            .is_process_file());
        assert!(!PathPurpose::local_name("socketUploadDir").is_process_file());
        assert!(!PathPurpose::literal("data/sockets.json").is_process_file());
        assert!(!PathPurpose::literal("app.lock").is_process_file());
        assert!(!PathPurpose::designated("CachePath").is_process_file());
        assert!(!PathPurpose::local_name("cachePath").is_process_file());
    }

    #[test]
    fn log_files_and_transcodes_are_not_instance_paths() {
        assert!(!PathPurpose::literal("access.log").is_instance());
        assert!(!PathPurpose::designated("logFilePath").is_instance());
        assert!(!PathPurpose::literal("{cache_key}.log").is_instance());
        assert!(!PathPurpose::literal("cache/ffmpeg.log").is_instance());
        assert!(!PathPurpose::designated("CacheLogPath").is_instance());
        assert!(!PathPurpose::designated("TranscodePath").is_instance());
    }

    #[test]
    fn shared_words_win() {
        let cache = PathPurpose::literal("thumbs");
        assert!(!cache
            .with(PathPurpose::local_name("uploadRoot"))
            .is_instance());
        assert!(!PathPurpose::literal("data/cache").is_instance());
        assert!(!PathPurpose::designated("AttachmentCachePath").is_instance());
        assert!(PathPurpose::literal("metadata-cache").is_instance());
    }

    #[test]
    fn module_names_designate_instance_stores() {
        use std::path::Path;
        let module = |p: &str| module_purpose(Path::new(p));
        assert!(module("src/parseable/staging/writer.rs").is_instance());
        assert!(module("crates/query/src/hot_tier.rs").is_instance());
        assert!(module("/work/app/src/cache/disk.rs").is_instance());
        // Only below `src/`: a checkout under `~/.cache` says nothing.
        assert!(!module("/home/me/.cache/app/src/handlers.rs").is_instance());
        assert!(!module("cache/handlers.rs").is_instance());
        assert!(!module("src/uploads.rs").is_instance());
        // A path naming shared data stays shared.
        let in_staging = module("src/staging/writer.rs");
        assert!(!in_staging
            .with(PathPurpose::literal("exports"))
            .is_instance());
    }

    #[test]
    fn type_names_designate_instance_stores() {
        assert!(store_type_purpose("Cache").is_instance());
        assert!(store_type_purpose("HotTierManager").is_instance());
        assert!(!store_type_purpose("UploadService").is_instance());
        assert!(!store_type_purpose("Cache")
            .with(PathPurpose::designated("uploads_dir"))
            .is_instance());
        assert!(names_an_invalidation("invalidate_user"));
        assert!(!names_an_invalidation("evict_oldest"));
    }

    #[test]
    fn download_names() {
        assert!(names_a_download("parallel_chunked_download"));
        assert!(names_a_download("_parallel_download_inner"));
        assert!(names_a_download("DownloadToCache"));
        assert!(!names_a_download("upload_file"));
        assert!(!names_a_download("downloadable_formats"));
    }

    #[test]
    fn external_folders() {
        assert!(PathPurpose::local_name("recordingPath").is_external());
        assert!(PathPurpose::designated("BlackholeFolder").is_external());
        assert!(PathPurpose::designated("WatchFolder").is_external());
        assert!(PathPurpose::external_name("recordingPath").is_external());
        assert!(!PathPurpose::external_name("playlistPath").is_external());
        assert!(!PathPurpose::local_name("recordingUploads").is_external());
        assert!(!PathPurpose::literal("data/recordings").is_external());
        assert!(!PathPurpose::local_name("uploadDir").is_external());
        assert!(PathPurpose::local_name("pickupDirectory").is_external());
        assert!(PathPurpose::designated("PickupDirectoryLocation").is_external());
        assert!(
            !PathPurpose::local_name("pickupPointsFile").is_external(),
            "a store's pickup points are its own data"
        );
    }

    #[test]
    fn file_system_layers() {
        assert!(is_file_system_layer("ManagedFileSystem"));
        assert!(is_file_system_layer("DiskProviderBase"));
        assert!(is_file_system_layer("IO"));
        assert!(!is_file_system_layer("FileStorage"));
        assert!(!is_file_system_layer("FileSystemStore"));
        assert!(!is_file_system_layer("Discounts"));
        assert!(!is_file_system_layer("Audio"));
    }

    #[test]
    fn constant_names() {
        assert!(is_constant_name("SELF_SIGNED_KEY"));
        assert!(!is_constant_name("SelfSigned"));
        assert!(!is_constant_name("_"));
    }
}
