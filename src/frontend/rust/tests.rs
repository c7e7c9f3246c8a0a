use super::*;
use crate::event::{Arg, Context, Event};
use crate::position::LineIndex;

fn facts(src: &str) -> crate::event::FileFacts {
    let out = extract(src, PathPurpose::default());
    assert!(out.syntax_error.is_none(), "{:?}", out.syntax_error);
    own_events(out.facts)
}

/// The facts without calls of other files' helpers (`delay:name` candidates), which
/// [`delay_helpers_across_files`] checks.
fn own_events(mut facts: crate::event::FileFacts) -> crate::event::FileFacts {
    facts.events.retain(|e| e.requires_any.is_empty());
    facts
}

/// Events whose targets include `target`, with their 1-based start line.
fn hits(src: &str, target: &str) -> Vec<(usize, Event)> {
    let idx = LineIndex::new(src);
    facts(src)
        .events
        .into_iter()
        .filter(|e| e.targets.iter().any(|t| t == target))
        .map(|e| (idx.line_col(src, e.span.start).0, e))
        .collect()
}

fn lines(src: &str, target: &str) -> Vec<usize> {
    hits(src, target).into_iter().map(|(l, _)| l).collect()
}

fn ctx(e: &Event) -> Vec<Context> {
    e.context.iter().copied().collect()
}

#[test]
fn qualified_and_imported_paths() {
    let src = "use std::fs;\nfn a() {\n    fs::write(\"a\", b).unwrap();\n    std::fs::write(p, b);\n    ::std::fs::remove_file(p);\n    tokio::fs::write(p, b).await;\n}\n";
    assert_eq!(lines(src, "std::fs::write"), [3, 4]);
    assert_eq!(lines(src, "std::fs::remove_file"), [5]);
    assert_eq!(lines(src, "tokio::fs::write"), [6]);
    let (_, e) = &hits(src, "std::fs::write")[0];
    assert_eq!(e.args[0], Arg::Str("a".into()));
}

#[test]
fn use_groups_self_and_renames() {
    let src = "use std::{fs::{self, File}, io};\nuse std::fs::write as persist;\nuse tokio::fs as tfs;\nfn a() {\n    File::create(p);\n    persist(p, b);\n    fs::copy(a, b);\n    tfs::rename(a, b);\n}\n";
    assert_eq!(lines(src, "std::fs::File::create"), [5]);
    assert_eq!(lines(src, "std::fs::write"), [6]);
    assert_eq!(lines(src, "std::fs::copy"), [7]);
    assert_eq!(lines(src, "tokio::fs::rename"), [8]);
}

#[test]
fn chained_use_paths_and_extern_crate_renames() {
    let src = "extern crate tokio_cron_scheduler as tcs;\nuse std::fs;\nuse fs::File;\nfn a() { File::create(p); tcs::JobScheduler::new(); }\n";
    assert_eq!(lines(src, "std::fs::File::create"), [4]);
    assert_eq!(lines(src, "tokio_cron_scheduler::JobScheduler::new"), [4]);
}

#[test]
fn glob_imports_give_candidates_unless_shadowed() {
    let src = "use std::fs::*;\nfn a() { write(p, b); File::create(p); }\n";
    assert_eq!(lines(src, "std::fs::write"), [2]);
    assert_eq!(lines(src, "std::fs::File::create"), [2]);
    let shadowed = "use std::fs::*;\nfn write(p: &str, b: &[u8]) {}\nfn a() { write(p, b); }\n";
    assert!(lines(shadowed, "std::fs::write").is_empty());
}

#[test]
fn scoped_uses_in_functions_and_modules() {
    let src = "fn a() {\n    use std::fs::write;\n    write(p, b);\n}\nfn b() { write(p, b); }\nmod m {\n    use tokio::fs;\n    fn c() { fs::write(p, b); }\n}\nfn d() { fs::write(p, b); }\n";
    assert_eq!(lines(src, "std::fs::write"), [3]);
    assert_eq!(lines(src, "tokio::fs::write"), [8]);
    // `fs` is not imported in `b`'s module: its bare `write` and `fs::write` stay unqualified.
    let idx = LineIndex::new(src);
    let outside: Vec<_> = facts(src)
        .events
        .into_iter()
        .filter(|e| matches!(idx.line_col(src, e.span.start).0, 5 | 10))
        .flat_map(|e| e.targets)
        .collect();
    assert_eq!(outside, ["write", "fs::write"]);
}

#[test]
fn super_glob_sees_parent_imports() {
    let src = "use std::fs;\nmod jobs {\n    use super::*;\n    fn a() { fs::write(p, b); }\n}\nmod other {\n    fn b() { fs::write(p, b); }\n}\n";
    assert_eq!(lines(src, "std::fs::write"), [4]);
}

#[test]
fn local_items_shadow_std() {
    let src = "mod fs { pub fn write(p: &str, b: &[u8]) {} }\nstruct File;\nimpl File { fn create(p: &str) -> Self { File } }\nfn a() {\n    fs::write(p, b);\n    File::create(p);\n    crate::storage::write(p);\n    self::fs::write(p, b);\n}\n";
    let f = facts(src);
    assert!(
        f.events
            .iter()
            .all(|e| !e.targets.iter().any(|t| t.starts_with("std::"))),
        "{:?}",
        f.events
    );
    let decl = "mod fs;\nuse std::fs::File as F;\nfn a() { fs::write(p, b); F::create(p); }\n";
    assert!(lines(decl, "std::fs::write").is_empty());
    assert_eq!(lines(decl, "std::fs::File::create"), [3]);
}

#[test]
fn let_bindings_shadow_imported_functions() {
    let src = "use std::fs::write;\nfn a(sink: Sink) {\n    write(p, b);\n    let write = |p, b| sink.push(p, b);\n    write(p, b);\n}\nfn b(write: impl Fn()) { write(); }\n";
    assert_eq!(lines(src, "std::fs::write"), [3]);
}

#[test]
fn open_options_chains_and_variables() {
    let src = "use std::fs::{File, OpenOptions};\nfn a() {\n    let f = OpenOptions::new()\n        .append(true)\n        .create(true)\n        .open(p)?;\n    let mut o = OpenOptions::new();\n    o.write(true);\n    o.open(p);\n    File::options().write(true).open(p);\n    File::open(p);\n    OpenOptions::new().read(true).open(p);\n}\n";
    let opens = hits(src, "std::fs::OpenOptions::open");
    let got: Vec<_> = opens.iter().map(|(l, e)| (*l, e.chain.clone())).collect();
    assert_eq!(
        got,
        [
            (
                3,
                vec!["append(true)".to_string(), "create(true)".to_string()]
            ),
            (9, vec!["write(true)".to_string()]),
            (10, vec!["write(true)".to_string()]),
            (12, vec!["read(true)".to_string()]),
        ]
    );
    let file_opens: Vec<_> = hits(src, "std::fs::File::open")
        .into_iter()
        .map(|(l, e)| (l, e.chain))
        .collect();
    assert_eq!(file_opens, [(11, vec![])]);
}

#[test]
fn builder_calls_are_attributed_to_the_returned_type() {
    let src = "use std::fs::File;\nfn a() {\n    let mut opts = File::options();\n    opts.create(true).truncate(true).write(true);\n    let f = opts.open(path)?;\n    f.set_len(0);\n    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;\n    rt.spawn(async { loop { tokio::time::sleep(d).await; } });\n}\n";
    assert!(hits(src, "std::fs::File::create").is_empty());
    let opens = hits(src, "std::fs::OpenOptions::open");
    assert_eq!(opens.len(), 1);
    assert_eq!(
        opens[0].1.chain,
        ["create(true)", "truncate(true)", "write(true)"]
    );
    assert_eq!(lines(src, "std::fs::File::set_len"), [6]);
    let sleep = hits(src, "tokio::time::sleep");
    assert_eq!(ctx(&sleep[0].1), [Context::UnboundedLoop, Context::Spawned]);
}

#[test]
fn tokio_open_options_through_await() {
    let src = "use tokio::fs::OpenOptions;\nasync fn a() {\n    let mut f = OpenOptions::new().create(true).append(true).open(&log_path).await?;\n    f.write_all(b).await?;\n}\n";
    let h = hits(src, "tokio::fs::OpenOptions::open");
    assert_eq!(h.len(), 1);
    assert_eq!(h[0].1.chain, ["create(true)", "append(true)"]);
    assert_eq!(h[0].1.args, [Arg::Other { path_like: true }]);
}

#[test]
fn args_facts() {
    let src = "use std::fs;\nfn a() {\n    fs::write(format!(\"{}/x\", dir), b);\n    fs::write(Path::new(\"a\").join(name), b);\n    fs::write(&self.upload_dir, b);\n    fs::write(x, b);\n    fs::write(\"lit\", std::sync::atomic::Ordering::SeqCst);\n}\n";
    let args: Vec<_> = hits(src, "std::fs::write")
        .into_iter()
        .map(|(_, e)| e.args)
        .collect();
    assert_eq!(args[0][0], Arg::Other { path_like: true });
    assert_eq!(args[1][0], Arg::Other { path_like: true });
    assert_eq!(args[2][0], Arg::Other { path_like: true });
    assert_eq!(args[3][0], Arg::Other { path_like: false });
    assert_eq!(args[4][0], Arg::Str("lit".into()));
    assert_eq!(
        args[4][1],
        Arg::Member(vec!["std::sync::atomic::Ordering::SeqCst".into()])
    );
}

#[test]
fn calls_inside_macros_keep_positions() {
    let src = "use std::fs;\nfn a() {\n    let v = vec![\n        fs::write(p, b),\n    ];\n    println!(\"{:?}\", fs::remove_file(p));\n    tokio::select! {\n        _ = tokio::time::sleep(d) => { fs::copy(a, b); }\n        res = rx.recv(), if open => fs::rename(a, b),\n        else => break,\n    }\n}\n";
    assert_eq!(lines(src, "std::fs::write"), [4]);
    assert_eq!(lines(src, "std::fs::remove_file"), [6]);
    assert_eq!(lines(src, "tokio::time::sleep"), [8]);
    assert_eq!(lines(src, "std::fs::copy"), [8]);
    assert_eq!(lines(src, "std::fs::rename"), [9]);
    let f = facts(src);
    assert!(f.strings.contains("{:?}"));
}

#[test]
fn unparseable_macro_bodies_still_give_strings() {
    let src = "fn a() { html! { <div class=\"x\">{ \"hello\" }</div> }; }\nmacro_rules! m { ($e:expr) => { std::fs::write($e, b) }; }\n";
    let f = facts(src);
    assert!(f.strings.contains("x") && f.strings.contains("hello"));
    assert!(f.events.is_empty(), "{:?}", f.events);
}

#[test]
fn unbounded_loops() {
    let src = "use tokio::time::sleep;\nasync fn a() {\n    loop { sleep(d).await; }\n    while !stop.load(Ordering::SeqCst) { sleep(d).await; }\n    while running { sleep(d).await; }\n    while i < 10 { sleep(d).await; }\n    while let Some(x) = rx.recv().await { sleep(d).await; }\n    for x in xs { sleep(d).await; }\n    sleep(d).await;\n    loop { let f = || sleep(d); }\n}\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(
        got,
        [
            (3, true),
            (4, true),
            (5, true),
            (6, false),
            (7, false),
            (8, false),
            (9, false),
            (10, false)
        ]
    );
}

#[test]
fn spawned_closures_async_blocks_and_builders() {
    let src = "use std::thread;\nuse std::time::Duration;\nfn a() {\n    tokio::spawn(async move {\n        let mut t = tokio::time::interval(d);\n        loop { t.tick().await; }\n    });\n    thread::spawn(move || loop {\n        thread::sleep(Duration::from_secs(5));\n    });\n    thread::Builder::new().name(\"w\".into()).spawn(move || { thread::sleep(d); });\n    thread::sleep(d);\n}\n";
    let iv = hits(src, "tokio::time::interval");
    assert_eq!(iv.len(), 1);
    assert_eq!(ctx(&iv[0].1), [Context::Spawned]);
    let sl: Vec<_> = hits(src, "std::thread::sleep")
        .into_iter()
        .map(|(l, e)| (l, ctx(&e)))
        .collect();
    assert_eq!(
        sl,
        [
            (9, vec![Context::UnboundedLoop, Context::Spawned]),
            (11, vec![Context::Spawned]),
            (12, vec![]),
        ]
    );
    assert_eq!(lines(src, "std::thread::Builder::spawn"), [11]);
}

#[test]
fn functions_called_from_spawn_are_spawned() {
    let src = "use tokio::time::sleep;\nasync fn cleanup_loop(pool: Pool) {\n    loop { sleep(d).await; }\n}\nfn worker(rx: Rx) { loop { std::thread::sleep(d); } }\nimpl Svc {\n    async fn run(&self) { loop { sleep(d).await; } }\n    fn start(self) {\n        let this = self.clone();\n        tokio::spawn(async move { this.run().await });\n    }\n}\nfn main() {\n    tokio::spawn(cleanup_loop(pool));\n    std::thread::spawn(move || worker(rx));\n}\nasync fn other() { loop { sleep(d).await; if done { break; } } }\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Spawned)))
        .collect();
    assert_eq!(got, [(3, true), (7, true), (17, false)]);
    let w = hits(src, "std::thread::sleep");
    assert!(w[0].1.context.contains(&Context::Spawned));
}

#[test]
fn retry_contexts() {
    let src = "use tokio::time::sleep;\nasync fn a() {\n    loop {\n        match connect().await {\n            Ok(c) => return c,\n            Err(e) => sleep(d).await,\n        }\n        if let Err(e) = ping().await { sleep(d).await; }\n        if res.is_err() { sleep(d).await; }\n        sleep(backoff).await;\n        sleep(Duration::from_millis(100 * attempt)).await;\n        let Ok(c) = pool.get().await else { sleep(d).await; continue };\n        sleep(d).await;\n    }\n}\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Retry)))
        .collect();
    assert_eq!(
        got,
        [
            (6, true),
            (8, true),
            (9, true),
            (10, true),
            (11, true),
            (12, true),
            (13, false)
        ]
    );
}

#[test]
fn sleeps_for_a_grown_delay_are_back_offs() {
    let src = "use tokio::time::sleep;\nasync fn a() {\n    loop {\n        let _ = listen().await;\n        sleep(wait).await;\n        wait = (wait * 2).min(MAX_RECONNECT_WAIT);\n    }\n    loop {\n        sleep(idle).await;\n        idle = (idle * 2).min(MAX_IDLE);\n    }\n    loop {\n        sleep(period).await;\n        batch = batch * 2;\n    }\n}\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Retry)))
        .collect();
    assert_eq!(got, [(5, true), (9, false), (13, false)]);
}

#[test]
fn test_contexts() {
    let src = "use std::fs;\n#[cfg(test)]\nmod tests {\n    fn helper() { std::fs::write(p, b); }\n}\n#[tokio::test]\nasync fn t() { std::fs::write(p, b); }\n#[cfg(all(test, unix))]\nfn u() { std::fs::write(p, b); }\n#[cfg(not(test))]\nfn v() { std::fs::write(p, b); }\n";
    let got: Vec<_> = hits(src, "std::fs::write")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Test)))
        .collect();
    assert_eq!(got, [(4, true), (7, true), (9, true), (11, false)]);
    let file = facts("#![cfg(test)]\nfn a() {}\n");
    assert!(file.file_context.contains(&Context::Test));
}

#[test]
fn file_calls_and_strings() {
    let src = "use redis::Client;\nfn a() { let c = Client::open(\"redis://x\"); c.get_connection(); x.set_nx(k, v); }\n";
    let f = facts(src);
    assert!(f.calls.contains("redis::Client::open"));
    assert!(f.calls.contains("redis::Client::get_connection"));
    assert!(f.calls.contains("set_nx"));
    assert!(f.strings.contains("redis://x"));
    let doc = facts(
        "/// Should take pg_try_advisory_lock first.\n#[serde(rename = \"kind\")]\nstruct A;\n",
    );
    assert!(!doc.strings.iter().any(|s| s.contains("advisory")));
}

#[test]
fn syntax_errors_and_odd_headers() {
    let out = extract("fn a() {\n    let x = ;\n}\n", PathPurpose::default());
    let err = out.syntax_error.expect("error");
    assert_eq!(err.offset, "fn a() {\n    let x = ".len());
    assert!(out.facts.events.is_empty());
    let shebang = "#!/usr/bin/env rust-script\nfn main() { std::fs::write(p, b); }\n";
    assert_eq!(lines(shebang, "std::fs::write"), [2]);
    let script = "#!/usr/bin/env -S cargo +nightly -Zscript\n---cargo\n[dependencies]\nclap = \"4\"\n---\n\nfn main() { std::fs::write(p, b); }\n";
    assert_eq!(lines(script, "std::fs::write"), [7]);
    let bom = "\u{feff}fn main() { std::fs::write(p, b); }\n";
    let h = hits(bom, "std::fs::write");
    assert_eq!(h[0].1.span.start, bom.find("std").unwrap());
    for junk in [
        "",
        "#!",
        "---",
        "\u{feff}",
        "#![",
        "fn",
        "é",
        "---\n---\n",
        "r#\"",
        "'a",
    ] {
        let _ = extract(junk, PathPurpose::default());
    }
}

#[test]
fn spans_cover_the_call_with_multibyte_text() {
    let src = "fn a() { let s = \"héllo😀\"; std::fs::write(s, b); }\n";
    let (_, e) = &hits(src, "std::fs::write")[0];
    assert_eq!(&src[e.span.clone()], "std::fs::write(s, b)");
}

#[test]
fn long_method_chains_do_not_recurse() {
    let mut src = String::from("fn a() { x");
    for _ in 0..20_000 {
        src.push_str(".f()");
    }
    src.push_str("; }\n");
    let out = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || extract(&src, PathPurpose::default()).facts.calls.len())
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(out, 1);
}

#[test]
fn annotated_parameters_and_lets_are_typed() {
    let src = "use rocket::fs::TempFile;\nuse tempfile::NamedTempFile;\nasync fn upload(mut file: TempFile<'_>, t: T) {\n    file.persist_to(&dest).await?;\n    t.persist_to(p);\n    let tmp: NamedTempFile = make();\n    tmp.persist(&dest)?;\n    let f = |x: &NamedTempFile| x.persist(p);\n}\n";
    assert_eq!(lines(src, "rocket::fs::TempFile::persist_to"), [4]);
    assert_eq!(lines(src, "tempfile::NamedTempFile::persist"), [7, 8]);
    assert!(facts(src)
        .events
        .iter()
        .all(|e| !e.targets.iter().any(|t| t.starts_with("T::"))));
}

#[test]
fn facade_reexports_name_the_original_crate() {
    let src = "use hbb_common::{tokio::{self, time::{interval, Duration}}, futures};\nfn a() { interval(d); tokio::fs::write(p, b); }\n";
    assert_eq!(lines(src, "tokio::time::interval"), [2]);
    assert_eq!(lines(src, "hbb_common::tokio::time::interval"), [2]);
    assert_eq!(lines(src, "tokio::fs::write"), [2]);
}

#[test]
fn spawn_helpers_and_spawn_methods() {
    let src = "fn a(set: &mut JoinSet<()>) {\n    crate::util::spawn_try_task(async move { loop { tokio::time::sleep(d).await; } });\n    set.spawn(async move { loop { tokio::time::sleep(d).await; } });\n    std::thread::scope(|s| { s.spawn(|| loop { std::thread::sleep(d); }); });\n    std::process::Command::new(\"x\").spawn();\n    loop { tokio::time::sleep(d).await; if done { break; } }\n}\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Spawned)))
        .collect();
    assert_eq!(got, [(2, true), (3, true), (6, false)]);
    assert!(hits(src, "std::thread::sleep")[0]
        .1
        .context
        .contains(&Context::Spawned));
}

#[test]
fn prelude_globs_name_the_crate_root_item() {
    let src = "use actix::prelude::*;\nimpl Actor for A {\n    fn started(&mut self, ctx: &mut Context<Self>) {\n        ctx.run_interval(d, |a, c| {});\n    }\n}\n";
    assert_eq!(lines(src, "actix::Context::run_interval"), [4]);
}

#[test]
fn temp_paths() {
    let src = "use std::fs;\nfn a(name: &str) {\n    fs::write(std::env::temp_dir().join(name), b);\n    let scratch = tempfile::tempdir()?;\n    let p = scratch.path().join(\"x\");\n    fs::write(&p, b);\n    fs::write(\"/tmp/upload.bin\", b);\n    fs::write(format!(\"{}/{}\", tmp_dir, name), b);\n    fs::write(&self.temp_path, b);\n    fs::write(&template_path, b);\n    fs::rename(&tmp_file, &final_path);\n}\n";
    let first: Vec<_> = hits(src, "std::fs::write")
        .into_iter()
        .map(|(l, e)| (l, e.args[0] == Arg::TempPath))
        .collect();
    assert_eq!(
        first,
        [
            (3, true),
            (6, true),
            (7, true),
            (8, true),
            (9, true),
            (10, false)
        ]
    );
    let rename = &hits(src, "std::fs::rename")[0].1;
    assert_eq!(rename.args, [Arg::TempPath, Arg::Other { path_like: true }]);
    let typed = "use tempfile::TempDir;\nfn a() { let dir = TempDir::new()?; std::fs::write(dir.path().join(\"x\"), b); }\n";
    assert_eq!(hits(typed, "std::fs::write")[0].1.args[0], Arg::TempPath);
    let persist = "use tempfile::NamedTempFile;\nfn a() { let tmp = NamedTempFile::new()?; tmp.persist(&dest)?; }\n";
    assert_eq!(lines(persist, "tempfile::NamedTempFile::persist"), [2]);
}

#[test]
fn per_instance_work() {
    let src = "use tokio::time::{interval, sleep};\nfn start(pool: Pool) {\n    tokio::spawn(async move {\n        let mut heartbeat = interval(d);\n        loop { sleep(HEARTBEAT_INTERVAL).await; }\n    });\n    let mut cleanup = interval(d);\n    tokio::spawn(async move { loop { report_metrics(&registry).await; sleep(d).await; } });\n}\nasync fn send_pings(conn: Conn) { loop { sleep(d).await; } }\nimpl MetricsReporter {\n    fn run(&self) { loop { std::thread::sleep(d); } }\n}\n";
    let iv: Vec<_> = hits(src, "tokio::time::interval")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::PerInstance)))
        .collect();
    assert_eq!(iv, [(4, true), (7, false)]);
    let sl: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::PerInstance)))
        .collect();
    assert_eq!(sl, [(5, true), (8, true), (10, true)]);
    assert!(hits(src, "std::thread::sleep")[0]
        .1
        .context
        .contains(&Context::PerInstance));
}

#[test]
fn single_instance_guards() {
    let src = "use tokio::time::sleep;\nasync fn jobs(cfg: Config) {\n    if cfg.scheduler.enabled { tokio::spawn(async { loop { sleep(d).await; } }); }\n    tokio::spawn(async { loop { sleep(d).await; } });\n    if !is_leader().await {\n        return;\n    }\n    sleep(d).await;\n}\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::SingleInstanceGuard)))
        .collect();
    assert_eq!(got, [(3, true), (4, false), (8, true)]);
}

#[test]
fn functions_that_never_return_run_in_the_background() {
    let src = "use tokio::time::sleep;\npub async fn purge_loop(pool: Pool) {\n    loop {\n        purge(&pool).await;\n        sleep(d).await;\n    }\n}\npub async fn until_shutdown(mut rx: Rx) {\n    loop {\n        tokio::select! {\n            _ = rx.recv() => break,\n            _ = sleep(d) => tick().await,\n        }\n    }\n}\nasync fn poll() -> Result<()> {\n    loop {\n        if done().await? { return Ok(()); }\n        sleep(d).await;\n    }\n}\nasync fn main() { loop { sleep(d).await; } }\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Spawned)))
        .collect();
    assert_eq!(got, [(5, true), (12, false), (19, false), (22, false)]);
}

#[test]
fn in_memory_eviction_loops_are_per_instance() {
    let src = "fn gc(limiter: Arc<Limiter>, map: Arc<DashMap<K, V>>) {\n    std::thread::spawn(move || loop {\n        std::thread::sleep(d);\n        limiter.retain_recent();\n    });\n    tokio::spawn(async move { loop { map.retain(|_, v| v.ttl > now()); tokio::time::sleep(d).await; } });\n}\n";
    assert!(hits(src, "std::thread::sleep")[0]
        .1
        .context
        .contains(&Context::PerInstance));
    assert!(hits(src, "tokio::time::sleep")[0]
        .1
        .context
        .contains(&Context::PerInstance));
}

#[test]
fn desktop_and_wasm_front_ends_are_client_code() {
    for src in [
        "use tauri::{AppHandle, Emitter};\nfn a() {}\n",
        "use {eframe::egui, std::fs};\nfn a() {}\n",
        "fn a() { wasm_bindgen_futures::spawn_local(f); web_sys::window(); }\n",
    ] {
        assert!(
            facts(src).file_context.contains(&Context::ClientSide),
            "{src}"
        );
    }
    let server = "use axum::Router;\nuse leptos::prelude::*;\nfn a() { std::fs::write(p, b); }\n";
    assert!(!facts(server).file_context.contains(&Context::ClientSide));
}

#[test]
fn guards_checked_inside_loops_cover_the_timer_before_them() {
    let src = "use tokio::time::interval;\nasync fn a(db: Db) {\n    let mut t = interval(d);\n    loop { t.tick().await; if !db.is_leader().await { continue; } work().await; }\n}\nasync fn b() {\n    let mut t = interval(d);\n    loop { t.tick().await; check().await; }\n}\nasync fn check() { if !cluster.is_leader() { return; } }\nasync fn c(leader: bool) {\n    if leader { warm_up().await; }\n    let mut t = interval(d);\n    loop { t.tick().await; work().await; }\n}\n";
    let guarded: Vec<(usize, bool)> = hits(src, "tokio::time::interval")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::SingleInstanceGuard)))
        .collect();
    assert_eq!(guarded, vec![(3, true), (7, true), (13, false)]);
}

#[test]
fn owner_bound_and_queue_draining_loops_are_per_instance() {
    let src = "use tokio::time::{interval, sleep};\nfn a(weak: Weak<T>) {\n    tokio::spawn(async move {\n        let mut t = interval(d);\n        loop { t.tick().await; let Some(x) = weak.upgrade() else { return }; x.run(); }\n    });\n}\nimpl S {\n    async fn run(&mut self) { let mut t = interval(d); loop { t.tick().await; if !self.once().await { return; } } }\n    async fn once(&mut self) -> bool { self.snap().is_some() }\n    fn snap(&self) -> Option<u8> { self.owner.upgrade().map(|_| 1) }\n}\nasync fn drain(q: Queue) { loop { while let Some(x) = q.try_pop() { save(x); } sleep(d).await; } }\nasync fn job(mut shutdown_rx: Rx) { loop { tokio::select! { _ = shutdown_rx.recv() => break, _ = sleep(d) => run().await } } }\n";
    let per: Vec<(usize, bool)> = hits(src, "tokio::time::interval")
        .into_iter()
        .chain(hits(src, "tokio::time::sleep"))
        .map(|(l, e)| (l, e.context.contains(&Context::PerInstance)))
        .collect();
    assert_eq!(per, vec![(4, true), (9, true), (13, true), (14, false)]);
}

#[test]
fn nested_error_arms_are_retries() {
    let src = "fn a() { std::thread::spawn(move || loop { match std::panic::catch_unwind(f) { Ok(Ok(())) => {} Ok(Err(e)) => std::thread::sleep(d), Err(_) => break } }); }\n";
    let (_, e) = &hits(src, "std::thread::sleep")[0];
    assert!(e.context.contains(&Context::Retry));
}

#[test]
fn proc_macro_files_are_build_tooling() {
    for src in [
        "use proc_macro::TokenStream;\nfn a() { std::fs::write(p, b); }\n",
        "extern crate proc_macro;\nfn a() { std::fs::write(p, b); }\n",
        "#[proc_macro_derive(X)]\npub fn x(i: T) -> T { std::fs::write(p, b); i }\n",
    ] {
        assert!(facts(src).file_context.contains(&Context::Test), "{src}");
    }
    let plain = "use proc_macro2::TokenStream;\nfn a() { std::fs::write(p, b); }\n";
    assert!(!facts(plain).file_context.contains(&Context::Test));
}

#[test]
fn wait_loops_and_short_gauge_loops() {
    let src = "use tokio::time::sleep;\nasync fn a() {\n        loop { if ready() { break; } sleep(d).await; }\n        loop { sleep(d).await; if stop() { break; } purge().await; }\n}\nasync fn b() {\n        loop { metrics::GAUGE.set(rss()); sleep(d).await; }\n}\n";
    let got: Vec<(usize, bool, bool)> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| {
            (
                l,
                e.context.contains(&Context::Retry),
                e.context.contains(&Context::PerInstance),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![(3, true, false), (4, false, false), (7, false, true)]
    );
}

#[test]
fn loops_left_only_at_shutdown_run_in_the_background() {
    let src = "use tokio::time::sleep;\nasync fn a(token: Token) { loop { if token.is_cancelled() { break; } sleep(d).await; work().await; } }\nasync fn b() { loop { if queue_empty().await { break; } sleep(d).await; } }\n";
    let spawned: Vec<(usize, bool)> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Spawned)))
        .collect();
    assert_eq!(spawned, vec![(2, true), (3, false)]);
}

#[test]
fn interactive_terminal_programs_are_client_side() {
    let cli = "use dialoguer::Confirm;\nfn a() { std::fs::write(p, b); }\n";
    assert!(facts(cli).file_context.contains(&Context::ClientSide));
    let loader = "use indicatif::ProgressBar;\nfn a() { std::fs::write(p, b); }\n";
    assert!(!facts(loader).file_context.contains(&Context::ClientSide));
    let admin = "use clap::Parser;\nfn a() { std::fs::write(p, b); }\n";
    assert!(!facts(admin).file_context.contains(&Context::ClientSide));
}

#[test]
fn timers_ticked_only_in_counted_loops_pace_a_wait() {
    let src = "use tokio::time::interval;\nasync fn a() {\n    let mut t = interval(d);\n    for _ in 0..5 { t.tick().await; }\n}\nasync fn b() {\n    let mut t = interval(d);\n    for _ in 0..5 { t.tick().await; }\n    loop { t.tick().await; }\n}\nasync fn c() {\n    let mut t = interval(d);\n    tokio::spawn(async move { loop { t.tick().await; } });\n}\n";
    let retry: Vec<(usize, bool)> = hits(src, "tokio::time::interval")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Retry)))
        .collect();
    assert_eq!(retry, vec![(3, true), (7, false), (12, false)]);
}

#[test]
fn loops_that_finish_their_batch_are_bounded() {
    let src = "use tokio::time::sleep;\nasync fn a() {\n    loop { let b = next().await; if b.is_empty() { return Ok(()); } work(b).await; sleep(d).await; }\n    loop { if token.is_cancelled() { break; } work().await; sleep(d).await; }\n    loop { if let Err(e) = work().await { break; } sleep(d).await; }\n    loop { if bad() { return Err(e); } work().await; sleep(d).await; }\n}\n";
    let unbounded: Vec<(usize, bool)> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(unbounded, vec![(3, false), (4, true), (5, true), (6, true)]);
}

#[test]
fn interval_streams_cut_short_are_waits() {
    let src = "use tokio::time::interval;\nasync fn a() {\n    IntervalStream::new(interval(d)).take_until(done).for_each(|_| async {}).await;\n    IntervalStream::new(interval(d)).for_each(|_| async { sync().await }).await;\n}\n";
    let retry: Vec<(usize, bool)> = hits(src, "tokio::time::interval")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Retry)))
        .collect();
    assert_eq!(retry, vec![(3, true), (4, false)]);
}

#[test]
fn timers_of_one_connection_are_per_instance() {
    let src = "use tokio::time::interval;\nasync fn a(ws: WebSocketUpgrade) -> Response {\n    ws.on_upgrade(|s| async move { let mut t = interval(d); loop { t.tick().await; s.send(m).await; } })\n}\nasync fn b(socket: WebSocket) { let mut t = interval(d); loop { t.tick().await; } }\nasync fn c(addr: SocketAddr, pool: Pool) { let mut t = interval(d); loop { t.tick().await; purge(&pool).await; } }\n";
    let per: Vec<(usize, bool)> = hits(src, "tokio::time::interval")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::PerInstance)))
        .collect();
    assert_eq!(per, vec![(3, true), (5, true), (6, false)]);
}

#[test]
fn instance_paths() {
    let src = "use std::fs;\nuse std::path::Path;\nconst SELF_SIGNED_KEY: &str = \"k.pem\";\nfn a(cache_dir: &Path, root: &Path, cfg: &Config) {\n    fs::write(SELF_SIGNED_KEY, b);\n    let page = cfg.cache_dir.join(format!(\"{slug}.html\"));\n    fs::write(&page, b);\n    fs::write(root.join(\"uploads\").join(\"thumbs\"), b);\n    fs::write(cache_dir.join(\"a.png\"), b);\n    fs::write(root.join(\"app.log\"), b);\n    fs::write(dirs::cache_dir().unwrap().join(\"x\"), b);\n    let thumb_path = root.join(\"media\").join(\"thumbs\");\n    fs::write(&thumb_path, b);\n}\n";
    let first: Vec<_> = hits(src, "std::fs::write")
        .into_iter()
        .map(|(l, e)| (l, e.args[0] == Arg::InstancePath))
        .collect();
    // A constant, a field and `dirs::cache_dir()` are strong evidence; a parameter's name
    // alone (`cache_dir`) is not, a log file is not this instance's own, `uploads` and
    // `media` name shared data.
    assert_eq!(
        first,
        [
            (5, true),
            (7, true),
            (8, false),
            (9, false),
            (10, false),
            (11, true),
            (13, false)
        ]
    );
}

#[test]
fn symbol_table_of_functions_impls_and_subcommands() {
    let src = r#"use crate::jobs::backup;
#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    match cli.command {
        Commands::Serve { port } => serve(port).await,
        Commands::Backup { dir } => backup(&dir),
        Commands::Vacuum => db::vacuum(),
    }
}
async fn serve(port: u16) {
    let app = Router::new().route("/", get(upload));
    tokio::spawn(async move { sweep().await });
    info!("listening {}", describe(port));
}
#[get("/x")]
async fn upload() {}
pub fn unused() {}
impl Store { pub fn save(&self) { self.flush(); } }
impl Drop for Store { fn drop(&mut self) { cleanup(); } }
fn dispatch(cmd: Cmd) { match cmd { Cmd::Get => get_key(), Cmd::Set => set_key() } }
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "main Main <- Some(0): Cli Cli::parse cli port serve",
            " Subcommand <- Some(1): backup dir",
            " Subcommand <- Some(1): Commands Commands::Vacuum db db::vacuum",
            "serve Plain <- Some(0): Router Router.route Router::new describe get port sweep tokio tokio::spawn upload",
            "upload Entry <- Some(0): ",
            "unused Plain exported <- Some(0): ",
            "Store.save Plain exported <- Some(0): Store.flush self",
            "Store.drop Entry <- Some(0): cleanup",
            "dispatch Plain <- Some(0): Cmd Cmd::Get Cmd::Set get_key set_key",
        ]
    );
}

/// Line and temp-ness of the first argument of each `std::fs` call.
fn fs_temps(src: &str) -> Vec<(usize, bool)> {
    let idx = LineIndex::new(src);
    facts(src)
        .events
        .into_iter()
        .filter(|e| e.targets.iter().any(|t| t.starts_with("std::fs::")))
        .map(|e| {
            (
                idx.line_col(src, e.span.start).0,
                e.args[0] == Arg::TempPath,
            )
        })
        .collect()
}

#[test]
fn temp_paths_through_returns() {
    let src = r#"use std::fs;
use std::path::PathBuf;
impl R {
    fn go(&self, b: &[u8]) { fs::write(self.work().join("p"), b); fs::write(self.keep().join("p"), b); fs::write(spool(1), b); fs::write(Self::work_at(), b); }
    fn work(&self) -> PathBuf { std::env::temp_dir().join("r") }
    fn keep(&self) -> PathBuf { self.root.join("r") }
    fn work_at() -> PathBuf { let d = std::env::temp_dir(); d.join("x") }
}
fn spool(id: u64) -> PathBuf { let w = std::env::temp_dir(); let f = w.join(id.to_string()); f }
"#;
    assert_eq!(
        fs_temps(src),
        vec![(4, true), (4, false), (4, true), (4, true)]
    );
}

#[test]
fn files_created_and_deleted_in_one_function_are_scratch() {
    let src = r#"use std::fs;
use std::path::Path;
fn probe(dir: &Path) -> bool {
    let p = dir.join(".probe");
    let ok = fs::write(&p, b"").is_ok();
    let _ = fs::remove_file(&p);
    ok
}
fn replace(f: &Path, b: &[u8]) { fs::remove_file(f).ok(); fs::write(f, b).ok(); }
fn publish(dir: &Path, b: &[u8]) {
    let part = dir.join("a.part");
    fs::write(&part, b).ok();
    fs::rename(&part, dir.join("a")).ok();
    fs::remove_file(part.clone()).ok();
}
fn copy(src: &Path) { fs::copy(src, std::env::temp_dir().join("c")).ok(); fs::copy(src, "data/c").ok(); }
"#;
    assert_eq!(
        fs_temps(src),
        vec![
            (5, true),
            (6, true),
            (9, false),
            (9, false),
            (12, false),
            (13, false),
            (14, true),
            (16, true),
            (16, false),
        ]
    );
}

#[test]
fn statics_written_by_functions_are_collection_events() {
    let src = r#"
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock};
fn join(peer: Peer) {
    crate::ROOMS.write().unwrap().insert(peer.room_id, peer);
}
static ROOMS: LazyLock<RwLock<HashMap<RoomId, Peer>>> = LazyLock::new(Default::default);
static TABLE: LazyLock<HashMap<u8, u8>> = LazyLock::new(|| HashMap::from([(1, 2)]));
lazy_static::lazy_static! {
    static ref SEEN: std::sync::Mutex<Vec<String>> = Default::default();
}
fn see(name: String) { SEEN.lock().unwrap().push(name); }
"#;
    let collections: Vec<(Vec<String>, Vec<String>)> = facts(src)
        .events
        .into_iter()
        .filter(|e| e.kind == crate::event::EventKind::Collection)
        .map(|e| (e.targets, e.words))
        .collect();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        collections,
        [
            (
                strings(&[
                    "std::sync::LazyLock",
                    "std::sync::RwLock",
                    "std::collections::HashMap",
                    "RoomId",
                    "Peer"
                ]),
                strings(&["id", "peer", "room", "rooms"])
            ),
            (
                strings(&["std::sync::Mutex", "Vec", "String"]),
                strings(&["name", "seen", "string", "vec"])
            ),
        ]
    );
}

#[test]
fn sleeps_take_the_work_of_their_loop_and_intervals_of_their_body() {
    let src = r#"
use std::time::Duration;
use tokio::time::{interval, sleep};
fn start(pool: Pool) {
    tokio::spawn(async move {
        loop {
            tracing::info!("tick");
            sleep(Duration::from_secs(1)).await;
        }
    });
    tokio::spawn(async move {
        let mut t = interval(Duration::from_secs(5));
        loop {
            t.tick().await;
            purge(&pool).await;
        }
    });
}
async fn purge(pool: &Pool) { sqlx::query("DELETE FROM t").execute(pool).await; }
"#;
    let work = |target: &str| -> Vec<String> {
        let (_, e) = hits(src, target).into_iter().next().expect(target);
        e.work.expect("work").kinds.into_iter().collect()
    };
    assert_eq!(work("tokio::time::sleep"), ["logging", "waiting"]);
    assert_eq!(work("tokio::time::interval"), ["database", "waiting"]);
}

#[test]
fn a_match_over_a_parsed_argument_enum_dispatches_subcommands() {
    let src = r#"fn main() {
    match Args::parse() {
        Args::Serve(a) => server::run(a),
        Args::GenerateConfig(a) => gen_config::write(a),
    }
    match port.parse() { Ok(p) => listen(p), Err(e) => fail(e) }
}
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "main Main <- Some(0): Args Args::parse a e fail listen p parse port server server::run",
            " Subcommand <- Some(1): a gen_config gen_config::write",
        ]
    );
}

#[test]
fn associated_function_calls_name_their_type_and_parameters_are_no_functions() {
    let src = r#"
impl Store {
    fn open(path: &str) -> Self { Self::load(path) }
}
fn hash(password: &str) -> String { SaltString::generate(&mut OsRng).to_string() }
fn parse_secret<T, G: FnOnce() -> T>(generate: G) -> T { generate() }
fn fresh<T: Default>() -> T { T::default() }
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "Store.open Plain <- Some(0): Self Store::load",
            "hash Plain <- Some(0): OsRng SaltString SaltString::generate to_string",
            "parse_secret Plain <- Some(0): ",
            "fresh Plain <- Some(0): T default",
        ]
    );
}

#[test]
fn calls_through_a_module_name_it_and_inline_modules_are_recorded() {
    let src = r#"
fn start() { ssh::install_keys(); crate::jobs::sweep(); super::helper(); self::local(); }
mod jobs {
    pub fn sweep() {}
    mod daily { fn sweep() {} }
}
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "start Plain <- Some(0): crate helper jobs jobs::sweep local self ssh ssh::install_keys super",
            "sweep Plain exported <- Some(0): ",
            "sweep Plain <- Some(0): ",
        ]
    );
    let modules: Vec<&str> = defs.iter().map(|d| d.module.as_str()).collect();
    assert_eq!(modules, ["", "", "jobs", "jobs::daily"]);
}

#[test]
fn paths_in_macro_tokens_name_their_type_or_module() {
    let src = r#"
fn plan() { let v = vec![Plan::new(4), jobs::sweep(), a::b::run(), <u8>::MIN, x.len()]; }
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "plan Plain <- Some(0): MIN Plan Plan::new a b b::run jobs jobs::sweep len u8 x",
        ]
    );
}

#[test]
fn struct_fields_written_by_own_methods_and_app_state_registrations() {
    let src = r#"
use dashmap::DashMap;
use actix_web::web;
struct Rooms { peers: DashMap<PeerId, Peer>, boot: Vec<u8> }
impl Rooms {
    fn new() -> Self { let mut boot = Vec::new(); boot.push(1); Rooms { peers: DashMap::new(), boot } }
    fn join(&self, peer: Peer) { self.peers.insert(peer.id, peer); }
}
impl Other { fn add(&self, x: u8) { self.boot.push(x); } }
async fn handler(rooms: web::Data<std::sync::Arc<Rooms>>, State(app): State<Lobby>) {
    let mut invites = app.invites.lock().unwrap();
    invites.insert(1);
}
fn main() { App::new().app_data(web::Data::new(Registry::new())); }
"#;
    let f = facts(src);
    let fields: Vec<(Option<String>, Vec<String>, Option<String>)> = f
        .events
        .into_iter()
        .filter(|e| e.kind == crate::event::EventKind::FieldCollection)
        .map(|e| (e.owner, e.words, e.written_elsewhere))
        .collect();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // `boot` is filled in the constructor only: it stands only if a handler elsewhere
    // writes it through application state.
    assert_eq!(
        fields,
        [
            (
                Some("Rooms".to_string()),
                strings(&["id", "peer", "peers", "rooms"]),
                None
            ),
            (
                Some("Rooms".to_string()),
                strings(&["boot", "rooms", "u8", "vec"]),
                Some("boot".to_string())
            ),
        ]
    );
    let registrations: Vec<&str> = f.registrations.iter().map(String::as_str).collect();
    assert_eq!(
        registrations,
        [
            "State:Lobby",
            "actix_web::web::Data:Arc",
            "actix_web::web::Data:Rooms",
            "app_data:Data",
            "app_data:Registry",
            "write:State:Lobby.invites",
            "wrote:Lobby.invites",
        ]
    );
}

#[test]
fn writes_through_parameters_reach_the_fields_callers_pass() {
    let src = r#"
use dashmap::DashMap;
struct Limits { hits: DashMap<u64, u32>, names: DashMap<u64, String> }
fn bump(map: &DashMap<u64, u32>, key: u64) { map.insert(key, 1); }
fn count(map: &DashMap<u64, u32>, key: u64) { bump(map, key) }
fn read(map: &DashMap<u64, String>, key: u64) -> bool { map.contains_key(&key) }
impl Limits {
    fn check(&self, key: u64) { count(&self.hits, key); read(&self.names, key); }
}
fn shadowed(map: &DashMap<u64, u32>) { let map = DashMap::new(); map.insert(1, 2); }
async fn handler(state: &Limits, owner: &mut Owner, app: Arc<Shared>) {
    state.names.insert(1, String::new());
    owner.items.push(1);
    other::record(&app.peers, 1);
}
"#;
    let f = facts(src);
    let written: Vec<(Option<String>, Option<String>)> = f
        .events
        .into_iter()
        .filter(|e| e.kind == crate::event::EventKind::FieldCollection)
        .map(|e| (e.owner, e.written_elsewhere))
        .collect();
    // `hits` through `count` and `bump`; `names` through the `&Limits` parameter.
    assert_eq!(
        written,
        [(Some("Limits".into()), None), (Some("Limits".into()), None)]
    );
    let facts: Vec<&str> = f
        .registrations
        .iter()
        .map(String::as_str)
        .filter(|r| {
            r.starts_with("param-write:") || r.starts_with("pass:") || r.starts_with("wrote:")
        })
        .collect();
    assert_eq!(
        facts,
        [
            "param-write:bump:0",
            "param-write:count:0",
            "pass:record:0:wrote:Shared.peers",
            "wrote:Limits.hits",
            "wrote:Limits.names",
        ]
    );
}

#[test]
fn statements_of_a_body_are_direct_calls() {
    let src = r#"
#[tokio::main]
async fn main() {
    let config = load_config().expect("config");
    bootstrap::prepare_secrets(&config).await?;
    store.check_root().await.unwrap();
    tokio::spawn(async move { refresh().await });
    std::thread::spawn(move || sweep_spool());
    for p in plugins { load(p); }
    match cli.command {
        Command::Serve => media::serve().await,
        _ => {}
    }
    let settings = Settings::new().wrap_err("settings")?;
    if let Err(e) = start(settings).await { exit(1); }
    match migrate().await { Ok(_) => {}, Err(_) => {} }
    if ready(settings) { warm(); }
    loop { poll().await; }
}
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe_calls(&defs),
        [
            ": ",
            "main: Settings::new bootstrap::prepare_secrets check_root exit load_config media::serve migrate refresh start sweep_spool thread::spawn tokio::spawn warm"
        ]
    );
    assert!(defs[1].refs.iter().any(|r| r == crate::reach::words::LOOP));
}

#[test]
fn a_task_spawned_in_a_loop_or_a_consumer_loop_is_not_direct() {
    // A task spawned per accepted connection runs many times; a `while let` over an
    // awaited receive lives as long as its channel.
    let src = r#"
async fn main() {
    loop { let s = accept().await; tokio::spawn(async move { handle(s).await }); }
}
async fn consume(mut rx: Receiver<Job>) {
    while let Some(job) = rx.recv().await { store(job); }
}
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe_calls(&defs),
        [": ", "main: ", "consume: "]
    );
    assert!(defs[2].refs.iter().any(|r| r == crate::reach::words::LOOP));
}

#[test]
fn delay_helpers_across_files() {
    // The helper's file registers it; a function with a loop of its own is no helper.
    let helper = "use std::time::Duration;\npub async fn nap(secs: u64) {\n    tokio::time::sleep(Duration::from_secs(secs)).await;\n}\npub async fn poll_forever() {\n    loop { tokio::time::sleep(Duration::from_secs(1)).await; }\n}\n";
    let registered = extract(helper, PathPurpose::default()).facts.registrations;
    assert!(registered.contains("delay:nap"));
    assert!(!registered.contains("delay:poll_forever"));
    // A call in an endless loop with a duration asks for the registration; a runtime's own
    // sleep, calls without a duration and calls outside loops do not.
    let job = "use crate::pacing::nap;\npub async fn mirror() {\n    loop {\n        sync_all().await;\n        nap(600).await;\n        tokio::time::sleep(d).await;\n    }\n}\npub async fn once() { nap(1).await; }\n";
    let out = extract(job, PathPurpose::default()).facts;
    let idx = LineIndex::new(job);
    let wanted: Vec<(usize, Vec<String>, bool)> = out
        .events
        .iter()
        .filter(|e| !e.requires_any.is_empty())
        .map(|e| {
            (
                idx.line_col(job, e.span.start).0,
                e.requires_any.clone(),
                e.context.contains(&Context::UnboundedLoop)
                    && e.context.contains(&Context::Spawned),
            )
        })
        .collect();
    assert_eq!(wanted, [(5, vec!["delay:nap".to_string()], true)]);
}

#[test]
fn select_arms_that_leave_at_shutdown_keep_the_loop_endless() {
    let src = "pub async fn sweep(stop: CancellationToken) {\n    loop {\n        tokio::select! {\n            _ = stop.cancelled() => { info!(\"bye\"); break; }\n            _ = tokio::time::sleep(d) => {}\n        }\n        purge().await;\n    }\n}\npub async fn drain(mut rx: Rx) {\n    loop {\n        tokio::select! {\n            _ = rx.recv() => break,\n            _ = tokio::time::sleep(d) => {}\n        }\n    }\n}\n";
    let got: Vec<_> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Spawned)))
        .collect();
    assert_eq!(got, [(5, true), (14, false)]);
}

#[test]
fn held_structs_trait_impls_nested_writes_accessors_and_aliases() {
    let src = r#"
use actix_extensible_rate_limit::backend::Backend;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
type Watchers = Mutex<HashMap<String, u8>>;
struct Keys { set: Arc<Mutex<HashSet<String>>> }
struct Guard { keys: Keys, remote: Arc<other::Keys>, watchers: Watchers }
impl Guard {
    fn seen(&self, k: String) { self.keys.set.lock().unwrap().insert(k); }
    fn watch(&self, k: String) { self.watchers.lock().unwrap().insert(k, 1); }
}
impl Backend<String> for Guard {}
struct Table { rows: HashMap<u8, u8> }
static TABLE: OnceLock<RwLock<Table>> = OnceLock::new();
fn table_mut() -> std::sync::RwLockWriteGuard<'static, Table> { TABLE.get().unwrap().write().unwrap() }
"#;
    let f = facts(src);
    let written: Vec<(Option<String>, Vec<String>)> = f
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                crate::event::EventKind::FieldCollection | crate::event::EventKind::Collection
            ) && e.written_elsewhere.is_none()
        })
        .map(|e| (e.owner.clone(), e.targets.clone()))
        .collect();
    let has = |owner: Option<&str>, target: &str| {
        written
            .iter()
            .any(|(o, t)| o.as_deref() == owner && t.iter().any(|x| x == target))
    };
    // `self.keys.set`: the field `set` of the `Keys` a `Guard` holds.
    assert!(has(Some("Keys"), "std::collections::HashSet"));
    // `watchers: Watchers` is the map its alias names.
    assert!(has(Some("Guard"), "std::collections::HashMap"));
    // `TABLE` holds a struct of maps, and `table_mut` hands out write access.
    assert!(has(None, "std::collections::HashMap"));
    let registrations: Vec<&str> = f.registrations.iter().map(String::as_str).collect();
    assert_eq!(
        registrations,
        [
            "held-by:Guard:Keys",
            "held-by:Guard:Watchers",
            "impl:actix_extensible_rate_limit::backend::Backend:Guard",
        ]
    );
}

#[test]
fn a_let_bound_call_carries_the_words_of_its_names_and_type_arguments() {
    let src = r#"
use tokio::sync::broadcast;
async fn start() {
    let (events_tx, _) = broadcast::channel::<OrderPlaced>(64);
    let shutdown = broadcast::channel(1).0;
    forward(broadcast::channel::<u8>(1));
}
"#;
    let words: Vec<Vec<String>> = hits(src, "tokio::sync::broadcast::channel")
        .into_iter()
        .map(|(_, e)| e.words)
        .collect();
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        words,
        [
            strings(&["events", "order", "placed", "tx"]),
            strings(&["shutdown"]),
            Vec::new()
        ]
    );
}

#[test]
fn an_arm_that_exits_successfully_after_its_work_is_a_subcommand_branch() {
    let src = r#"
fn boot(flag: &str) {
    match flag {
        "init" => { write_layout(); std::process::exit(0); }
        "broken" => { dump_state(); std::process::exit(1); }
        _ => serve(),
    }
}
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "boot Plain <- Some(0): dump_state process process::exit serve std",
            " Subcommand <- Some(1): process process::exit std write_layout",
        ]
    );
}

#[test]
fn paths_built_on_parameters_assume_them_temporary_and_calls_record_what_they_pass() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
use std::fs;
use std::path::Path;
pub fn write_manifest(folder: &Path, body: &[u8]) -> std::io::Result<()> {
    let manifest = folder.join("manifest.txt");
    fs::write(&manifest, body)
}
fn pack(root: &Path) {
    crate::layout::build_index(&root.join("index.bin"));
}
fn bundle() {
    let staging = std::env::temp_dir().join("bundle");
    write_manifest(&staging, b"x");
}
#[cfg(test)]
mod tests {
    fn writes() { super::write_manifest(Path::new("out"), b"x"); }
}
"#;
    let facts = facts(src);
    let write = facts
        .events
        .iter()
        .find(|e| e.targets.iter().any(|t| t == "std::fs::write"))
        .unwrap();
    let assumed = write.assumed.as_ref().unwrap();
    assert_eq!(assumed.registrations, ["temp-param:write_manifest:0"]);
    assert_eq!(assumed.args[0], Arg::TempPath);
    let param = ArgSource::Param {
        function: "pack".to_string(),
        index: 0,
    };
    for flow in [
        ArgFlow::new("build_index", 0, param),
        ArgFlow::new("write_manifest", 0, ArgSource::Temp),
        ArgFlow::new("write_manifest", 1, ArgSource::Plain),
    ] {
        assert!(facts.arg_flows.contains(&flow), "{flow:?}");
    }
    // The test module's call is no evidence either way.
    assert_eq!(
        facts
            .arg_flows
            .iter()
            .filter(|f| f.callee == "write_manifest")
            .count(),
        2
    );
}

#[test]
fn calls_handing_cache_folders_record_them_as_this_instances_own() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
use std::path::PathBuf;
fn tile_cache_path(z: u8) -> PathBuf {
    PathBuf::from("/srv").join(z.to_string())
}
fn handle(dirs: &Dirs) {
    crate::render::render_tile(&dirs.cache_dir.join("tiles"));
    crate::render::render_legend(&tile_cache_path(3));
    crate::render::render_legend(&dirs.media_dir);
    crate::store::keep(&dirs.cached_uploads_dir);
}
"#;
    let facts = facts(src);
    for flow in [
        ArgFlow::new("render_tile", 0, ArgSource::Instance),
        ArgFlow::new("render_legend", 0, ArgSource::Instance),
        ArgFlow::new("render_legend", 0, ArgSource::Plain),
        ArgFlow::new("keep", 0, ArgSource::Plain),
    ] {
        assert!(facts.arg_flows.contains(&flow), "{flow:?}");
    }
}

#[test]
fn calls_through_type_parameters_name_no_type() {
    // `Db` is a type parameter of the function, `Pool` of the `impl`: their calls reach the
    // functions of the name; `Store` is a type, and stays the call's qualifier.
    let src = r#"
fn open<Db: Database>() { Db::connect(); Store::create(); }
fn sweep<Kind>() where Kind: Shelf { Kind::tidy(); }
impl<Pool: Source> Cache<Pool> { fn fill(&self) { Pool::fetch(); Self::trim(); } }
fn later() { Db::connect(); }
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe_calls(&defs),
        [
            ": ",
            "open: Store::create connect",
            "sweep: tidy",
            "fill: Cache::trim fetch",
            "later: Db::connect"
        ]
    );
}

#[test]
fn each_function_carries_its_own_direct_work() {
    let src = r#"
pub fn sweep(table: &Rooms) {
    table.members.lock().unwrap().retain(|_, p| !p.is_empty());
    report_left(3);
    crate::rooms::settle();
}
fn report_left(n: usize) { tracing::info!(n, "left"); }
trait Tidy { fn tidy(&self); }
"#;
    let defs = extract(src, PathPurpose::default()).facts.definitions;
    let work = |name: &str| {
        let d = defs.iter().find(|d| d.name == name).expect("defined");
        d.work.clone().map(|w| (w.kinds, w.callees))
    };
    let (kinds, callees) = work("sweep").expect("a body");
    assert!(!kinds.contains(crate::work::UNKNOWN));
    assert_eq!(
        callees.into_iter().collect::<Vec<_>>(),
        ["report_left", "rooms.settle"]
    );
    let (kinds, callees) = work("report_left").expect("a body");
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["logging"]);
    assert!(callees.is_empty());
    assert!(
        defs.iter().all(|d| d.name != "tidy"),
        "no body, no definition"
    );
}

#[test]
fn entries_of_a_struct_of_the_file_give_held_words() {
    let src = r#"
use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
pub struct Handoff { verifier: String, return_to: String }
pub struct Inner { users: HashMap<u32, u32> }
static PENDING: LazyLock<Mutex<HashMap<String, Handoff>>> = LazyLock::new(Default::default);
static HUB: LazyLock<Mutex<Inner>> = LazyLock::new(Default::default);
fn begin(csrf: String, h: Handoff) { PENDING.lock().unwrap().insert(csrf, h); }
fn touch() { HUB.lock().unwrap().users.insert(1, 2); }
"#;
    let f = facts(src);
    let held: Vec<Vec<String>> = f
        .events
        .into_iter()
        .filter(|e| e.kind == crate::event::EventKind::Collection)
        .map(|e| e.held_words)
        .collect();
    // `Handoff`'s fields are what each entry holds; `Inner`, held by the static itself, is
    // reported as its own maps, whose fields say nothing of entries.
    assert!(held.iter().any(|h| h == &["return", "to", "verifier"]));
    assert!(held.iter().all(|h| !h.contains(&"users".to_string())));
}

#[test]
fn tickers_that_end_with_their_operation_pace_it() {
    let src = "use tokio::time::{interval, sleep};\nasync fn a(op: Op) {\n    let mut t = interval(d);\n    loop { tokio::select! { _ = &mut op => break, _ = t.tick() => progress().await } }\n}\nasync fn b(stop: Token) {\n    let mut t = interval(d);\n    loop { tokio::select! { _ = stop.cancelled() => break, _ = t.tick() => job().await } }\n}\nasync fn c(rx: Rx) {\n    let mut t = interval(d);\n    loop { tokio::select! { _ = rx.recv() => break, _ = t.tick() => job().await } }\n}\nasync fn d(e: Export) {\n    let mut t = interval(d);\n    while !e.is_done() { t.tick().await; progress().await; }\n}\nasync fn e(h: Handle) {\n    loop { tokio::select! { res = &mut h => return res, _ = sleep(d) => touch().await } }\n}\nasync fn f() {\n    let mut t = interval(d);\n    loop { tokio::select! { _ = t.tick() => { if started.elapsed() >= limit { break; } send().await; } } }\n}\n";
    let retry: Vec<(usize, bool)> = hits(src, "tokio::time::interval")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::Retry)))
        .collect();
    assert_eq!(
        retry,
        vec![(3, true), (7, false), (11, false), (15, true), (22, true)]
    );
    let unbounded: Vec<(usize, bool)> = hits(src, "tokio::time::sleep")
        .into_iter()
        .map(|(l, e)| (l, e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(unbounded, vec![(19, false)]);
}
