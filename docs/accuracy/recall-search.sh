#!/bin/sh
# The ripgrep searches that built the recall sample in missed/ (see docs/accuracy.md, "Recall").
#
# Usage: recall-search.sh js|csharp|rust DIR [CATEGORY]
#
# Prints every candidate line of DIR (a checkout, or one of its server folders) per category:
# in-memory-state, in-process-timer, cron-library, local-disk-write. Each hit is a candidate
# only: read it, follow it to its callers and judge it like a finding ("How findings were
# judged"); add every real single-instance problem scaleout does not report to
# missed/<language>/<owner>__<name>.tsv. Test, build, example and dependency folders are left out.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 js|csharp|rust DIR [CATEGORY]" >&2; exit 2; }
lang=$1
dir=$2
only=${3:-}
cd "$dir"

search() {
    category=$1
    shift
    [ -n "$only" ] && [ "$only" != "$category" ] && return 0
    echo "### $category"
    rg -n --no-heading \
        -g '!**/test/**' -g '!**/tests/**' -g '!**/*test*' -g '!**/*Test*' -g '!**/*spec*' \
        -g '!**/__tests__/**' -g '!**/e2e/**' -g '!**/examples/**' -g '!**/bench*/**' \
        -g '!**/node_modules/**' -g '!**/dist/**' -g '!**/build/**' \
        "$@" || true
}

case $lang in
rust)
    # statics and app-state collections keyed by client things, caches, limiters, session stores
    search in-memory-state -t rust \
        -e 'static\s+\w+\s*:.*(HashMap|HashSet|DashMap|BTreeMap|Vec<|Mutex|RwLock|Cache)' \
        -e 'lazy_static!' -e '(Lazy|LazyLock|OnceLock|OnceCell)<.*(Map|Set|Vec|Mutex|RwLock|Cache)' \
        -e 'DashMap<|DashSet<' -e '(Mutex|RwLock)<(Hash|BTree)(Map|Set)|(Mutex|RwLock)<Vec<' \
        -e 'moka::|cached::|governor|RateLimiter|lru::|LruCache|broadcast::channel|MemoryStore'
    search in-process-timer -t rust -e 'interval\(|interval_at\(|sleep\(|loop \{'
    search cron-library -t rust \
        -e 'JobScheduler|clokwerk|cron::|Schedule::from_str|tokio_cron|job_scheduler|apalis'
    search local-disk-write -t rust \
        -e 'fs::(write|create_dir|create_dir_all|rename|remove_file|remove_dir|copy)|File::create' \
        -e 'OpenOptions|sqlite|rocksdb|sled::|redb|tantivy|opendal|persist\(' \
        -e 'log_file|tracing_appender|rolling::|log4rs|flexi_logger|WriteLogger'
    ;;
js)
    set -- -g '*.{js,ts,mjs,cjs,jsx,tsx,vue}'
    # module-level collections (no indentation), class fields, socket/limiter/session libraries
    search in-memory-state "$@" \
        -e '^(export\s+)?(const|let|var)\s+\w+\s*(:\s*[^=]+)?=\s*new\s+(Map|Set|LRU\w*|NodeCache|WeakMap)\b' \
        -e '^(export\s+)?(const|let|var)\s+\w+\s*(:\s*[^=]+)?=\s*(\{\s*\}|\[\s*\])\s*;?$' \
        -e '(private|public|protected|readonly)\s+(readonly\s+)?\w+\s*(:\s*[^=]+)?=\s*new\s+(Map|Set)\b' \
        -e 'socket\.io|new Server\(|WebSocketServer|ws\.Server|rateLimit|RateLimiter|lru-cache' \
        -e 'node-cache|MemoryStore|express-session|EventEmitter\(\)'
    search in-process-timer "$@" \
        -e 'setInterval\(|setTimeout\(|while\s*\(\s*true\s*\)|for\s*\(\s*;\s*;\s*\)|@Interval|@Timeout'
    search cron-library "$@" \
        -e 'cron|node-schedule|@Cron|agenda|bree|toad-scheduler|schedule\.scheduleJob|repeat:\s*\{'
    search local-disk-write "$@" \
        -e 'writeFile|createWriteStream|appendFile|mkdir|rename\(|unlink|rmSync|\.rm\(|copyFile' \
        -e 'multer|diskStorage|sqlite|lowdb|nedb|transports\.File|pino\.destination' \
        -e 'DailyRotateFile|outputFile|outputJson|fs-extra|\.mv\('
    ;;
csharp)
    # static collections, singletons' collections, caches, channels, limiters, SignalR, event buses
    search in-memory-state -t csharp \
        -e 'static\s+(readonly\s+)?\S*(Dictionary|HashSet|List<|Queue|ConcurrentBag|MemoryCache|Cache)[^(]*(=|;|\{)' \
        -e 'private\s+readonly\s+(Concurrent)?Dictionary<' \
        -e 'IMemoryCache|MemoryCache\b|Channel<|Channel\.Create|AddRateLimiter|RateLimit' \
        -e 'AddSignalR|: Hub\b|Hub<|EventAggregator|AddDistributedMemoryCache|AddInMemory'
    search in-process-timer -t csharp \
        -e 'new\s+(System\.Threading\.)?Timer\(|System\.Timers|PeriodicTimer|BackgroundService' \
        -e 'IHostedService|Task\.Delay|Thread\.Sleep|AddHostedService'
    search cron-library -t csharp \
        -e 'Quartz|Hangfire|Coravel|FluentScheduler|Cronos|NCrontab|CronExpression|RecurringJob'
    search local-disk-write -t csharp \
        -e 'File\.(Write|Append|Create|Copy|Move|Delete|Open|Replace)|FileStream|StreamWriter|FileInfo' \
        -e 'Directory\.(Create|Delete|Move)|UseSqlite|SQLite|LiteDatabase|LiteDB|Lucene' \
        -e 'WriteTo\.File|FileTarget|PersistKeysToFileSystem|AddDeveloperSigningCredential' \
        -e 'SaveAs|\.Save\(|ZipFile'
    ;;
*)
    echo "usage: $0 js|csharp|rust DIR [CATEGORY]" >&2
    exit 2
    ;;
esac
