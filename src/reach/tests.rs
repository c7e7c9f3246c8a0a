use super::*;
use std::path::PathBuf;

/// A definition named `name` with `role`, nested in `parent`, referring to `refs`.
fn def(name: &str, role: Role, parent: Option<usize>, refs: &[&str]) -> Definition {
    Definition {
        name: name.to_string(),
        role,
        parent,
        refs: refs.iter().map(|r| r.to_string()).collect(),
        ..Definition::default()
    }
}

/// `definition`, exported from its file.
fn exported(definition: Definition) -> Definition {
    Definition {
        exported: true,
        ..definition
    }
}

fn file(language: Language, role: FileRole, definitions: Vec<Definition>) -> FileModel {
    FileModel {
        language: Some(language),
        role,
        definitions,
        mitigations: Vec::new(),
        optional_mitigations: Vec::new(),
        registrations: Vec::new(),
        shared_calls: Vec::new(),
        arg_flows: Vec::new(),
        forwards: Default::default(),
        hosts: None,
        client_hosts: None,
    }
}

use Reachability::*;

#[test]
fn walks_references_across_files_from_entry_points() {
    let server = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &["app", "listen", "handleUpload"]),
            def("neverCalled", Role::Plain, Some(0), &["cleanup"]),
        ],
    );
    let lib = file(
        Language::TypeScript,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            exported(def("handleUpload", Role::Plain, Some(0), &["store"])),
            def("store", Role::Plain, Some(0), &[]),
            def("cleanup", Role::Plain, Some(0), &[]),
        ],
    );
    let verdicts = solve(&[server, lib]);
    assert_eq!(verdicts[0], [Reachable, Unreferenced]);
    assert_eq!(
        verdicts[1],
        [Reachable, Reachable, Reachable, Unreferenced],
        "a function only a dead function calls is dead too"
    );
}

#[test]
fn names_do_not_cross_language_families() {
    let js = file(
        Language::JavaScript,
        FileRole::Server,
        vec![def("", Role::Entry, None, &["Run"])],
    );
    let cs = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("Run", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(solve(&[js, cs])[1], [Unreferenced, Unreferenced]);
}

#[test]
fn start_up_code_and_subcommands_are_walked_after_the_serve_path() {
    let main = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("main", Role::Entry, Some(0), &["run_migrations", "serve"]),
            def("", Role::Subcommand, Some(1), &["backup"]),
            def("serve", Role::Plain, Some(0), &["save_upload"]),
            def("run_migrations", Role::Plain, Some(0), &["write_marker"]),
            def(
                "backup",
                Role::Plain,
                Some(0),
                &["write_archive", "write_marker"],
            ),
            def("write_archive", Role::Plain, Some(0), &[]),
            def("write_marker", Role::Plain, Some(0), &[]),
            def("save_upload", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(
        solve(&[main])[0],
        [
            Reachable, // the module around `main`
            Reachable, Offline, Reachable, Startup, Offline, Offline, Startup, Reachable
        ]
    );
}

#[test]
fn serve_path_wins_over_start_up_and_offline_uses() {
    let main = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &["SeedData", "Export"]),
            def("SeedData", Role::Plain, Some(0), &["Save"]),
            def("", Role::Subcommand, Some(0), &["Save"]),
            def("Export", Role::Plain, Some(0), &["Save"]),
            def("Save", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(
        solve(&[main])[0],
        [Reachable, Startup, Offline, Reachable, Reachable]
    );
}

#[test]
fn tool_files_reach_offline_and_tests_reach_nothing() {
    let tool = file(
        Language::Rust,
        FileRole::Tool,
        vec![def("", Role::Entry, None, &["export_all"])],
    );
    let test = file(
        Language::Rust,
        FileRole::Test,
        vec![def("", Role::Entry, None, &["helper"])],
    );
    let lib = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("export_all", Role::Plain, Some(0), &[]),
            def("helper", Role::Plain, Some(0), &[]),
        ],
    );
    let verdicts = solve(&[tool, test, lib]);
    assert_eq!(verdicts[0], [Offline]);
    assert_eq!(verdicts[1], [Unreferenced]);
    assert_eq!(verdicts[2], [Offline, Offline, Unreferenced]);
}

#[test]
fn an_entry_point_named_for_start_up_is_start_up_code() {
    let worker = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("DatabaseMigrator", Role::Entry, Some(0), &["Apply"]),
            def("Apply", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(solve(&[worker])[0], [Startup, Startup, Startup]);
}

#[test]
fn a_single_file_keeps_what_others_may_call() {
    let defs = vec![
        def("", Role::Entry, None, &["tick"]),
        def("tick", Role::Plain, Some(0), &[]),
        def("exportedHelper", Role::Plain, Some(0), &[]),
        def("privateHelper", Role::Plain, Some(0), &[]),
        def("runMigrations", Role::Plain, Some(0), &[]),
    ];
    let mut defs = defs;
    defs[2].exported = true;
    defs[4].exported = true;
    assert_eq!(
        solve_file(Language::JavaScript, &defs),
        [Reachable, Reachable, Reachable, Unreferenced, Reachable]
    );
}

#[test]
fn innermost_definition_of_an_offset() {
    let mut outer = def("outer", Role::Plain, Some(0), &[]);
    outer.span = 10..100;
    let mut inner = def("inner", Role::Plain, Some(1), &[]);
    inner.span = 20..40;
    let mut top = def("", Role::Entry, None, &[]);
    top.span = 0..200;
    let defs = [top, outer, inner];
    assert_eq!(innermost(&defs, 5), 0);
    assert_eq!(innermost(&defs, 30), 2);
    assert_eq!(innermost(&defs, 50), 1);
    assert_eq!(innermost(&defs, 150), 0);
}

#[test]
fn a_main_that_starts_no_server_is_a_tool() {
    let server = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &[]),
            def("main", Role::Main, Some(0), &["start"]),
            def(
                "start",
                Role::Plain,
                Some(0),
                &["axum", "serve", "save_upload"],
            ),
            def("save_upload", Role::Plain, Some(0), &[]),
        ],
    );
    let tool = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &[]),
            def("main", Role::Main, Some(0), &["export_all"]),
            def("export_all", Role::Plain, Some(0), &["write_csv"]),
            def("write_csv", Role::Plain, Some(0), &[]),
        ],
    );
    let verdicts = solve(&[server, tool]);
    assert_eq!(verdicts[0], [Reachable, Reachable, Reachable, Reachable]);
    assert_eq!(verdicts[1], [Reachable, Offline, Offline, Offline]);
}

#[test]
fn a_program_that_starts_no_server_is_offline_unless_a_server_file_imports_it() {
    // A script whose names happen to match a serving function elsewhere (`map`).
    let server = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def(
                "module:server",
                Role::Main,
                None,
                &["listen", "module:render"],
            ),
            def("map", Role::Plain, Some(0), &["listen"]),
        ],
    );
    let script = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def("module:currencies", Role::Program, None, &["main", "map"]),
            def("main", Role::Plain, Some(0), &["writeTable"]),
            def("writeTable", Role::Plain, Some(0), &[]),
        ],
    );
    let imported = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def("module:render", Role::Program, None, &["renderInvoice"]),
            def("renderInvoice", Role::Plain, Some(0), &[]),
        ],
    );
    let verdicts = solve(&[server, script, imported]);
    assert_eq!(verdicts[1], [Offline, Offline, Offline]);
    assert_eq!(verdicts[2], [Reachable, Reachable]);
    let alone = solve_file(
        Language::JavaScript,
        &[
            def("", Role::Program, None, &["main"]),
            def("main", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(alone, [Offline, Offline]);
}

#[test]
fn framework_called_members_come_with_their_class_or_their_name() {
    let lib = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def(
                "",
                Role::Main,
                None,
                &["AddHostedService", "Sweeper", "tasks", "Run"],
            ),
            def("Sweeper", Role::Plain, Some(0), &[]),
            def("ExecuteAsync", Role::Member, Some(1), &["Sweep"]),
            def("Sweep", Role::Plain, Some(1), &[]),
            def("ReflectedTask", Role::Plain, Some(0), &[]),
            def("Run", Role::Member, Some(4), &[]),
            def("DeadTask", Role::Plain, Some(0), &[]),
            def("Dispose", Role::Member, Some(6), &[]),
        ],
    );
    assert_eq!(
        solve(&[lib])[0],
        [
            Reachable,
            Reachable,
            Reachable,
            Reachable,
            Reachable, // reflected: its `Run` is called by name, so the class runs
            Reachable,
            Unreferenced,
            Unreferenced
        ]
    );
}

#[test]
fn a_tool_that_launches_the_server_is_a_server_entry_point() {
    let cli = file(
        Language::TypeScript,
        FileRole::Tool,
        vec![def("", Role::Entry, None, &["startServer"])],
    );
    let server = file(
        Language::TypeScript,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            exported(def(
                "startServer",
                Role::Plain,
                Some(0),
                &["listen", "saveUpload"],
            )),
            def("saveUpload", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(solve(&[cli, server])[1], [Reachable, Reachable, Reachable]);
}

#[test]
fn a_task_runner_that_starts_the_server_for_development_is_no_launcher() {
    // A Gruntfile's watch task starts the server and its build task writes assets: both
    // are the developer's, and what only the task runner reaches is offline.
    let tasks = file(
        Language::JavaScript,
        FileRole::DevTasks,
        vec![def("", Role::Entry, None, &["startServer", "buildAssets"])],
    );
    let server = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            exported(def("startServer", Role::Plain, Some(0), &["listen"])),
            exported(def("buildAssets", Role::Plain, Some(0), &[])),
        ],
    );
    assert_eq!(solve(&[tasks, server])[1], [Offline, Offline, Offline]);
}

#[test]
fn a_javascript_function_nobody_exports_is_reached_only_from_its_own_file() {
    let server = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def(
                "module:server",
                Role::Main,
                None,
                &["listen", "download", "module:files"],
            ),
            def("download", Role::Plain, Some(0), &[]),
        ],
    );
    let files = file(
        Language::TypeScript,
        FileRole::Server,
        vec![
            def("module:files", Role::Entry, None, &[]),
            exported(def("upload", Role::Plain, Some(0), &[])),
        ],
    );
    let script = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def(
                "module:fetch-dist",
                Role::Main,
                None,
                &["download", "upload"],
            ),
            def("download", Role::Plain, Some(0), &["writeFileSync"]),
        ],
    );
    let verdicts = solve(&[server, files, script]);
    assert_eq!(verdicts[0], [Reachable, Reachable]);
    assert_eq!(
        verdicts[1],
        [Reachable, Offline],
        "an export is reached from other files"
    );
    assert_eq!(
        verdicts[2],
        [Offline, Offline],
        "the server's `download` is its own; the script's is reached only by the script"
    );
}

#[test]
fn what_only_an_installer_reaches_is_startup_code() {
    let installer = file(
        Language::CSharp,
        FileRole::Startup,
        vec![
            def("", Role::Plain, None, &[]),
            def(
                "Install",
                Role::Entry,
                Some(0),
                &["SaveSettings", "SaveTheme"],
            ),
        ],
    );
    let web = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("PutTheme", Role::Entry, Some(0), &["SaveTheme"]),
            def("SaveSettings", Role::Plain, Some(0), &[]),
            def("SaveTheme", Role::Plain, Some(0), &[]),
        ],
    );
    let verdicts = solve(&[installer.clone(), web.clone()]);
    assert_eq!(verdicts[0], [Startup, Startup]);
    assert_eq!(
        verdicts[1],
        [Reachable, Reachable, Startup, Reachable],
        "what a route also reaches stays reachable"
    );
    // A serving method that shares the installer page's name (`Index`) names it: the page
    // still runs only at installation, and so does what only it reaches.
    let mut web = web;
    web.definitions[1].refs.push("Install".into());
    let verdicts = solve(&[installer, web]);
    assert_eq!(verdicts[0], [Startup, Startup]);
    assert_eq!(verdicts[1], [Reachable, Reachable, Startup, Reachable]);
}

/// `definition`, calling `calls` directly as statements of its body.
fn calling(definition: Definition, calls: &[&str]) -> Definition {
    Definition {
        calls: calls.iter().map(|c| c.to_string()).collect(),
        ..definition
    }
}

#[test]
fn what_a_server_start_calls_directly_runs_once() {
    let main = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            calling(
                def(
                    "main",
                    Role::Main,
                    Some(0),
                    &["prepare_dirs", "start_http", "write_pid"],
                ),
                &["prepare_dirs", "start_http", "write_pid"],
            ),
            calling(
                def(
                    "start_http",
                    Role::Plain,
                    Some(0),
                    &["serve", "warm_cache", "upload"],
                ),
                &["warm_cache"],
            ),
            def("prepare_dirs", Role::Plain, Some(0), &["create_dir_all"]),
            def("write_pid", Role::Plain, Some(0), &[]),
            def("warm_cache", Role::Plain, Some(0), &[]),
            def("upload", Role::Plain, Some(0), &["write_pid"]),
        ],
    );
    assert_eq!(
        solve(&[main])[0],
        [Reachable, Reachable, Reachable, Startup, Reachable, Startup, Reachable],
        "a direct call of a serving function is part of the start; a function a handler \
         also calls stays reachable"
    );
}

#[test]
fn a_call_a_start_makes_as_a_statement_runs_once_through_its_own_type() {
    let program = file(
        Language::CSharp,
        FileRole::Server,
        vec![calling(
            def(
                "",
                Role::Main,
                None,
                &["CreateBuilder", "File::WriteAllText", "Directory::Delete"],
            ),
            &["File::WriteAllText"],
        )],
    );
    let files = [program];
    let solved = solve_with_starts(&files);
    assert!(
        solved.runs_once(&files, 0, 0, "System.IO.File.WriteAllText"),
        "a statement of the program's entry itself"
    );
    assert!(
        !solved.runs_once(&files, 0, 0, "System.IO.FileInfo.WriteAllText"),
        "another type's method of the same name"
    );
    assert!(
        !solved.runs_once(&files, 0, 0, "System.IO.Directory.Delete"),
        "not a statement of the start (a callback's call)"
    );
    assert!(
        solved.runs_once(&files, 0, 0, "*.WriteAllText"),
        "a wrapper's call, through any receiver"
    );
    assert!(
        !solved.runs_once(&files, 0, 0, "*.Delete"),
        "a wrapper's call in a callback"
    );
}

#[test]
fn server_code_never_reaches_the_definitions_of_test_files() {
    let server = file(
        Language::JavaScript,
        FileRole::Server,
        vec![def("", Role::Entry, None, &["create", "listen"])],
    );
    let mock = file(
        Language::JavaScript,
        FileRole::Test,
        vec![
            def("", Role::Entry, None, &["MockDb"]),
            def("MockDb", Role::Plain, Some(0), &[]),
            def(
                "create",
                Role::Member,
                Some(1),
                &["prepareDataDir", "MockDb"],
            ),
        ],
    );
    let data = file(
        Language::JavaScript,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &[]),
            exported(def("prepareDataDir", Role::Plain, Some(0), &[])),
        ],
    );
    let verdicts = solve(&[server, mock, data]);
    assert_eq!(verdicts[1], [Unreferenced, Unreferenced, Unreferenced]);
    assert_eq!(
        verdicts[2],
        [Reachable, Unreferenced],
        "a test's mock of the same name does not make the helper it calls reachable"
    );
}

#[test]
fn a_call_through_a_type_reaches_only_that_types_function() {
    let server = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &[]),
            def(
                "main",
                Role::Main,
                Some(0),
                &["serve", "SaltString::generate", "Store::open"],
            ),
        ],
    );
    let lib = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("generate", Role::Plain, Some(0), &[]),
            owned("SaltString", def("generate", Role::Plain, Some(0), &[])),
            owned("Store", def("open", Role::Plain, Some(0), &[])),
            owned("Archive", def("open", Role::Plain, Some(0), &[])),
        ],
    );
    let verdicts = solve(&[server, lib]);
    assert_eq!(
        verdicts[1],
        [Reachable, Unreferenced, Reachable, Reachable, Unreferenced],
        "a free function of the same name, or another type's, is not called"
    );
}

/// `definition`, declared in the Rust module `module` (see [`Definition::module`]).
fn in_module(module: &str, definition: Definition) -> Definition {
    Definition {
        module: module.to_string(),
        ..definition
    }
}

#[test]
fn a_call_through_a_module_reaches_that_modules_function() {
    let server = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &[]),
            def(
                "main",
                Role::Main,
                Some(0),
                &["worker::run", "jobs::sweep", "tokio::spawn"],
            ),
        ],
    );
    let lib = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            in_module("app::worker", def("run", Role::Plain, Some(0), &["serve"])),
            in_module("app::admin", def("run", Role::Plain, Some(0), &[])),
            in_module("app::jobs", def("sweep", Role::Plain, Some(0), &[])),
            // A submodule whose function its parent module re-exports.
            in_module("app::jobs::daily", def("sweep", Role::Plain, Some(0), &[])),
            in_module("app::reports", def("sweep", Role::Plain, Some(0), &[])),
            in_module(
                "app::reports",
                owned("Sweeper", def("sweep", Role::Plain, Some(0), &[])),
            ),
            // No module of the project is named `tokio`: every `spawn` may be the one.
            in_module("app::tasks", def("spawn", Role::Plain, Some(0), &[])),
        ],
    );
    let verdicts = solve(&[server, lib]);
    assert_eq!(
        verdicts[0],
        [Reachable, Reachable],
        "main serves through `worker::run`"
    );
    assert_eq!(
        verdicts[1],
        [
            Reachable,
            Reachable,
            Unreferenced,
            Reachable,
            Reachable,
            Unreferenced,
            Unreferenced,
            Reachable
        ],
        "another module's function of the same name is not called"
    );
}

#[test]
fn a_local_function_is_reached_from_its_own_method_only() {
    let backups = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("Backups", Role::Plain, Some(0), &[]),
            owned("Backups", def("Create", Role::Plain, Some(1), &["Copy"])),
            def("Copy", Role::Plain, Some(2), &[]),
            owned("Backups", def("Restore", Role::Plain, Some(1), &["Copy"])),
            def("Copy", Role::Plain, Some(4), &["Inner"]),
            def("Inner", Role::Plain, Some(5), &[]),
        ],
    );
    let routes = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            owned(
                "Routes",
                def("Post", Role::Entry, Some(0), &["Create", "Inner"]),
            ),
        ],
    );
    let verdicts = solve(&[backups, routes]);
    assert_eq!(
        verdicts[0],
        [
            Reachable,
            Reachable,
            Reachable,
            Reachable,
            Unreferenced,
            Unreferenced,
            Unreferenced
        ],
        "`Create`'s own `Copy` runs; `Restore` and its `Copy` do not"
    );
}

/// `definition` declared as a C# type with these bases and members.
/// `definition` as a method of `owner`.
fn owned(owner: &str, definition: Definition) -> Definition {
    Definition {
        owner: Some(owner.to_string()),
        ..definition
    }
}

fn typed(definition: Definition, bases: &[&str], members: &[&str]) -> Definition {
    Definition {
        type_info: Some(crate::event::TypeInfo {
            bases: bases.iter().map(|b| b.to_string()).collect(),
            members: members.iter().map(|m| m.to_string()).collect(),
            member_types: Vec::new(),
        }),
        ..definition
    }
}

/// `definition`, a method of the class `owner`.
fn method(owner: &str, definition: Definition) -> Definition {
    Definition {
        owner: Some(owner.to_string()),
        ..definition
    }
}

#[test]
fn a_csharp_call_through_a_typed_receiver_reaches_related_types_only() {
    let controller = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            owned(
                "Api",
                def(
                    "Post",
                    Role::Entry,
                    Some(0),
                    &[
                        "IBackups::Restore",
                        "Tuple::Create",
                        "Settings::Save",
                        "FileInfo.Directory::Create",
                    ],
                ),
            ),
        ],
    );
    let services = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            typed(def("IBackups", Role::Plain, Some(0), &[]), &[], &[]),
            typed(
                def("Backups", Role::Plain, Some(0), &[]),
                &["IBackups"],
                &[],
            ),
            owned("Backups", def("Restore", Role::Plain, Some(2), &[])),
            typed(
                def("Database", Role::Plain, Some(0), &[]),
                &["IDatabase"],
                &[],
            ),
            owned("Database", def("Restore", Role::Plain, Some(4), &[])),
            owned(
                "Database",
                def("Create", Role::Plain, Some(4), &["Restore"]),
            ),
            typed(def("Base", Role::Plain, Some(0), &[]), &[], &["Settings"]),
            typed(def("Derived", Role::Plain, Some(0), &[]), &["Base"], &[]),
            owned("Store", def("Save", Role::Plain, Some(0), &[])),
            owned("Store", def("Export", Role::Plain, Some(0), &[])),
        ],
    );
    let markup = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            owned(
                "Page",
                def("Load", Role::Entry, Some(0), &["Other::Export"]),
            ),
        ],
    );
    let installer = file(
        Language::CSharp,
        FileRole::Startup,
        vec![def("", Role::Entry, None, &["Database::Create"])],
    );
    let verdicts = solve(&[controller, services, markup, installer]);
    assert_eq!(
        verdicts[1],
        [
            Reachable,
            Unreferenced,
            Reachable,
            Reachable,
            Startup,
            Startup,
            Startup,
            Unreferenced,
            Unreferenced,
            Reachable,
            Reachable,
        ],
        "`IBackups::Restore` reaches `Backups.Restore` only; an outside type's `Create` \
         reaches nothing (the installer's does); an inherited member's `Save` reaches any \
         `Save`; a method nothing reaches but an unrelated type's call names may be called \
         from unread code"
    );
}

#[test]
fn a_method_name_reaches_only_classes_that_server_code_names() {
    let server = file(
        Language::TypeScript,
        FileRole::Server,
        vec![def("", Role::Entry, None, &["MemoryStore", "*::set"])],
    );
    let stores = file(
        Language::TypeScript,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            exported(def("MemoryStore", Role::Plain, Some(0), &[])),
            method("MemoryStore", def("set", Role::Plain, Some(1), &[])),
            exported(def("DiskStore", Role::Plain, Some(0), &[])),
            method(
                "DiskStore",
                def("set", Role::Plain, Some(3), &["DiskStore"]),
            ),
        ],
    );
    let test = file(
        Language::TypeScript,
        FileRole::Test,
        vec![def("", Role::Entry, None, &["DiskStore", "*::set"])],
    );
    let browser = file(
        Language::TypeScript,
        FileRole::Client,
        vec![def("", Role::Entry, None, &["DiskStore", "*::set"])],
    );
    let verdicts = solve(&[server, stores, test, browser]);
    assert_eq!(
        verdicts[1],
        [Reachable, Reachable, Reachable, Offline, Offline],
        "only a browser bundle names DiskStore: its `set` is not server code"
    );
}

#[test]
fn a_browser_bundle_never_launches_the_server() {
    let bundle = file(
        Language::TypeScript,
        FileRole::Client,
        vec![def("", Role::Entry, None, &["startServer"])],
    );
    let server = file(
        Language::TypeScript,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            exported(def("startServer", Role::Plain, Some(0), &["listen"])),
        ],
    );
    assert_eq!(solve(&[bundle, server])[1], [Offline, Offline]);
}

#[test]
fn a_trace_follows_the_walk_from_its_entry_point() {
    let main = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            def("main", Role::Entry, Some(0), &["run_migrations", "serve"]),
            def("", Role::Subcommand, Some(1), &["backup"]),
            def("serve", Role::Plain, Some(0), &["save_upload"]),
            def("run_migrations", Role::Plain, Some(0), &["write_marker"]),
            def("backup", Role::Plain, Some(0), &["write_archive"]),
            def("write_archive", Role::Plain, Some(0), &[]),
            def("write_marker", Role::Plain, Some(0), &[]),
            def("save_upload", Role::Plain, Some(0), &[]),
            def("unused", Role::Plain, Some(0), &[]),
        ],
    );
    let files = [main];
    let solved = solve_with_starts(&files);
    let steps = |d: usize| -> Vec<(String, String)> {
        solved
            .trace(&files, 0, d)
            .into_iter()
            .map(|s| (s.name, s.how))
            .collect()
    };
    let step = |name: &str, how: &str| (name.to_string(), how.to_string());
    let entry = step(
        "main",
        "entry point: a handler, hosted service, job or export",
    );
    assert_eq!(
        steps(8),
        [
            entry.clone(),
            step("serve", "mentions `serve`"),
            step("save_upload", "mentions `save_upload`"),
        ]
    );
    assert_eq!(
        steps(7),
        [
            entry.clone(),
            step("run_migrations", "mentions `run_migrations`"),
            step("write_marker", "mentions `write_marker`"),
        ]
    );
    assert_eq!(
        steps(6),
        [
            entry,
            step("<branch>", "a command-line subcommand"),
            step("backup", "mentions `backup`"),
            step("write_archive", "mentions `write_archive`"),
        ]
    );
    assert!(steps(9).is_empty(), "dead code has no path");
}

/// `file`, loaded by the processes of `programs` (see [`FileModel::hosts`]).
fn hosted(file: FileModel, programs: &[&str]) -> FileModel {
    FileModel {
        hosts: Some(programs.iter().map(PathBuf::from).collect()),
        ..file
    }
}

#[test]
fn a_name_reaches_only_definitions_a_process_of_the_caller_loads() {
    let class = |owner: &str, name: &str, refs: &[&str]| {
        vec![
            def("", Role::Plain, None, &[]),
            method(owner, def(name, Role::Plain, Some(0), refs)),
        ]
    };
    let server = hosted(
        file(
            Language::CSharp,
            FileRole::Server,
            vec![def("", Role::Entry, None, &["Deploy", "Tail"])],
        ),
        &["Server.csproj"],
    );
    let agent_library = hosted(
        file(
            Language::CSharp,
            FileRole::Server,
            class("ModDeployer", "Deploy", &[]),
        ),
        &["Agent.csproj"],
    );
    let shared = hosted(
        file(
            Language::CSharp,
            FileRole::Server,
            class("ServerLog", "Tail", &["Deploy"]),
        ),
        &["Agent.csproj", "Server.csproj"],
    );
    let plugin = file(
        Language::CSharp,
        FileRole::Server,
        class("PluginDeployer", "Deploy", &[]),
    );
    let verdicts = solve(&[server, agent_library, shared, plugin]);
    assert_eq!(
        verdicts[1],
        [Unreferenced, Unreferenced],
        "only the agent loads it"
    );
    assert_eq!(verdicts[2], [Reachable, Reachable], "both programs load it");
    assert_eq!(
        verdicts[3],
        [Reachable, Reachable],
        "a library no program references may be loaded by any"
    );
}

#[test]
fn a_servers_walk_from_shared_code_runs_only_in_server_side_processes() {
    let class = |owner: &str, name: &str, refs: &[&str]| {
        vec![
            def("", Role::Plain, None, &[]),
            method(owner, def(name, Role::Plain, Some(0), refs)),
        ]
    };
    // A hosted service in a library that the server and a desktop launcher both load.
    let shared = FileModel {
        client_hosts: Some(vec![PathBuf::from("Launcher.csproj")].into()),
        ..hosted(
            file(
                Language::CSharp,
                FileRole::Server,
                vec![
                    def("", Role::Plain, None, &[]),
                    method("Sync", def("ExecuteAsync", Role::Entry, Some(0), &["Add"])),
                ],
            ),
            &["Launcher.csproj", "Server.csproj"],
        )
    };
    // The launcher's own library: its `Add` runs only on a player's machine.
    let launcher_library = FileModel {
        client_hosts: Some(vec![PathBuf::from("Launcher.csproj")].into()),
        ..hosted(
            file(
                Language::CSharp,
                FileRole::Server,
                class("InstallQueue", "Add", &[]),
            ),
            &["Launcher.csproj"],
        )
    };
    let verdicts = solve(&[shared, launcher_library]);
    assert_eq!(
        verdicts[0][1], Reachable,
        "the server runs the hosted service"
    );
    assert_eq!(
        verdicts[1],
        [Unreferenced, Unreferenced],
        "no server process loads the launcher's library"
    );
}

#[test]
fn an_override_of_a_project_method_runs_where_a_call_names_it() {
    let code = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            typed(def("Catalogue", Role::Plain, Some(0), &[]), &[], &[]),
            owned("Catalogue", def("Prepare", Role::Plain, Some(1), &[])),
            owned("Catalogue", def("Ping", Role::Plain, Some(1), &[])),
            typed(
                def("FileCatalogue", Role::Plain, Some(0), &[]),
                &["Catalogue", "DbContext"],
                &[],
            ),
            owned("FileCatalogue", def("Prepare", Role::Member, Some(4), &[])),
            owned("FileCatalogue", def("Ping", Role::Member, Some(4), &[])),
            owned(
                "FileCatalogue",
                def("OnModelCreating", Role::Member, Some(4), &[]),
            ),
            owned(
                "Api",
                def(
                    "Get",
                    Role::Entry,
                    Some(0),
                    &["FileCatalogue", "FileCatalogue::Ping"],
                ),
            ),
        ],
    );
    let installer = file(
        Language::CSharp,
        FileRole::Startup,
        vec![def("", Role::Entry, None, &["Catalogue::Prepare"])],
    );
    let verdicts = solve(&[code, installer]);
    assert_eq!(
        verdicts[0],
        [
            Reachable, Reachable, Startup, Reachable, Reachable, Startup, Reachable, Reachable,
            Reachable,
        ],
        "constructing the type runs the override of an outside type's method, not `Prepare`"
    );
}

#[test]
fn a_call_on_a_typed_member_goes_through_the_members_type() {
    let gateways = Definition {
        type_info: Some(crate::event::TypeInfo {
            members: vec!["Outbound".to_string(), "Legacy".to_string()],
            member_types: vec![("Outbound".to_string(), "IRequests".to_string())],
            ..crate::event::TypeInfo::default()
        }),
        ..def("IGateways", Role::Plain, Some(0), &[])
    };
    let project = |call: &str| {
        let code = file(
            Language::CSharp,
            FileRole::Server,
            vec![
                def("", Role::Plain, None, &[]),
                gateways.clone(),
                typed(def("IRequests", Role::Plain, Some(0), &[]), &[], &[]),
                typed(
                    def("Requests", Role::Plain, Some(0), &[]),
                    &["IRequests"],
                    &[],
                ),
                owned("Requests", def("Create", Role::Plain, Some(3), &[])),
                typed(def("Ledger", Role::Plain, Some(0), &[]), &[], &[]),
                owned("Ledger", def("Create", Role::Plain, Some(5), &[])),
                owned("Api", def("Post", Role::Entry, Some(0), &[call])),
            ],
        );
        let installer = file(
            Language::CSharp,
            FileRole::Startup,
            vec![def("", Role::Entry, None, &["Ledger::Create"])],
        );
        solve(&[code, installer]).remove(0)
    };
    let ledger = |verdicts: &[Reachability]| (verdicts[4], verdicts[6]);
    assert_eq!(
        ledger(&project("IGateways.Outbound::Create")),
        (Reachable, Startup),
        "`gateways.Outbound` is an `IRequests`"
    );
    assert_eq!(
        ledger(&project("IGateways.Legacy::Create")),
        (Reachable, Reachable),
        "a member of unknown type may be of any type"
    );
}

#[test]
fn a_static_csharp_method_is_not_rescued_by_another_types_call() {
    let routes = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            owned(
                "Routes",
                def(
                    "Delete",
                    Role::Entry,
                    Some(0),
                    &["Shelf::Discard", "Queue::Take"],
                ),
            ),
        ],
    );
    let helpers = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            typed(def("Shelf", Role::Plain, Some(0), &[]), &[], &[]),
            Definition {
                static_member: true,
                ..owned("Shelf", def("Discard", Role::Plain, Some(1), &[]))
            },
            typed(def("Spool", Role::Plain, Some(0), &[]), &[], &[]),
            Definition {
                static_member: true,
                ..owned("Spool", def("Discard", Role::Plain, Some(3), &[]))
            },
            typed(def("Letters", Role::Plain, Some(0), &[]), &[], &[]),
            owned("Letters", def("Take", Role::Plain, Some(5), &[])),
        ],
    );
    let verdicts = solve(&[routes, helpers]);
    assert_eq!(
        verdicts[1],
        [
            Reachable,
            Reachable,
            Reachable,
            Unreferenced,
            Unreferenced,
            Reachable,
            Reachable
        ],
        "`Shelf::Discard` never runs the static `Spool.Discard`; an outside type's `Take` \
         may still stand for an instance method unread code calls"
    );
}

#[test]
fn a_value_named_like_a_class_names_that_class() {
    assert_eq!(class_of_value("chan").as_deref(), Some("Chan"));
    assert_eq!(class_of_value("userStore").as_deref(), Some("UserStore"));
    for other in ["*", "Chan", "_cache", "module:store", "a.b", ""] {
        assert_eq!(class_of_value(other), None, "{other}");
    }
}

#[test]
fn a_csharp_constructor_runs_where_its_type_is_built() {
    let owned = |d: Definition, owner: &str| Definition {
        owner: Some(owner.to_string()),
        ..d
    };
    let lib = file(
        Language::CSharp,
        FileRole::Server,
        vec![
            calling(
                def(
                    "",
                    Role::Main,
                    None,
                    &["CreateBuilder", "new Store", "Handle", "Run"],
                ),
                &["new Store"],
            ),
            def("Store", Role::Plain, Some(0), &[]),
            owned(
                def("new Store", Role::Plain, Some(1), &["MarkFolder"]),
                "Store",
            ),
            owned(def("Save", Role::Plain, Some(1), &[]), "Store"),
            def("MarkFolder", Role::Plain, Some(0), &[]),
            // Built by no code of the project (an assembly scan): its constructor runs
            // wherever a method of it does.
            def("Watcher", Role::Plain, Some(0), &[]),
            owned(
                def("new Watcher", Role::Plain, Some(5), &["Tick"]),
                "Watcher",
            ),
            owned(def("Handle", Role::Plain, Some(5), &["Save"]), "Watcher"),
            def("Tick", Role::Plain, Some(0), &[]),
        ],
    );
    assert_eq!(
        solve(&[lib])[0],
        [
            Reachable, Reachable,
            Startup, // built once by the start, not by the route that calls `Save`
            Reachable, Startup, Reachable, Reachable, Reachable, Reachable,
        ]
    );
}

#[test]
fn a_rust_method_called_on_a_typed_value_reaches_that_types_method() {
    let server = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Entry, None, &[]),
            def(
                "main",
                Role::Main,
                Some(0),
                &["serve", "Server::new", "Server.run", "Cache.refresh"],
            ),
        ],
    );
    let lib = file(
        Language::Rust,
        FileRole::Server,
        vec![
            def("", Role::Plain, None, &[]),
            owned("Server", def("new", Role::Plain, Some(0), &[])),
            owned("Server", def("run", Role::Plain, Some(0), &[])),
            // Nobody builds the legacy job: its `run` is another type's.
            owned("LegacyJob", def("run", Role::Plain, Some(0), &[])),
            // `Cache` has no `refresh` of its own (a trait's default method, a `Deref`
            // target): every `refresh` may be the one called.
            owned("Store", def("refresh", Role::Plain, Some(0), &[])),
            def("refresh", Role::Plain, Some(0), &[]),
        ],
    );
    let verdicts = solve(&[server, lib]);
    assert_eq!(
        verdicts[1],
        [
            Reachable,
            Reachable,
            Reachable,
            Unreferenced,
            Reachable,
            Reachable
        ],
        "another type's method of the name is not called"
    );
}
