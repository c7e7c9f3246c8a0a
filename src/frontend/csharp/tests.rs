//! Unit tests of the C# frontend.

use super::syntax::method_is;
use super::{extract, global_usings};
use crate::event::{Arg, Context, Event, EventKind, FileFacts};

/// The implicit usings of an SDK-style project.
fn implicit() -> Vec<String> {
    [
        "System",
        "System.Collections.Generic",
        "System.IO",
        "System.Linq",
        "System.Net.Http",
        "System.Threading",
        "System.Threading.Tasks",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn facts(src: &str) -> FileFacts {
    let out = extract(src, &implicit());
    assert!(out.syntax_error.is_none(), "syntax error in {src}");
    let mut facts = out.facts;
    // Calls of other files' helpers (`delay:name` candidates) have their own test.
    facts.events.retain(|e| e.requires_any.is_empty());
    facts
}

fn find<'a>(facts: &'a FileFacts, kind: EventKind, target: &str) -> Option<&'a Event> {
    facts
        .events
        .iter()
        .find(|e| e.kind == kind && e.targets.iter().any(|t| t == target))
}

fn call<'a>(facts: &'a FileFacts, target: &str) -> &'a Event {
    find(facts, EventKind::Call, target)
        .unwrap_or_else(|| panic!("no call {target} in {:#?}", facts.events))
}

fn line(src: &str, event: &Event) -> usize {
    src[..event.span.start].matches('\n').count() + 1
}

fn has_target(facts: &FileFacts, target: &str) -> bool {
    facts
        .events
        .iter()
        .any(|e| e.targets.iter().any(|t| t == target))
}

#[test]
fn project_global_usings() {
    let file = "\u{feff}global using System.IO;\n// global using Nope;\nglobal using static System.IO.File;\n  global using IOFile = global::System.IO.File;\nusing Local;\n";
    let usings = global_usings(file);
    assert_eq!(
        usings,
        vec![
            "System.IO".to_string(),
            "static System.IO.File".to_string(),
            "IOFile = global::System.IO.File".to_string()
        ]
    );
    let out = extract(
        "class C { void M(string p) { File.Delete(p); WriteAllText(p, p); IOFile.Move(p, p); } }",
        &usings,
    );
    call(&out.facts, "System.IO.File.Delete");
    call(&out.facts, "System.IO.File.WriteAllText");
    call(&out.facts, "System.IO.File.Move");
}

#[test]
fn grammar_loads() {
    let mut parser = tree_sitter::Parser::new();
    assert!(parser
        .set_language(&tree_sitter_c_sharp::LANGUAGE.into())
        .is_ok());
}

#[test]
fn implicit_and_explicit_namespaces() {
    let src = "class C {\n  void M(string p) {\n    File.WriteAllText(p, \"x\");\n  }\n}\n";
    let f = facts(src);
    let e = call(&f, "System.IO.File.WriteAllText");
    assert_eq!(line(src, e), 3);
    assert!(matches!(e.args[0], Arg::Other { .. }));
    assert_eq!(e.args[1], Arg::Str("x".into()));
    // Without `using System;` the file must rely on implicit usings.
    let out = extract(src, &[]);
    assert!(has_target(&out.facts, "System.IO.File.WriteAllText"));
    let old_style = format!("using System;\n{src}");
    let out = extract(&old_style, &[]);
    assert!(!has_target(&out.facts, "System.IO.File.WriteAllText"));
    let with_using = format!("using System;\nusing System.IO;\n{src}");
    let out = extract(&with_using, &[]);
    assert!(has_target(&out.facts, "System.IO.File.WriteAllText"));
}

#[test]
fn fully_qualified_and_global() {
    let f = facts(
            "class C { void M() {\n System.IO.File.Delete(\"a\");\n global::System.IO.File.Move(\"a\", \"b\");\n IO.File.Copy(\"a\", \"b\"); } }",
        );
    call(&f, "System.IO.File.Delete");
    call(&f, "System.IO.File.Move");
    call(&f, "System.IO.File.Copy");
    let delete = call(&f, "System.IO.File.Delete");
    assert_eq!(delete.targets, vec!["System.IO.File.Delete".to_string()]);
}

#[test]
fn using_static_and_aliases() {
    let src = "using static System.IO.File;\nusing IOFile = System.IO.File;\nusing Sys = System;\nusing IO = System.IO;\nclass C { void M(string path) {\n WriteAllText(path, \"s\");\n IOFile.AppendAllText(path, \"s\");\n Sys.IO.File.Delete(path);\n Sys::IO.File.Create(path);\n IO.File.Move(path, path); } }";
    let out = extract(src, &[]);
    let f = out.facts;
    assert_eq!(
        call(&f, "System.IO.File.WriteAllText").targets,
        vec!["System.IO.File.WriteAllText".to_string()]
    );
    call(&f, "System.IO.File.AppendAllText");
    call(&f, "System.IO.File.Delete");
    call(&f, "System.IO.File.Create");
    assert_eq!(
        call(&f, "System.IO.File.Move").targets,
        vec!["System.IO.File.Move".to_string()]
    );
}

#[test]
fn block_namespaces_and_nested_usings() {
    let src = "namespace Shop.Jobs\n{\n    using Quartz;\n    using Quartz.Impl;\n    public class Boot { public void Start() { var f = new StdSchedulerFactory(); } }\n    namespace Inner { class File { } class X { void M() { File.Delete(\"a\"); } } }\n}\n";
    let out = extract(src, &[]);
    let f = out.facts;
    find(&f, EventKind::Construct, "Quartz.Impl.StdSchedulerFactory").expect("quartz");
    call(&f, "Shop.Jobs.Inner.File.Delete");
    assert!(!has_target(&f, "System.IO.File.Delete"));
}

#[test]
fn unqualified_call_to_own_method_is_not_static_import() {
    let f = facts(
            "using static System.IO.File;\nclass C { void WriteAllText(string a, string b) {} void M() { WriteAllText(\"a\", \"b\"); } }",
        );
    assert!(!has_target(&f, "System.IO.File.WriteAllText"));
    assert!(f.calls.contains("WriteAllText"));
}

#[test]
fn local_type_shadows_import() {
    let f = facts(
            "namespace App.Storage;\npublic static class File { public static void Delete(string p) {} }\nclass C { void M() { File.Delete(\"a\"); } }",
        );
    assert!(!has_target(&f, "System.IO.File.Delete"));
    call(&f, "App.Storage.File.Delete");
}

#[test]
fn property_and_parameter_shadow_type() {
    let src = "public class Upload { public IFormFile File { get; set; } }\nclass Ctl {\n public IFormFile File { get; set; }\n void M(Stream s) { File.CopyTo(s); }\n void N(Timer Timer) { Timer.Dispose(); } }";
    let f = facts(src);
    assert!(!has_target(&f, "System.IO.File.CopyTo"));
    call(&f, "System.Threading.Timer.Dispose");
}

#[test]
fn property_in_other_class_does_not_shadow() {
    let f = facts(
            "public class Upload { public IFormFile File { get; set; } }\nclass Svc { void M(string p) { File.Delete(p); } }",
        );
    call(&f, "System.IO.File.Delete");
}

#[test]
fn receiver_types() {
    let src = "class C {\n private readonly FileInfo _info;\n void M(string p, DirectoryInfo dir) {\n var fi = new FileInfo(p);\n fi.CreateText();\n new FileInfo(p).Delete();\n FileInfo typed = Get();\n typed.MoveTo(p);\n dir.Delete(true);\n _info.AppendText();\n this._info.OpenWrite();\n } }";
    let f = facts(src);
    assert_eq!(line(src, call(&f, "System.IO.FileInfo.CreateText")), 5);
    assert_eq!(line(src, call(&f, "System.IO.FileInfo.Delete")), 6);
    call(&f, "System.IO.FileInfo.MoveTo");
    call(&f, "System.IO.DirectoryInfo.Delete");
    call(&f, "System.IO.FileInfo.AppendText");
    call(&f, "System.IO.FileInfo.OpenWrite");
    let src = "class C {\n void M(string p, DirectoryInfo root) {\n  var parent = Directory.GetParent(p);\n  parent.Delete();\n  foreach (var f in root.GetFiles(\"*.log\")) { f.Delete(); }\n  foreach (var d in new DirectoryInfo(p).EnumerateDirectories()) d.Delete(true);\n  new FileInfo(p).Directory.Delete(true);\n  var copy = new FileInfo(p).CopyTo(p + \".bak\");\n  copy.MoveTo(p);\n } }";
    let f = facts(src);
    let lines = |target: &str| -> Vec<usize> {
        f.events
            .iter()
            .filter(|e| e.targets.iter().any(|t| t == target))
            .map(|e| line(src, e))
            .collect()
    };
    assert_eq!(lines("System.IO.DirectoryInfo.Delete"), vec![4, 6, 7]);
    assert_eq!(lines("System.IO.FileInfo.Delete"), vec![5]);
    assert_eq!(lines("System.IO.FileInfo.MoveTo"), vec![9]);
}

#[test]
fn io_abstractions_file_system() {
    let src = "using System.IO.Abstractions;\nclass C {\n private readonly IFileSystem _fs;\n void M(string p, IFileSystem files) {\n  _fs.File.WriteAllText(p, \"x\");\n  files.Directory.Delete(p, true);\n  this._fs.File.Delete(p);\n  _fileSystem.File.Move(p, p);\n }\n}";
    let f = facts(src);
    assert_eq!(line(src, call(&f, "System.IO.File.WriteAllText")), 5);
    assert_eq!(line(src, call(&f, "System.IO.Directory.Delete")), 6);
    assert_eq!(line(src, call(&f, "System.IO.File.Delete")), 7);
    assert_eq!(line(src, call(&f, "System.IO.File.Move")), 8);
    // Without the import, `File` of some other file system is not `System.IO.File`.
    let f = facts("class C { void M(IFileSystem fs, string p) { fs.File.Delete(p); } }");
    assert!(!has_target(&f, "System.IO.File.Delete"));
}

#[test]
fn extension_methods_on_values() {
    let src = "using Quartz;\nvar builder = WebApplication.CreateBuilder(args);\nbuilder.Services.AddQuartz(q => { });\nclass S { void M(IServiceCollection services) { services.AddQuartz(); } }";
    let f = facts(src);
    let e = call(&f, "Quartz.AddQuartz");
    assert_eq!(line(src, e), 3);
    assert_eq!(
        f.events
            .iter()
            .filter(|e| e.targets.iter().any(|t| t == "Quartz.AddQuartz"))
            .count(),
        2
    );
    assert!(f.calls.contains("AddQuartz"));
    // A method of the receiver's own (local) type is not an extension.
    let f = facts("using Coravel;\nclass Jobs { public void UseScheduler() {} }\nclass S { void M(Jobs jobs) { jobs.UseScheduler(); } }");
    assert!(!has_target(&f, "Coravel.UseScheduler"));
    // Static calls are never extension calls.
    let f = facts("using Quartz;\nclass C { void M() { Foo.AddQuartz(); } }");
    assert!(!has_target(&f, "Quartz.AddQuartz"));
}

#[test]
fn multi_line_chain_points_at_the_call_line() {
    let src = "using Coravel;\nvar app = Build();\napp.Services\n   .UseScheduler(s => { })\n   .LogScheduledTaskProgress();\n";
    let f = facts(src);
    let e = call(&f, "Coravel.UseScheduler");
    assert_eq!(line(src, e), 4);
    let last = call(&f, "Coravel.LogScheduledTaskProgress");
    assert_eq!(last.chain, vec!["UseScheduler".to_string()]);
}

#[test]
fn constructions_and_member_args() {
    let src = "class C { void M(string path) {\n using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);\n var ro = new System.IO.FileStream(path, mode: FileMode.Open, access: FileAccess.Read);\n } }";
    let f = facts(src);
    let e = find(&f, EventKind::Construct, "System.IO.FileStream").expect("construct");
    assert_eq!(line(src, e), 2);
    assert_eq!(e.args[0], Arg::Other { path_like: true });
    assert!(
        matches!(&e.args[1], Arg::Member(c) if c.contains(&"System.IO.FileMode.Create".to_string()))
    );
    assert!(
        matches!(&e.args[2], Arg::Member(c) if c.contains(&"System.IO.FileAccess.Write".to_string()))
    );
    let ro = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Construct)
        .nth(1)
        .expect("second construct");
    assert_eq!(ro.targets, vec!["System.IO.FileStream".to_string()]);
    assert!(
        matches!(&ro.args[2], Arg::Member(c) if c.contains(&"System.IO.FileAccess.Read".to_string()))
    );
}

#[test]
fn factory_return_types() {
    let src = "using System.Xml.Linq;\nusing SixLabors.ImageSharp;\nclass C { async Task M(string path, Stream s) {\n var doc = XDocument.Load(path);\n doc.Save(path);\n using var image = await Image.LoadAsync(s);\n await image.SaveAsync(path);\n var n = int.Parse(\"1\");\n } }";
    let f = facts(src);
    call(&f, "System.Xml.Linq.XDocument.Save");
    call(&f, "SixLabors.ImageSharp.Image.SaveAsync");
    call(&f, "SixLabors.ImageSharp.SaveAsync");
}

#[test]
fn options_object_args() {
    let f = facts("class C { void M(string path) { using var fs = new FileStream(path, new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write }); } }");
    let e = find(&f, EventKind::Construct, "System.IO.FileStream").expect("construct");
    assert!(matches!(&e.args[1], Arg::Member(c)
            if c.contains(&"System.IO.FileMode.Append".to_string())
                && c.contains(&"System.IO.FileAccess.Write".to_string())));
}

#[test]
fn target_typed_new() {
    let src = "class C {\n private Timer? _timer;\n private readonly PeriodicTimer _p = new(TimeSpan.FromSeconds(1));\n void Start() {\n _timer = new(Tick, null, 0, 1000);\n System.Timers.Timer t = new(1000);\n Foo(new());\n } }";
    let f = facts(src);
    let e = find(&f, EventKind::Construct, "System.Threading.Timer").expect("timer");
    assert_eq!(line(src, e), 5);
    let p = find(&f, EventKind::Construct, "System.Threading.PeriodicTimer").expect("periodic");
    assert_eq!(line(src, p), 3);
    find(&f, EventKind::Construct, "System.Timers.Timer").expect("timers");
    assert_eq!(
        f.events
            .iter()
            .filter(|e| e.kind == EventKind::Construct)
            .count(),
        3
    );
}

#[test]
fn base_types_and_attributes() {
    let src = "using Microsoft.Extensions.Hosting;\nnamespace N {\n public class W : BackgroundService, IDisposable { }\n record R(int X) : Base(X);\n [ApiController]\n public class Ctl { [HttpPost(\"upload\")] public void Up() {} } }";
    let f = facts(src);
    let e = find(
        &f,
        EventKind::Subclass,
        "Microsoft.Extensions.Hosting.BackgroundService",
    )
    .expect("subclass");
    assert_eq!(line(src, e), 3);
    find(&f, EventKind::Subclass, "System.IDisposable").expect("interface");
    find(&f, EventKind::Subclass, "N.Base").expect("primary ctor base");
    let a = find(
        &f,
        EventKind::Annotation,
        "Microsoft.Extensions.Hosting.HttpPostAttribute",
    )
    .expect("attribute");
    assert_eq!(a.args, vec![Arg::Str("upload".into())]);
}

#[test]
fn unbounded_loops() {
    let src = r#"class W {
 async Task Run(CancellationToken ct, PeriodicTimer timer) {
  while (!ct.IsCancellationRequested) { await Task.Delay(1000, ct); }
  while (true) Thread.Sleep(10);
  for (;;) { await Task.Delay(100); }
  do { await Task.Delay(2); } while (running);
  while (await timer.WaitForNextTickAsync(ct)) { File.Delete("x"); }
  for (var i = 0; i < 3; i++) { await Task.Delay(3); }
  while (queue.TryDequeue(out var item)) { await Task.Delay(4); }
  while (x != null) { await Task.Delay(5); }
  while (true) { Task.Run(async () => { await Task.Delay(6); }); }
  while (!File.Exists(p) && _running) { Thread.Sleep(7); }
  while (!ct.IsCancellationRequested && _running) { Thread.Sleep(8); }
  while (HasPendingExecutions) { Thread.Sleep(9); }
  while (!_disposed) { Thread.Sleep(10); }
 }
}"#;
    let f = facts(src);
    let delays: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| {
            e.targets.iter().any(|t| {
                t == "System.Threading.Tasks.Task.Delay" || t == "System.Threading.Thread.Sleep"
            })
        })
        .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(
        delays,
        vec![
            (3, true),
            (4, true),
            (5, true),
            (6, true),
            (8, false),
            (9, false),
            (10, false),
            (11, false),
            (12, false),
            (13, true),
            (14, false),
            (15, true)
        ]
    );
    let delete = call(&f, "System.IO.File.Delete");
    assert!(delete.context.contains(&Context::UnboundedLoop));
    let run = call(&f, "System.Threading.Tasks.Task.Run");
    assert!(run.context.contains(&Context::UnboundedLoop));
}

#[test]
fn streaming_loops_are_not_jobs() {
    let src = r#"class C {
 async IAsyncEnumerable<string> Lines() { while (true) { yield return "x"; await Task.Delay(1); } }
 async Task Sse(HttpContext context, CancellationToken ct) {
  while (!ct.IsCancellationRequested) { await context.Response.WriteAsync("data: x\n\n"); await Task.Delay(2); }
  while (!ct.IsCancellationRequested) { await Response.Body.FlushAsync(); await Task.Delay(3); }
 }
 async Task Tick(CancellationToken ct) {
  while (!ct.IsCancellationRequested) { await Task.Delay(4); }
 }
 async Task LongPoll(HttpContext context, CancellationToken ct) {
  await context.Response.Body.FlushAsync(ct);
  while (!ct.IsCancellationRequested) { await Task.Delay(5); await Ping(ct); }
 }
}"#;
    let f = facts(src);
    let loops: Vec<bool> = f
        .events
        .iter()
        .filter(|e| {
            e.targets
                .iter()
                .any(|t| t == "System.Threading.Tasks.Task.Delay")
        })
        .map(|e| e.context.contains(&Context::UnboundedLoop))
        .collect();
    assert_eq!(loops, vec![false, false, false, true, false]);
}

#[test]
fn per_instance_and_guard_contexts() {
    let src = r#"class HeartbeatHostedService {
 async Task Run(CancellationToken ct) { while (!ct.IsCancellationRequested) { await Task.Delay(1); } }
}
class Jobs {
 private Timer _healthTimer;
 private Timer _jobTimer;
 void Start() {
  _healthTimer = new Timer(_ => { }, null, 0, 1);
  _jobTimer = new Timer(SendReminders, null, 0, 1);
  var t = new Timer(ReportMetrics, null, 0, 1);
 }
 async Task Loop(CancellationToken ct) {
  if (!_options.IsLeader) return;
  while (true) { await Task.Delay(2); }
 }
 async Task Other(CancellationToken ct) {
  if (await _lock.TryAcquireAsync(ct)) { while (true) { await Task.Delay(3); } }
  while (true) { await Task.Delay(4); }
 }
}"#;
    let f = facts(src);
    let ctx: Vec<(usize, bool, bool)> = f
        .events
        .iter()
        .filter(|e| {
            e.targets
                .iter()
                .any(|t| t == "System.Threading.Tasks.Task.Delay" || t == "System.Threading.Timer")
        })
        .map(|e| {
            (
                line(src, e),
                e.context.contains(&Context::PerInstance),
                e.context.contains(&Context::SingleInstanceGuard),
            )
        })
        .collect();
    assert_eq!(
        ctx,
        vec![
            (2, true, false),
            (8, true, false),
            (9, false, false),
            (10, true, false),
            (14, false, true),
            (17, false, true),
            (18, false, false),
        ]
    );
}

#[test]
fn one_shot_timers() {
    let src = r#"class C {
 private Timer _poll;
 private Timer _again;
 void M(CancellationTokenSource cts) {
  var timeout = new Timer(_ => cts.Cancel(), null, TimeSpan.FromSeconds(30), Timeout.Infinite);
  _poll = new Timer(Poll, null, Timeout.Infinite, Timeout.Infinite);
  _again = new Timer(Tick, null, 1000, Timeout.Infinite);
  var every = new Timer(Tick, null, 0, 5000);
  var once = new System.Timers.Timer(1000) { AutoReset = false };
  var later = new Timer(Tick);
  var scheduled = new Timer(Fire, null, Timeout.Infinite, Timeout.Infinite);
  scheduled.Change(TimeSpan.FromHours(1), Timeout.InfiniteTimeSpan);
 }
 void Start() { _poll.Change(TimeSpan.Zero, TimeSpan.FromMinutes(1)); }
 void Tick(object s) { _again.Change(1000, Timeout.Infinite); }
}"#;
    let f = facts(src);
    let once: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Construct)
        .map(|e| (line(src, e), e.context.contains(&Context::SelfCancelling)))
        .collect();
    assert_eq!(
        once,
        vec![
            (5, true),
            (6, false),
            (7, false),
            (8, false),
            (9, true),
            (10, true),
            (11, true)
        ]
    );
}

#[test]
fn one_shot_timer_forms() {
    let src = r#"class Watch {
 private Timer _kill;
 private System.Timers.Timer _debounce;
 private System.Timers.Timer _paused;
 void Arm(int ms) {
  _kill = new Timer(static s => ((Watch)s).Kill(), this, ms, Timeout.Infinite);
  _kill.Change(ms, Timeout.Infinite);
  var a = new Timer(Tick, null, 100, TimeSpan.FromMilliseconds(-1));
  var b = new Timer(Tick, null, 100, TimeSpan.Zero);
  var c = new Timer(Tick, null, 100, 0);
  _debounce = new System.Timers.Timer(500);
  _debounce.Elapsed += OnDebounce;
  _paused = new System.Timers.Timer(500);
  _paused.Elapsed += OnPaused;
 }
 void OnDebounce(object s, System.Timers.ElapsedEventArgs e) { _debounce.Stop(); }
 void OnPaused(object s, System.Timers.ElapsedEventArgs e) { _paused.Stop(); Work(); _paused.Start(); }
}
class NightlyTrigger {
 void Arm(TimeSpan due) { var t = new Timer(Tick, null, due, Timeout.InfiniteTimeSpan); }
}"#;
    let f = facts(src);
    let once: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| {
            e.kind == EventKind::Construct && e.targets.iter().any(|t| t.ends_with("Timer"))
        })
        .map(|e| (line(src, e), e.context.contains(&Context::SelfCancelling)))
        .collect();
    assert_eq!(
        once,
        vec![
            (6, true),
            (8, true),
            (9, true),
            (10, true),
            (11, true),
            (13, false),
            (20, false)
        ]
    );
}

#[test]
fn per_connection_objects_are_per_instance() {
    let src = "class OrderFeedSubscription { async Task Run(CancellationToken ct) { using var t = new PeriodicTimer(TimeSpan.FromSeconds(5)); } }\nclass SessionSweeper { void S() { var t = new System.Timers.Timer(1000); } }";
    let f = facts(src);
    let per: Vec<bool> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Construct)
        .map(|e| e.context.contains(&Context::PerInstance))
        .collect();
    assert_eq!(per, vec![true, false]);
}

#[test]
fn keep_alive_timers_are_per_instance() {
    let src = "class L { private System.Timers.Timer _keepAlive; void S() { _keepAlive = new System.Timers.Timer(1000); } }";
    let f = facts(src);
    let timer = find(&f, EventKind::Construct, "System.Timers.Timer").unwrap();
    assert!(timer.context.contains(&Context::PerInstance));
}

#[test]
fn waits_restarts_and_queue_consumers_are_not_jobs() {
    let src = r#"class W {
 async Task A(CancellationToken t) {
  while (true) {
   while (api.IsThrottled) { await Task.Delay(1000, t); }
   await Task.Delay(5000, t);
  }
 }
 void B() { bool restart; do { restart = Run(); Thread.Sleep(100); } while (restart); }
 async Task C(CancellationToken t) {
  while (!t.IsCancellationRequested) {
   var m = await _queue.GetNextAsync(t);
   if (m == null) { await Task.Delay(1000, t); }
  }
 }
 async Task D(CancellationToken t) {
  while (!t.IsCancellationRequested) { var m = await client.ReceiveMessageAsync(); await Task.Delay(10, t); }
 }
}"#;
    let f = facts(src);
    let loops: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| {
            e.kind == EventKind::Call
                && e.targets
                    .iter()
                    .any(|t| t.ends_with("Delay") || t.ends_with("Sleep"))
        })
        .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(
        loops,
        vec![(4, false), (5, true), (8, false), (12, false), (16, false)]
    );
}

#[test]
fn spin_waits_are_not_periods() {
    let src = "class W {\n void M() {\n  while (true) {\n   if (!Interlocked.CompareExchange(ref _busy, 1, 0) == 0) { Thread.Sleep(0); continue; }\n   Thread.Sleep(1);\n   Thread.Sleep(1000);\n  }\n }\n}";
    let f = facts(src);
    let loops: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| method_is(&e.targets, &["Sleep"]))
        .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(loops, vec![(4, false), (5, false), (6, true)]);
}

#[test]
fn loops_that_return_on_a_state_wait() {
    let src = r#"class W {
 async Task<int> WaitReady(CancellationToken ct) {
  while (true) {
   var status = await Poll(ct);
   if (status == 3) return status;
   await Task.Delay(500, ct);
  }
 }
 async Task Run(CancellationToken ct) {
  while (true) {
   if (ct.IsCancellationRequested) return;
   try { await Work(); } catch (Exception) { break; }
   foreach (var x in items) { if (x == null) break; }
   await Task.Delay(1000, ct);
  }
 }
 async Task Read(CancellationToken ct) {
  while (true) {
   n += await s.ReadAsync(buf, ct);
   if (StopReading(n)) break;
   await Task.Delay(50, ct);
  }
 }
}"#;
    let f = facts(src);
    let loops: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| method_is(&e.targets, &["Delay"]))
        .map(|e| (line(src, e), e.context.contains(&Context::UnboundedLoop)))
        .collect();
    assert_eq!(loops, vec![(6, false), (14, true), (21, false)]);
}

#[test]
fn aspire_app_hosts_are_tooling() {
    let host = extract(
            "using Aspire.Hosting;\nvar b = DistributedApplication.CreateBuilder(args);\nFile.WriteAllText(\"a\", \"b\");\n",
            &implicit(),
        );
    assert!(host.facts.file_context.contains(&Context::Tooling));
    let implicit_host = extract(
        "File.WriteAllText(\"a\", \"b\");\n",
        &["System.IO".to_string(), "Aspire.Hosting".to_string()],
    );
    assert!(implicit_host.facts.file_context.contains(&Context::Tooling));
    let build = extract(
        "using Nuke.Common;\nclass Build : NukeBuild { void M() { File.Delete(\"a\"); } }\n",
        &implicit(),
    );
    assert!(build.facts.file_context.contains(&Context::Tooling));
    let cli = extract(
            "using System.CommandLine;\nclass Export { void Run(string p) { File.WriteAllText(p, \"\"); } }\n",
            &implicit(),
        );
    assert!(cli.facts.file_context.contains(&Context::Tooling));
    let service = extract(
        "using Aspire.StackExchange.Redis;\nclass C {}\n",
        &implicit(),
    );
    assert!(!service.facts.file_context.contains(&Context::Tooling));
}

#[test]
fn newer_syntax_and_conditional_compilation_parse() {
    let src = r#"static class Ext
{
    extension(Uri uri)
    {
        public bool IsLocal => uri.IsLoopback;
    }
}
class C
{
    void M(Dictionary<Type, int> cache, Type type, MethodInfo method, Order? order)
    {
        var next = new Dictionary<Type, int>(cache) { [type] = 1 };
        var names = method != null ? [method] : new List<MethodInfo>();
        bool async = names.Count > 0;
        var required = new List<string>();
        required.Add("id");
        var loaded = async ? Load() : null;
        if (async) { required = null; }
        Save(loaded, async: async);
        var run = async () => await Task.Yield();
        var empty = $"";
        var any = names is [..] && names is [.., var last] && names is [var first, ..];
        order?.Status = "paid";
        var builder = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json")
#if DEBUG
            .AddJsonFile("appsettings.Development.json")
#endif
            .Build();
        try { Run(); }
#if NETFRAMEWORK
        catch (ThreadAbortException) { }
#else
        catch (OperationCanceledException) { }
#endif
        File.Delete("x");
    }
}"#;
    let out = extract(src, &implicit());
    assert!(
        out.syntax_error.is_none(),
        "{:?}",
        out.syntax_error.map(|e| e.offset)
    );
    let f = out.facts;
    let delete = call(&f, "System.IO.File.Delete");
    assert_eq!(line(src, delete), 36);
    // Alternatives that only parse one at a time: the first branch is read.
    let alt = "class D {\n#if NET8_0\n void M() {\n#else\n void N() {\n#endif\n  File.Delete(\"y\");\n }\n}\n";
    let out = extract(alt, &implicit());
    assert!(out.syntax_error.is_none());
    assert!(has_target(&out.facts, "System.IO.File.Delete"));
    // File-based apps.
    let app = "#!/usr/bin/env dotnet\n#:package Humanizer@2.14.1\nFile.Delete(\"z\");\n";
    let out = extract(app, &implicit());
    assert!(out.syntax_error.is_none());
    assert!(has_target(&out.facts, "System.IO.File.Delete"));
    // A `#endregion` after a file-scoped namespace's last type; `async` before `+`.
    let regions = "namespace N;\n#region A\nclass C {\n string M(string async) => async + \" \";\n object O(object m) { if (m is Exception or) return or.Message; return m is A or B and not C; }\n void W() { File.Delete(\"z\"); }\n}\n#endregion\n";
    let out = extract(regions, &implicit());
    assert!(out.syntax_error.is_none());
    assert!(has_target(&out.facts, "System.IO.File.Delete"));
}

#[test]
fn temp_paths_from_assignments_names_and_classes() {
    let src = r#"class Store {
 void M(string dir) {
  string p;
  p = Path.Combine(Path.GetTempPath(), "x");
  File.Delete(p);
  File.WriteAllText(Path.Combine(dir, $"{Guid.NewGuid()}.tmp"), "");
  File.WriteAllText(Path.Combine(dir, "orders.json"), "");
 }
}
class TempBlob { string FilePath; void Dispose() { File.Delete(FilePath); } }
class Zipper {
 void Run(string tmpPath, string keep) { Write(tmpPath, keep); Write(Path.GetTempFileName(), keep); }
 void Write(string target, string other) { File.WriteAllText(target, ""); File.WriteAllText(other, ""); }
}"#;
    let f = facts(src);
    let temp: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| e.targets.iter().any(|t| t.starts_with("System.IO.File.")))
        .map(|e| (line(src, e), matches!(e.args.first(), Some(Arg::TempPath))))
        .collect();
    assert_eq!(
        temp,
        vec![
            (5, true),
            (6, true),
            (7, false),
            (10, true),
            (13, true),
            (13, false)
        ]
    );
    let f = facts("class D { void M() { var c = new SqliteConnection($\"Data Source={Path.Combine(Path.GetTempPath(), \"a.db\")}\"); var d = new SqliteConnection($\"Data Source={dir}/a.db\"); } }");
    let temp: Vec<bool> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Construct)
        .map(|e| matches!(e.args.first(), Some(Arg::TempPath)))
        .collect();
    assert_eq!(temp, vec![true, false]);
}

#[test]
fn spawned_loop() {
    let src = "class C { void Start() {\n _ = Task.Run(async () => {\n while (true) {\n await Task.Delay(TimeSpan.FromMinutes(1));\n } }); } }";
    let f = facts(src);
    let d = call(&f, "System.Threading.Tasks.Task.Delay");
    assert!(d.context.contains(&Context::UnboundedLoop));
    assert!(d.context.contains(&Context::Spawned));
    let src = "class C { void Start() { var t = new Thread(() => { while (true) { Thread.Sleep(100); } }); } }";
    let f = facts(src);
    assert!(call(&f, "System.Threading.Thread.Sleep")
        .context
        .contains(&Context::Spawned));
}

#[test]
fn retry_contexts() {
    let src = r#"class C {
 async Task M() {
  while (true) {
   try { await Send(); break; }
   catch (HttpRequestException ex) { await Task.Delay(1000); }
  }
  while (true) {
   if (attempt > 3) { await Task.Delay(5); }
   await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt)));
   await Task.Delay(7);
  }
 }
}"#;
    let f = facts(src);
    let ctx: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| {
            e.targets
                .iter()
                .any(|t| t == "System.Threading.Tasks.Task.Delay")
        })
        .map(|e| (line(src, e), e.context.contains(&Context::Retry)))
        .collect();
    assert_eq!(ctx, vec![(5, true), (8, true), (9, true), (10, false)]);
}

#[test]
fn test_contexts() {
    let f = facts("using Xunit;\nclass T { void M() { File.Delete(\"a\"); } }");
    assert!(f.file_context.contains(&Context::Test));
    let src = "class T {\n [Fact]\n public void M() { File.Delete(\"a\"); }\n void N() { File.Delete(\"b\"); } }";
    let f = facts(src);
    let events: Vec<bool> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Call)
        .map(|e| e.context.contains(&Context::Test))
        .collect();
    assert_eq!(events, vec![true, false]);
    assert!(f.file_context.is_empty());
    let f = facts("namespace Shop.Api.IntegrationTests.Probing;\nclass P { void M() { File.Delete(\"a\"); } }");
    assert!(f.file_context.contains(&Context::Test));
    let f = facts("namespace Contest.Latest;\nclass P { void M() { File.Delete(\"a\"); } }");
    assert!(f.file_context.is_empty());
    let f = facts("[TestClass]\nclass T { void M() { File.Delete(\"a\"); } }");
    assert!(call(&f, "System.IO.File.Delete")
        .context
        .contains(&Context::Test));
}

#[test]
fn client_ui_files() {
    let f = facts("using Microsoft.Maui.Controls;\nclass P : ContentPage { void M() { File.WriteAllText(\"a\", \"b\"); } }");
    assert!(f.file_context.contains(&Context::ClientSide));
    let f = facts("using System.Windows.Forms;\nclass F { }");
    assert!(f.file_context.contains(&Context::ClientSide));
    let f = facts("using Unosquare.Labs;\nusing System.Windowsy;\nclass F { }");
    assert!(f.file_context.is_empty());
}

#[test]
fn strings() {
    let src = r#"class C { void M() {
 var a = @"C:\data\""x""";
 var b = $"no holes";
 var c = $"{x}/y";
 var d = """raw "text" """;
 var e = "esc\"aped\\";
 var props = new NameValueCollection { ["quartz.jobStore.clustered"] = "true" };
} }"#;
    let f = facts(src);
    for s in [
        r#"C:\data\"x""#,
        "no holes",
        r#"raw "text" "#,
        r#"esc"aped\"#,
        "quartz.jobStore.clustered",
        "true",
    ] {
        assert!(f.strings.contains(s), "{s:?} missing from {:?}", f.strings);
    }
    assert_eq!(f.strings.len(), 6);
}

#[test]
fn path_like_args() {
    let src = r#"class C {
 private readonly string _uploadRoot;
 private readonly string _logDir;
 void M(string name, Stream body, MemoryStream ms, IFormFile file, Options o) {
  var target = Path.Combine(_uploadRoot, name);
  var csv = $"{name}.csv";
  string other = name;
  Helper.Use(name, target, csv, other, _logDir, body, ms, file, o.FilePath, $"{name}/x", "a" + name, Path.Join("a", name), fileStream, string.Format("{0}.txt", name));
 }
}"#;
    let f = facts(src);
    let e = f
        .events
        .iter()
        .find(|e| e.targets.iter().any(|t| t == "System.Helper.Use"))
        .expect("Use call");
    let path_like: Vec<bool> = e
        .args
        .iter()
        .map(|a| matches!(a, Arg::Other { path_like: true } | Arg::Str(_)))
        .collect();
    // The first argument, declared `string`, counts (`image.Save(destination)`); later
    // ones only by name or initialiser.
    assert_eq!(
        path_like,
        vec![
            true, true, true, false, true, false, false, false, true, true, true, true, false, true
        ]
    );
}

#[test]
fn temp_paths() {
    let src = "class C { void M(string s, Options o) {\n var tmp = Path.GetTempFileName();\n File.WriteAllText(tmp, s);\n File.WriteAllText(Path.Combine(Path.GetTempPath(), \"x.txt\"), s);\n File.WriteAllText(\"x.txt\", s);\n var scratch = tmp + \".bak\";\n File.WriteAllText(scratch, s);\n File.WriteAllText(tempFile, s);\n File.WriteAllText(o.TempDirectory, s);\n File.WriteAllText(templatePath, s);\n File.WriteAllText(Path.Combine(o.Root, name), s);\n } }";
    let f = facts(src);
    let writes: Vec<&Arg> = f
        .events
        .iter()
        .filter(|e| e.targets.iter().any(|t| t == "System.IO.File.WriteAllText"))
        .map(|e| &e.args[0])
        .collect();
    assert_eq!(
        writes,
        vec![
            &Arg::TempPath,
            &Arg::TempPath,
            &Arg::Str("x.txt".into()),
            &Arg::TempPath,
            &Arg::TempPath,
            &Arg::TempPath,
            &Arg::Other { path_like: true },
            &Arg::Other { path_like: true },
        ]
    );
}

#[test]
fn conditional_access_and_generic_calls() {
    let f = facts("using Quartz;\nclass C { void M(IServiceCollection? s, Timer? t) { s?.AddQuartz(); t?.Change(1, 2); s.AddSingleton<IFoo>(); } }");
    call(&f, "Quartz.AddQuartz");
    call(&f, "System.Threading.Timer.Change");
    call(&f, "Quartz.AddSingleton");
    assert!(f.calls.contains("AddSingleton<IFoo>"));
    assert!(f.calls.contains("AddSingleton"));
}

#[test]
fn lambda_params_and_locals_are_values() {
    let f = facts("class C { void M() { Do(File => File.Delete()); foreach (var Path in xs) { Path.Combine(); } } }");
    assert!(!has_target(&f, "System.IO.File.Delete"));
    assert!(!has_target(&f, "System.IO.Path.Combine"));
}

#[test]
fn syntax_error_keeps_facts() {
    let src = "class C { void M() { File.Delete(\"a\"); } void N( { } \nclass D { void M() { File.Move(\"a\", \"b\"); } }";
    let out = extract(src, &implicit());
    assert!(out.syntax_error.is_some());
    call(&out.facts, "System.IO.File.Delete");
}

#[test]
fn deep_nesting_does_not_overflow() {
    // The walk stops at MAX_DEPTH levels; in a debug build each level takes a few
    // kilobytes of stack, more than a test thread's 2 MiB. The CLI's workers and the
    // language server give the parsers 64 MiB; 8 MiB (a main thread's) is checked here.
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(|| {
            let depth = 5000;
            let src = format!(
                "class C {{ void M() {{ var x = {}1{}; {} }} }}",
                "(".repeat(depth),
                ")".repeat(depth),
                "{".repeat(depth) + &"}".repeat(depth)
            );
            let _ = extract(&src, &implicit());
            let calls = format!("class C {{ void M() {{ a{} }} }}", ".B()".repeat(depth));
            let _ = extract(&calls, &implicit());
            let parents = format!(
                "class C {{ void M(DirectoryInfo d) {{ d{}.Delete(); }} }}",
                ".Parent".repeat(depth)
            );
            let _ = extract(&parents, &implicit());
            let concat = format!(
                "class C {{ void M() {{ File.WriteAllText(\"a\"{}, s); }} }}",
                " + x".repeat(depth)
            );
            let _ = extract(&concat, &implicit());
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn symbol_table_of_types_methods_and_subcommands() {
    let src = r#"using System.IO;
if (args.Length > 0 && args[0] == "backup") { Backup.Run(); return; }
builder.Services.AddHostedService<Worker>();
app.Run();
[ApiController]
public class FilesController : ControllerBase {
    public FilesController(IStore store) { _store = store; }
    [HttpPost] public IActionResult Upload() { Save(); return Ok(); }
    public void Other() => Helper();
    private void Save() { File.WriteAllText("a", "b"); }
}
public class Worker : BackgroundService {
    protected override async Task ExecuteAsync(CancellationToken t) { await Tick(); }
    private Task Tick() { int Local() => 1; return Task.CompletedTask; }
    private void Unused() { }
}
static class Program {
    static void Main(string[] args) { switch (args[0]) { case "export": Export(); break; case "serve": Serve(); break; } }
}
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Main <- None: AddHostedService Length Run Services Worker app args builder new Worker",
            " Subcommand <- Some(0): Backup Backup::Run",
            "FilesController Entry exported <- Some(0): ApiController ControllerBase",
            // The constructor is a definition of its own, reached where the type is built.
            "FilesController.new FilesController Plain exported <- Some(2): IStore _store new ControllerBase store",
            "FilesController.Upload Entry exported <- Some(2): FilesController::Save HttpPost IActionResult Ok",
            "FilesController.Other Entry exported <- Some(2): Helper",
            "FilesController.Save Plain <- Some(2): File File::WriteAllText",
            // Without a constructor of its own, the class runs its base's.
            "Worker Entry exported <- Some(0): BackgroundService new BackgroundService",
            "Worker.ExecuteAsync Member <- Some(7): CancellationToken Task Worker::Tick t",
            "Worker.Tick Plain <- Some(7): Task Task::CompletedTask",
            "Local Plain <- Some(9): ",
            "Worker.Unused Plain <- Some(7): ",
            "Program Plain <- Some(0): ",
            "Program.Main Main <- Some(12): Serve args",
            " Subcommand <- Some(13): Export",
        ]
    );
}

#[test]
fn instance_paths_need_strong_evidence() {
    let src = r#"class Renderer {
 IAppPaths _paths;
 string _root;
 string CachePath => Path.Combine(_root, "store-id.txt");
 void M(string cachePath, string dataDir) {
  File.WriteAllText(Path.Combine(_paths.CachePath, "omdb", "a.json"), "");
  File.WriteAllText(cachePath, "");
  File.WriteAllText(GetSubtitleCachePath(1), "");
  File.WriteAllText(Path.Combine(_config.Paths.CachePath, "x"), "");
  File.WriteAllText(Path.Combine(dataDir, "cache", "x"), "");
  File.WriteAllText(Path.Combine(_paths.CachePath, "uploads"), "");
  File.WriteAllText(Path.Combine(_paths.LogPath, "a.log"), "");
  File.WriteAllText(CachePath, "");
  var target = Path.Combine(_paths.CachePath, $"{id}.webp");
  File.WriteAllText(target, "");
 }
}"#;
    let f = facts(src);
    let instance: Vec<(usize, bool)> = f
        .events
        .iter()
        .filter(|e| e.targets.iter().any(|t| t == "System.IO.File.WriteAllText"))
        .map(|e| (line(src, e), e.args[0] == Arg::InstancePath))
        .collect();
    // A member (`_paths.CachePath`, not the `_config` it is read from) and a path getter are
    // strong; a parameter's name, `data`, `uploads`, a log file and a property whose value
    // is not a cache are not.
    assert_eq!(
        instance,
        vec![
            (6, true),
            (7, false),
            (8, true),
            (9, true),
            (10, false),
            (11, false),
            (12, false),
            (13, false),
            (15, true)
        ]
    );
}

/// Line and temp-ness of the first argument of each `System.IO.File.*` call.
fn file_call_temps(src: &str) -> Vec<(usize, bool)> {
    facts(src)
        .events
        .iter()
        .filter(|e| e.targets.iter().any(|t| t.starts_with("System.IO.File")))
        .map(|e| (line(src, e), matches!(e.args.first(), Some(Arg::TempPath))))
        .collect()
}

#[test]
fn temp_paths_through_fields_and_returns() {
    let src = r#"class Render {
 string _work;
 string _keep = "App_Data";
 void Page(byte[] b) { File.WriteAllBytes(Path.Combine(_work, "p"), b); File.WriteAllBytes(Path.Combine(_keep, "p"), b); }
 Render() { _work = Path.Combine(Path.GetTempPath(), "render"); }
 void Stage(byte[] b) { File.WriteAllBytes(Spool(), b); File.WriteAllBytes(Mixed(true), b); File.WriteAllBytes(CreateTempFile(), b); }
 static string Spool() { var n = "x"; return Path.Combine(Path.GetTempPath(), n); }
 static string Mixed(bool t) { if (t) return Path.GetTempFileName(); return "App_Data/x"; }
}"#;
    assert_eq!(
        file_call_temps(src),
        vec![(4, true), (4, false), (6, true), (6, false), (6, true)]
    );
}

#[test]
fn files_created_and_deleted_in_one_method_are_scratch() {
    let src = r#"class Probe {
 bool CanWrite(string dir) {
  var probe = Path.Combine(dir, "probe");
  try { File.WriteAllText(probe, ""); return true; }
  finally { File.Delete(probe); }
 }
 void Replace(string dir, string s) {
  var p = Path.Combine(dir, "a.json");
  File.Delete(p);
  File.WriteAllText(p, s);
 }
 void Other(string dir) { File.Delete(Path.Combine(dir, "probe")); }
 async Task Download(string target) {
  var part = target + ".part";
  try {
   using (var fs = new FileStream(part, FileMode.Create)) { }
   File.Move(part, target);
  } finally { File.Delete(part); }
 }
 void Thumb(string original) { var tmpCopy = Path.GetTempFileName(); File.Copy(original, tmpCopy, true); File.Copy(original, "App_Data/copy.png"); }
 void Resize(string dest, byte[] b) { try { File.WriteAllBytes(dest, b); } catch { File.Delete(dest); throw; } }
 void Rename(string root, string current) { var tempPath = Path.Combine(root, "x"); current = tempPath; }
 void Keep(string current, string s) { File.WriteAllText(current, s); }
}"#;
    assert_eq!(
        file_call_temps(src),
        vec![
            (4, true),
            (5, true),
            (9, false),
            (10, false),
            (12, false),
            (16, false),
            (17, false),
            (18, true),
            (20, true),
            (20, false),
            (21, false),
            (21, true),
            (23, false),
        ]
    );
}

#[test]
fn downloads_and_file_infos_take_part_in_scratch_flow() {
    let src = r#"class Packages {
 async Task Install(string root, Uri url) {
  var folder = Path.Combine(root, "plugins", "p");
  var zip = folder + ".zip";
  if (File.Exists(zip)) File.Delete(zip);
  await DownloadArchiveAsync(url, zip);
  ZipFile.ExtractToDirectory(zip, folder);
  File.Delete(zip);
 }
 void Import(string dir, byte[] b) {
  var path = Path.Combine(dir, "in.nupkg");
  try { File.WriteAllBytes(path, b); }
  finally { var info = new FileInfo(path); if (info.Exists) info.Delete(); }
 }
 void Keep(string dir, byte[] b) {
  var kept = Path.Combine(dir, "keep.bin");
  File.WriteAllBytes(kept, b);
  new FileInfo(kept).MoveTo(Path.Combine(dir, "final.bin"));
  new FileInfo(Path.Combine(Path.GetTempPath(), "x")).Delete();
 }
}"#;
    let f = facts(src);
    let temps: Vec<(usize, String, bool)> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Call)
        .filter_map(|e| {
            let name = e.targets[0].rsplit('.').next().unwrap_or("").to_string();
            let changes = ["Delete", "ExtractToDirectory", "WriteAllBytes", "MoveTo"];
            changes.contains(&name.as_str()).then(|| {
                (
                    line(src, e),
                    name,
                    matches!(e.args.first(), Some(Arg::TempPath)),
                )
            })
        })
        .collect();
    let expected: Vec<(usize, String, bool)> = [
        // The leftover of an earlier download, the download's archive deleted after its
        // extraction: scratch; the extraction into the plugins folder is not.
        (5, "Delete", true),
        (7, "ExtractToDirectory", false),
        (8, "Delete", true),
        // Written and removed through a `FileInfo` built from the same path.
        (12, "WriteAllBytes", true),
        (13, "Delete", true),
        // Moved away through a `FileInfo`: kept; a `FileInfo` of a temporary path.
        (17, "WriteAllBytes", false),
        (18, "MoveTo", false),
        (19, "Delete", true),
    ]
    .into_iter()
    .map(|(l, n, t)| (l, n.to_string(), t))
    .collect();
    assert_eq!(temps, expected);
}

#[test]
fn paths_under_a_condition_about_a_temp_file_are_temp() {
    let src = r#"class Images {
 void Close(string safePath, bool isSafePathTemp, string keepPath) {
  if (isSafePathTemp) { File.Delete(safePath); } else { File.Delete(keepPath); }
  File.Delete(keepPath);
 }
}"#;
    assert_eq!(
        file_call_temps(src),
        vec![(3, true), (3, false), (4, false)]
    );
}

#[test]
fn static_collections_written_by_methods_are_collection_events() {
    let f = facts(
        r#"
class Tracker
{
    static readonly Dictionary<string, UserState> Sessions = new();
    static readonly List<string> Table = new() { "a" };
    static readonly HashSet<int> Boot;
    readonly List<string> _instance = new();
    static Tracker() { Boot = new(); Boot.Add(1); }
    public void Join(Peer peer) { Sessions[peer.Id] = new UserState(); _instance.Add("x"); }
}
"#,
    );
    let collections: Vec<(bool, &[String])> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Collection)
        .map(|e| {
            let generic = e
                .targets
                .iter()
                .any(|t| t == "System.Collections.Generic.Dictionary");
            (generic, e.words.as_slice())
        })
        .collect();
    let words = ["id", "peer", "sessions", "state", "string", "user"].map(String::from);
    assert_eq!(collections, [(true, &words[..])]);
}

#[test]
fn auto_properties_holding_collections_are_fields() {
    let f = facts(
        r#"
class Hub
{
    public static HashSet<string> Spectators { get; } = new();
    public static List<string> Unwritten { get; } = new();
}
class Rooms
{
    public Dictionary<string, Room> Open { get; } = new();
    public List<string> Assigned { get; set; }
    public void Enter(string id, Room r) { Open[id] = r; Assigned.Add(id); Hub.Spectators.Add(id); }
}
"#,
    );
    let mut found: Vec<(EventKind, Option<&str>, String)> = f
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Collection | EventKind::FieldCollection))
        .map(|e| (e.kind, e.owner.as_deref(), e.words.join(" ")))
        .collect();
    found.sort_by_key(|(_, owner, _)| owner.is_some());
    // The static one written elsewhere and the initialised instance one; not the static one
    // nothing writes, nor the property without an object of its own.
    assert_eq!(
        found,
        [
            (
                EventKind::Collection,
                None,
                "id spectators string".to_string()
            ),
            (
                EventKind::FieldCollection,
                Some("Rooms"),
                "id open room string".to_string()
            ),
        ]
    );
}

#[test]
fn instance_fields_written_by_methods_and_singleton_registrations() {
    let f = facts(
        r#"
class Tracker
{
    readonly Dictionary<string, UserState> _sessions = new();
    readonly List<string> _boot = new();
    Tracker() { _boot.Add("x"); }
    public void Join(Peer peer) { _sessions[peer.Id] = new UserState(); }
}
struct Point { List<int> _xs; void Add() { _xs.Add(1); } }
static class Setup
{
    static void Register(IServiceCollection s)
    {
        s.AddSingleton<ITracker, Tracker>();
        s.TryAddSingleton(new Codes(1));
        s.AddSingleton<IClock>(sp => new Clock());
        s.AddHostedService(typeof(Worker));
        s.addLower<Hidden>();
        b.RegisterType<Rooms>().As<IRooms>().SingleInstance();
        s.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, Pump>());
        if (settings.RelayEnabled) { s.AddHostedService<Relay>(); }
        if (env.IsDevelopment()) { s.AddSingleton<DevClock>(); }
    }
}
"#,
    );
    let fields: Vec<(Option<&str>, &[String])> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::FieldCollection)
        .map(|e| (e.owner.as_deref(), e.words.as_slice()))
        .collect();
    let words = ["id", "peer", "sessions", "state", "string", "user"].map(String::from);
    assert_eq!(fields, [(Some("Tracker"), &words[..])]);
    let (marked, registrations): (Vec<&str>, Vec<&str>) = f
        .registrations
        .iter()
        .map(String::as_str)
        .partition(|r| r.starts_with("chosen:") || r.starts_with("fixed:"));
    // A registration the settings choose is marked `chosen:`, every other `fixed:`.
    assert!(marked.contains(&"chosen:Relay") && marked.contains(&"fixed:DevClock"));
    assert!(marked.contains(&"fixed:Tracker") && !marked.contains(&"chosen:Tracker"));
    assert_eq!(
        registrations,
        [
            "AddHostedService:Relay",
            "AddHostedService:Worker",
            "AddSingleton:Clock",
            "AddSingleton:DevClock",
            "AddSingleton:IClock",
            "AddSingleton:ITracker",
            "AddSingleton:Tracker",
            "As:IRooms",
            "RegisterType:Rooms",
            "SingleInstance:Rooms",
            "Singleton:IHostedService",
            "Singleton:Pump",
            "TryAddSingleton:Codes",
        ]
    );
}

#[test]
fn timer_callbacks_and_delay_loops_carry_their_work() {
    let src = r#"class C {
 private Timer _watch;
 void Start() {
  _watch = new Timer(Watch, null, 1000, 1000);
  var audit = new Timer(_ => _repository.SaveChanges(), null, 0, 1000);
 }
 void Watch(object s) { _logger.LogDebug("watch"); if (_sessions.Count == 0) Stop(); }
 void Stop() { _watch?.Dispose(); }
 async Task Loop(CancellationToken t) {
  while (!t.IsCancellationRequested) { await _cache.RefreshAsync(); await Task.Delay(1000, t); }
 }
}"#;
    let f = facts(src);
    let timers: Vec<(Vec<String>, bool)> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Construct)
        .map(|e| {
            (
                e.work
                    .clone()
                    .unwrap_or_default()
                    .kinds
                    .into_iter()
                    .collect(),
                e.context.contains(&Context::SelfCancelling),
            )
        })
        .collect();
    assert_eq!(
        timers,
        vec![
            (vec!["logging".to_string()], true),
            (vec!["database".to_string()], false)
        ]
    );
    let delay = find(&f, EventKind::Call, "System.Threading.Tasks.Task.Delay").expect("delay");
    let work: Vec<String> = delay
        .work
        .clone()
        .unwrap_or_default()
        .kinds
        .into_iter()
        .collect();
    assert_eq!(work, ["own-cache", "waiting"]);
}

#[test]
fn wrappers_forward_parameters_and_callers_pass_shared_paths() {
    let src = r#"
namespace App;
public class DiskProvider
{
    private readonly string _root = "/srv";
    public void DeleteFile(string path) { File.Delete(path); }
    public void Move(string source, string destination)
    {
        var sourceDir = new DirectoryInfo(source);
        foreach (var file in sourceDir.EnumerateFiles())
        {
            file.CopyTo(Path.Combine(destination, file.Name), true);
        }
        sourceDir.Delete(true);
    }
    public void Own(string name) { File.Delete(Path.Combine(_root, name)); }
    public void Swap(string first, string second)
    {
        var spare = Path.Combine(_root, "swap");
        File.Copy(first, spare, true);
        File.Move(second, first, true);
    }
}
public class Settings(DiskProvider disk)
{
    private readonly string _settingsFile = Path.Combine(AppContext.BaseDirectory, "config", "settings.json");
    public void Save(string json) { disk.WriteAllText(_settingsFile, json); disk.DeleteFile(json); }
}
"#;
    let facts = facts(src);
    let forwarded = |target: &str| {
        facts
            .events
            .iter()
            .filter(|e| e.targets.first().is_some_and(|t| t.ends_with(target)))
            .map(|e| {
                e.forwarded
                    .as_ref()
                    .map(|f| (f.method.as_str(), f.params.clone()))
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        forwarded("File.Delete"),
        vec![Some(("DeleteFile", vec![0])), None]
    );
    assert_eq!(forwarded("CopyTo"), vec![Some(("Move", vec![0, 1]))]);
    assert_eq!(
        forwarded("DirectoryInfo.Delete"),
        vec![Some(("Move", vec![0]))]
    );
    assert_eq!(forwarded("DiskProvider.DeleteFile"), vec![None]);
    // A method that also works on a path of its own is not a thin wrapper.
    assert_eq!(forwarded("File.Move"), vec![None]);
    let shared: Vec<(String, usize)> = facts
        .shared_path_calls
        .iter()
        .map(|c| (c.method.clone(), c.index))
        .collect();
    assert_eq!(shared, vec![("WriteAllText".to_string(), 0)]);
}

#[test]
fn statements_of_a_body_are_direct_calls() {
    let src = r#"
public static class Program {
    public static async Task Main(string[] args) {
        await Parser.Default.ParseArguments<Options>(args).MapResult(StartApp, Fail).ConfigureAwait(false);
    }
    private static async Task StartApp(Options o) {
        var paths = CreatePaths(o);
        paths.MakeSanityCheck();
        await InitLogging<Program>(paths).ConfigureAwait(false);
        app.MapGet("/x", () => Handle());
        foreach (var p in plugins) { Load(p); }
        for (var i = 0; i < 3; i++) { Warm(i); }
        for (;;) { Tick(); }
        foreach (var job in queue.GetConsumingEnumerable()) { Work(job); }
        await foreach (var message in reader.ReadAsync()) { Relay(message); }
        while (true) { await Poll(); }
    }
}
"#;
    let defs = facts(src).definitions;
    // A loop over a finite sequence runs within the start; an endless one does not.
    assert_eq!(
        crate::frontend::symbols::describe_calls(&defs),
        [
            ": ",
            "Program: ",
            "Main: Fail MapResult ParseArguments Program::StartApp new Options",
            "StartApp: CreatePaths InitLogging Load MakeSanityCheck MapGet Warm new Program",
        ]
    );
    assert!(defs[3].refs.iter().any(|r| r == crate::reach::words::LOOP));
}

#[test]
fn a_handler_of_the_application_start_event_runs_once_per_start() {
    let src = r#"
public class Housekeeping : IHandle<ApplicationStartedEvent>, IHandle<OrderPlacedEvent> {
    public void Handle(ApplicationStartedEvent message) { Sweep(); }
    public void Handle(OrderPlacedEvent message) { Sweep(); }
    public void Note(ApplicationStartedEvent message, string text) { }
}
"#;
    let defs = facts(src).definitions;
    let start: Vec<bool> = defs.iter().skip(2).map(|d| d.start).collect();
    assert_eq!(start, [true, false, false]);
}

#[test]
fn a_callback_registered_on_the_application_start_runs_once() {
    let src = r#"
public class Startup {
    public void Configure(IApplicationBuilder app, IHostApplicationLifetime lifetime) {
        lifetime.ApplicationStarted.Register(Warm);
        lifetime.ApplicationStarted.Register(() => Prime());
        lifetime.ApplicationStopping.Register(Flush);
        tokens.Register(Cancel);
    }
}
"#;
    let defs = facts(src).definitions;
    let calls = &defs[2].calls;
    for once in ["Warm", "Prime"] {
        assert!(calls.iter().any(|c| c == once), "{once}: {calls:?}");
    }
    for later in ["Flush", "Cancel"] {
        assert!(!calls.iter().any(|c| c == later), "{later}: {calls:?}");
    }
}

#[test]
fn delay_helpers_across_files() {
    let helper = "public static class Pacing {\n  public static Task Rest(TimeSpan d, CancellationToken t) => Task.Delay(d, t);\n  public static async Task Spin(CancellationToken t) { while (true) { await Task.Delay(1000, t); } }\n}\n";
    let registered = extract(helper, &implicit()).facts.registrations;
    assert!(registered.contains("delay:Rest"));
    assert!(!registered.contains("delay:Spin"));
    let job = "class Sweeper {\n async Task Run(CancellationToken t) {\n  while (true) {\n   await _store.PurgeAsync();\n   await Pacing.Rest(TimeSpan.FromMinutes(5), t);\n   await Task.Delay(10, t);\n  }\n }\n async Task Once(CancellationToken t) { await Pacing.Rest(TimeSpan.Zero, t); }\n}\n";
    let out = extract(job, &implicit()).facts;
    let wanted: Vec<(usize, Vec<String>)> = out
        .events
        .iter()
        .filter(|e| !e.requires_any.is_empty())
        .map(|e| (line(job, e), e.requires_any.clone()))
        .collect();
    assert_eq!(wanted, [(5, vec!["delay:Rest".to_string()])]);
}

#[test]
fn cache_wrappers_across_files_and_the_words_of_a_call() {
    let wrapper = "using Microsoft.Extensions.Caching.Memory;\npublic class CacheService : ICacheService {\n  private readonly IMemoryCache _memoryCache;\n  public void Remove(string key) => _memoryCache.Remove(key);\n  public void Track(string name) { _memoryCache.Remove(\"keys:\" + name); }\n}\n";
    let registered = extract(wrapper, &implicit()).facts.registrations;
    assert!(registered.contains("evict:CacheService.Remove"));
    assert!(registered.contains("evict:ICacheService.Remove"));
    assert!(!registered.iter().any(|r| r.ends_with(".Track")));
    let service = "public class ProfileService {\n  private readonly ICacheService _cache;\n  public async Task UpdateProfile(string id) {\n    _cache.Remove(\"profile:\" + id);\n    _cache.GetOrAdd(id);\n  }\n}\n";
    let out = extract(service, &implicit()).facts;
    let wrapped: Vec<(usize, Vec<String>)> = out
        .events
        .iter()
        .filter(|e| !e.requires_any.is_empty())
        .map(|e| (line(service, e), e.requires_any.clone()))
        .collect();
    assert_eq!(
        wrapped,
        [(4, vec!["evict:ICacheService.Remove".to_string()])]
    );
    let words = &out
        .events
        .iter()
        .find(|e| line(service, e) == 4)
        .unwrap()
        .words;
    assert_eq!(words, &["profile", "service", "update"]);
}

#[test]
fn the_named_walk_visits_the_named_nodes_in_order() {
    use super::syntax::{for_each_named_node, for_each_node};
    let src = "using System.IO;\nnamespace N;\nclass A {\n  static Dictionary<string, int> _m = new();\n  void M(int x) { if (x > 1) { _m[\"k\"] = x; File.WriteAllText($\"/d/{x}.txt\", \"a\"); } }\n}\n";
    let tree =
        crate::frontend::tree::parse(&tree_sitter_c_sharp::LANGUAGE.into(), src).expect("parses");
    let (mut all, mut named) = (Vec::new(), Vec::new());
    // Skipping a subtree skips the same nodes either way.
    let flat = crate::frontend::flat::FlatTree::new(&tree);
    let skip = |n: crate::frontend::flat::Node<'_>| n.kind() != "argument_list";
    for_each_node(flat.root(), |n| {
        if n.is_named() {
            all.push(n.id());
        }
        skip(n)
    });
    for_each_named_node(flat.root(), |n| {
        named.push(n.id());
        skip(n)
    });
    assert!(named.len() > 30);
    assert_eq!(named, all);
}

#[test]
fn calls_through_a_typed_receiver_name_the_type() {
    let src = r#"public interface IStore : IDisposable { void Save(); }
public static class Ext { public static void Touch(this IStore s) { } }
public class Jobs<T> : Base, IJob where T : IStore {
    private readonly IStore _store;
    public Data.IArchive? Archive { get; set; }
    public void Run(T item, IStore other) {
        _store.Save();
        this._store.Flush();
        Archive.Create();
        item.Save();
        var copy = new Copier();
        copy.Copy();
        var list = Load();
        list.Clear();
        Tuple.Create(1, 2);
        unknown.Delete();
        Items.Remove(1);
        other.Touch();
    }
}
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: ",
            "IStore Plain exported <- Some(0): IDisposable",
            "IStore.Save Plain <- Some(1): ",
            "Ext Plain exported <- Some(0): ",
            "Ext.Touch Plain exported <- Some(3): IStore s",
            "Jobs Entry exported <- Some(0): Archive Base Data IArchive IJob IStore T _store new Base new IJob",
            "Jobs.Run Entry exported <- Some(5): Archive Clear Copier Copier::Copy Delete \
             IArchive::Create IStore IStore::Flush IStore::Save IStore::Touch Items \
             Items::Remove Load Save T Tuple Tuple::Create _store copy item list new Copier other \
             unknown",
        ]
    );
    let types: Vec<_> = defs
        .iter()
        .filter_map(|d| Some((d.name.as_str(), d.type_info.as_ref()?)))
        .map(|(n, t)| {
            let typed: Vec<String> = t
                .member_types
                .iter()
                .map(|(m, t)| format!("{m}:{t}"))
                .collect();
            format!(
                "{n}: {} / {} / {}",
                t.bases.join(" "),
                t.members.join(" "),
                typed.join(" ")
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            "IStore: IDisposable /  / ",
            "Ext:  /  / ",
            "Jobs: Base IJob / _store Archive / _store:IStore Archive:IArchive"
        ]
    );
    assert!(defs.iter().any(|d| d.name == "Touch" && d.extension));
    assert!(!defs.iter().any(|d| d.name == "Run" && d.extension));
}

#[test]
fn calls_on_a_member_of_a_typed_variable_name_the_member() {
    let src = r#"public class Downloads {
    private readonly Lazy<IStore> _lazy;
    public void Fetch(string path, Session session) {
        var info = new FileInfo(path);
        info.Directory.Create();
        new Random().Next(0, 9);
        _lazy.Value.Save();
        session.Store.Save();
        Storage.Blobs.Delete();
    }
}
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs)[2],
        "Downloads.Fetch Plain exported <- Some(1): Delete FileInfo FileInfo.Directory::Create \
         FileInfo::Directory Lazy::Value Random Random::Next Save Session Session.Store::Save \
         Session::Store Storage Storage::Blobs _lazy info new FileInfo new Random path session"
    );
}

#[test]
fn an_enum_members_name_mentions_nothing() {
    let src = r#"public enum Provider { SQLite, Postgres = Defaults.First }
public class SQLite { }
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe(&defs),
        [
            " Entry <- None: Defaults Defaults::First Provider",
            "SQLite Plain exported <- Some(0): ",
        ]
    );
}

#[test]
fn a_namespaces_name_mentions_nothing() {
    for src in [
        "namespace Shop.Download.Jobs\n{\n    public class Mirror : IMirror { }\n}\n",
        "namespace Shop.Download.Jobs;\npublic class Mirror : IMirror { }\n",
    ] {
        let defs = facts(src).definitions;
        let described = crate::frontend::symbols::describe(&defs);
        assert!(
            !described[0].contains("Download") && !described[0].contains("Shop"),
            "{described:?}"
        );
        assert!(
            described.iter().any(|d| d.contains("IMirror")),
            "{described:?}"
        );
    }
}

#[test]
fn a_hosts_configuration_lambdas_and_a_fluent_chain_run_once() {
    let src = r#"
public static class Boot {
    public static void Start() {
        new HostBuilder()
            .ConfigureServices(s => s.AddJournal())
            .ConfigureContainer(c => { c.AddLogs().AddStore(); })
            .Build();
        app.MapGet("/x", () => Handle());
        Stop();
    }
    static void Stop() { }
}
"#;
    let defs = facts(src).definitions;
    assert_eq!(
        crate::frontend::symbols::describe_calls(&defs),
        [
            ": ",
            "Boot: ",
            "Start: AddJournal AddLogs AddStore Boot::Stop HostBuilder::Build \
             HostBuilder::ConfigureContainer HostBuilder::ConfigureServices MapGet",
            "Stop: ",
        ]
    );
}

#[test]
fn paths_built_on_parameters_assume_them_temporary_and_calls_record_what_they_pass() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
public class Unpacker
{
    public void UnpackTo(Stream package, string targetFolder)
    {
        var destination = Path.Combine(targetFolder, "entry.bin");
        File.WriteAllText(destination, "x");
        _notes.WriteNote(targetFolder, "unpacked");
    }
    public void Check(Stream body)
    {
        var workFolder = Path.Combine(Path.GetTempPath(), "check");
        UnpackTo(body, workFolder);
    }
}
"#;
    let facts = facts(src);
    let write = call(&facts, "System.IO.File.WriteAllText");
    assert_eq!(
        write.assumed.as_ref().unwrap().registrations,
        ["temp-param:UnpackTo:1"]
    );
    let param = ArgSource::Param {
        function: "UnpackTo".to_string(),
        index: 1,
    };
    for flow in [
        ArgFlow::new("WriteNote", 0, param),
        ArgFlow::new("WriteNote", 1, ArgSource::Plain),
        ArgFlow::new("UnpackTo", 1, ArgSource::Temp),
    ] {
        assert!(facts.arg_flows.contains(&flow), "{flow:?}");
    }
}

#[test]
fn calls_handing_cache_folders_record_them_as_this_instances_own() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
public class Pages
{
    public string GetCachePath(int id) => Path.Combine(_paths.CachePath, id.ToString());
    public void Ensure(int id)
    {
        var folder = GetCachePath(id);
        _unpacker.UnpackPages(id, folder);
        _unpacker.RenderCover(id, Path.Combine(_paths.CachePath, "covers"));
        _unpacker.RenderCover(id, "cache/covers");
        _unpacker.RenderCover(id, Path.Combine(_paths.MediaPath, "covers"));
        _unpacker.KeepScan(id, _paths.CachedUploadsPath);
    }
}
"#;
    let facts = facts(src);
    for flow in [
        ArgFlow::new("UnpackPages", 1, ArgSource::Instance),
        ArgFlow::new("RenderCover", 1, ArgSource::Instance),
        ArgFlow::new("RenderCover", 1, ArgSource::Plain),
        // A cache word beside a word naming shared data is shared data.
        ArgFlow::new("KeepScan", 1, ArgSource::Plain),
    ] {
        assert!(facts.arg_flows.contains(&flow), "{flow:?}");
    }
}

#[test]
fn entries_listed_from_a_parameter_are_built_on_it() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
public class Staging
{
    public static void ClearTree(string root)
    {
        foreach (var child in Directory.GetDirectories(root))
            ClearTree(child);
        foreach (var other in _store.GetDirectories(root))
            ClearTree(other);
        Directory.Delete(root, true);
    }
    public static void Stage()
    {
        var installRoot = AppContext.BaseDirectory;
        var staging = Path.Combine(installRoot, "TempUpdate");
        ClearTree(staging);
        ClearTree(Path.Combine(installRoot, "Templates"));
    }
}
"#;
    let facts = facts(src);
    let param = ArgSource::Param {
        function: "ClearTree".to_string(),
        index: 0,
    };
    for flow in [
        ArgFlow::new("ClearTree", 0, param),
        // Another type's listing may return anything; `Templates` is no temporary folder.
        ArgFlow::new("ClearTree", 0, ArgSource::Plain),
        // A folder literal named as temporary.
        ArgFlow::new("ClearTree", 0, ArgSource::Temp),
    ] {
        assert!(
            facts.arg_flows.contains(&flow),
            "{flow:?}\n{:?}",
            facts.arg_flows
        );
    }
}

#[test]
fn method_groups_of_other_types_and_target_typed_constructions_are_handed() {
    let src = r#"
namespace App;
public sealed class Jobs
{
    private readonly PortableTimer _timer;
    private Ticker? _ticker;

    public Jobs(Batches batches, Func<CancellationToken, Task> job)
    {
        _timer = new(batches.RunNightlyBatch, TimeSpan.FromMinutes(1));
        _ticker = new(job, TimeSpan.FromMinutes(1));
        PortableTimer other = new(Ledger.ReconcileAccounts, TimeSpan.FromHours(1));
        TimerFactory.Create(job, null, TimeSpan.FromSeconds(5));
    }
}
"#;
    let flows: Vec<(String, Vec<String>, Vec<String>)> = facts(src)
        .forwards
        .flows
        .into_iter()
        .map(|f| {
            (
                f.slot,
                f.work.kinds.into_iter().collect(),
                f.work.callees.into_iter().collect(),
            )
        })
        .collect();
    let has = |slot: &str, callee: &str| {
        flows
            .iter()
            .any(|(s, _, c)| s == slot && c.iter().any(|c| c == callee))
    };
    assert!(has("new:PortableTimer#0", "RunNightlyBatch"), "{flows:?}");
    assert!(has("new:PortableTimer#0", "ReconcileAccounts"), "{flows:?}");
    let unknown = |slot: &str| {
        flows
            .iter()
            .any(|(s, k, _)| s == slot && k.iter().any(|k| k == crate::work::UNKNOWN))
    };
    assert!(unknown("new:Ticker#0"), "{flows:?}");
    assert!(
        unknown("TimerFactory.Create#0") || unknown("timerfactory.Create#0"),
        "{flows:?}"
    );
}

#[test]
fn timers_the_method_disposes_are_per_operation() {
    let src = "using System.Threading;\nclass E {\n async Task A() { var t = new Timer(Tick, null, 0, 5000); try { await Work(); } finally { t.Dispose(); } }\n async Task B(Task w) { using var t = new PeriodicTimer(TimeSpan.FromSeconds(5)); while (!w.IsCompleted && await t.WaitForNextTickAsync()) { await Touch(); } }\n async Task C(CancellationToken ct) { using var t = new PeriodicTimer(TimeSpan.FromSeconds(5)); while (await t.WaitForNextTickAsync(ct)) { await Touch(); } }\n protected override async Task ExecuteAsync(CancellationToken ct) { using var t = new Timer(Tick, null, 0, 5000); await Task.Delay(Timeout.Infinite, ct); }\n void D() { _t?.Dispose(); _t = new Timer(Tick, null, 0, 5000); }\n async Task F(CancellationToken ct) { using var t = new Timer(Tick, null, 0, 5000); await Task.Delay(Timeout.Infinite, ct); }\n}";
    let f = facts(src);
    let per: Vec<bool> = f
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Construct && e.targets[0].ends_with("Timer"))
        .map(|e| e.context.contains(&Context::PerOperation))
        .collect();
    assert_eq!(per, vec![true, true, false, false, false, false]);
}
