//! Unit tests of the JavaScript/TypeScript frontend.

use super::*;

/// Each event's target, line and contexts (but [`Context::OnceAtStart`], which
/// `once_at_start_is_what_runs_when_the_module_loads` checks).
fn events(src: &str) -> Vec<(String, usize, Vec<Context>)> {
    let ex = extract(src, Dialect::TypeScript);
    let index = crate::position::LineIndex::new(src);
    ex.facts
        .events
        .iter()
        .filter(|e| !e.targets[0].starts_with("globalThis.require"))
        .map(|e| {
            (
                e.targets[0].clone(),
                index.line_col(src, e.span.start).0,
                e.context
                    .iter()
                    .copied()
                    .filter(|c| *c != Context::OnceAtStart)
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn once_at_start_is_what_runs_when_the_module_loads() {
    let src = r#"
const fs = require('fs');
if (!fs.existsSync(root)) { try { fs.mkdirSync(root); } catch (e) {} }
dirs.forEach((d) => fs.mkdirSync(d));
(async () => { await fs.promises.mkdir(a); })();
Meteor.startup(() => fs.mkdirSync(b));
app.post('/x', (req, res) => fs.mkdirSync(c));
setTimeout(() => fs.mkdirSync(d), 5);
function later() { fs.mkdirSync(e); }
class Store { open() { fs.mkdirSync(f); } }
const handlers = { save() { fs.mkdirSync(g); } };
"#;
    let ex = extract(src, Dialect::JavaScript);
    let index = crate::position::LineIndex::new(src);
    let at_start: Vec<(usize, bool)> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0].ends_with("mkdirSync") || e.targets[0].ends_with(".mkdir"))
        .map(|e| {
            (
                index.line_col(src, e.span.start).0,
                e.context.contains(&Context::OnceAtStart),
            )
        })
        .collect();
    assert_eq!(
        at_start,
        [
            (3, true),
            (4, true),
            (5, true),
            (6, true),
            (7, false),
            (8, false),
            (9, false),
            (10, false),
            (11, false)
        ]
    );
}

fn targets(src: &str) -> Vec<String> {
    events(src).into_iter().map(|e| e.0).collect()
}

#[test]
fn every_grammar_loads() {
    for lang in [
        tree_sitter::Language::from(tree_sitter_javascript::LANGUAGE),
        tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        tree_sitter_typescript::LANGUAGE_TSX.into(),
    ] {
        tree_sitter::Parser::new()
            .set_language(&lang)
            .expect("grammar ABI matches tree-sitter core");
    }
}

#[test]
fn resolves_require_forms() {
    let src = r#"
const fs = require('fs');
const { writeFile: w, promises: fsp } = require('node:fs');
const append = require('fs').appendFileSync;
const { mkdir } = require('fs/promises');
fs.writeFileSync('a', 'b');
w('a', 'b', cb);
fsp.writeFile('a', 'b');
append('log.txt', line);
mkdir('uploads');
fs.promises.rm('x');
"#;
    assert_eq!(
        targets(src),
        [
            "fs.writeFileSync",
            "fs.writeFile",
            "fs/promises.writeFile",
            "fs.appendFileSync",
            "fs/promises.mkdir",
            "fs/promises.rm"
        ]
    );
}

#[test]
fn resolves_es_imports() {
    let src = r#"
import fs from 'node:fs';
import * as fsp from 'fs/promises';
import { writeFile as save } from 'fs/promises';
import fse = require('fs-extra');
fs.createWriteStream('x');
fsp.appendFile('x', 'y');
save('x', 'y');
fse.outputJson('x', {});
"#;
    assert_eq!(
        targets(src),
        [
            "fs.createWriteStream",
            "fs/promises.appendFile",
            "fs/promises.writeFile",
            "fs-extra.outputJson"
        ]
    );
}

#[test]
fn local_names_shadow_modules_and_globals() {
    let src = r#"
import { fs } from 'memfs';
const path = require('path');
function f(fs) { fs.writeFileSync('a', 'b'); }
{
  const setInterval = (f) => f();
  setInterval(tick, 10);
}
setInterval(tick, 10);
"#;
    let t = targets(src);
    assert!(!t.iter().any(|t| t.starts_with("fs.")), "{t:?}");
    assert_eq!(
        t.iter().filter(|t| *t == "globalThis.setInterval").count(),
        1,
        "{t:?}"
    );
}

#[test]
fn memfs_variable_is_not_the_fs_module() {
    let src = "const fs = memfs();\nfs.writeFileSync('/a', 'b');\n";
    assert!(!targets(src).iter().any(|t| t.starts_with("fs.")));
}

#[test]
fn detects_self_rescheduling_timeouts() {
    let src = r#"
function tick() {
  doWork();
  setTimeout(tick, 1000);
}
setTimeout(() => console.log('once'), 10);
class Poller {
  poll() { setTimeout(() => this.poll(), 5000); }
}
"#;
    let evs: Vec<_> = events(src)
        .into_iter()
        .filter(|e| e.0 == "globalThis.setTimeout")
        .collect();
    assert_eq!(evs.len(), 3);
    assert!(evs[0].2.contains(&Context::SelfRescheduling));
    assert!(!evs[1].2.contains(&Context::SelfRescheduling));
    assert!(evs[2].2.contains(&Context::SelfRescheduling));
}

#[test]
fn retry_and_loop_contexts() {
    let src = r#"
function connect() {
  socket.on('close', () => setTimeout(connect, 1000));
  try { open(); } catch (e) { setTimeout(connect, backoff); }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function worker() {
  while (true) {
await sleep(60000);
  }
  for (let i = 0; i < 3; i++) { await sleep(10); }
}
"#;
    let evs = events(src);
    let timeouts: Vec<_> = evs
        .iter()
        .filter(|e| e.0 == "globalThis.setTimeout")
        .collect();
    assert!(timeouts[0].2.contains(&Context::Retry), "{timeouts:?}");
    assert!(timeouts[1].2.contains(&Context::Retry));
    let loop_sleep = timeouts.iter().find(|e| e.1 == 9).expect("sleep in loop");
    assert!(loop_sleep.2.contains(&Context::UnboundedLoop));
    let bounded = timeouts.iter().find(|e| e.1 == 11).expect("bounded sleep");
    assert!(!bounded.2.contains(&Context::UnboundedLoop));
}

#[test]
fn paths_built_on_a_temp_directory_are_temp_paths() {
    let src = r#"
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
const scratch = os.tmpdir();
const tempDirectory = scratch;
function run(id, tmpName) {
  const a = `${tempDirectory}/a_${id}.html`;
  fs.writeFileSync(a, '');
  fs.writeFileSync(path.join(scratch, 'b'), '');
  fs.writeFileSync(scratch + '/c', '');
  fs.writeFileSync(`out/${tmpName}`, '');
  fs.writeFileSync(path.join('out', scratch), '');
}
"#;
    let ex = extract(src, Dialect::JavaScript);
    let firsts: Vec<bool> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] == "fs.writeFileSync")
        .map(|e| e.args[0] == Arg::TempPath)
        .collect();
    assert_eq!(firsts, [true, true, true, false, false]);
}

#[test]
fn helpers_only_handed_temp_paths_have_temp_parameters() {
    let src = r#"
const fs = require('fs');
const os = require('os');
const path = require('path');
const rm = (p) => fs.unlinkSync(p);
function keep(p) { fs.unlinkSync(p); }
function passed(p) { fs.unlinkSync(p); }
export function shared(p) { fs.unlinkSync(p); }
rm(path.join(os.tmpdir(), 'a'));
keep(path.join(os.tmpdir(), 'a'));
keep('data/a');
passed(path.join(os.tmpdir(), 'a'));
files.forEach(passed);
shared(path.join(os.tmpdir(), 'a'));
"#;
    let ex = extract(src, Dialect::TypeScript);
    let temps: Vec<bool> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] == "fs.unlinkSync")
        .map(|e| e.args[0] == Arg::TempPath)
        .collect();
    assert_eq!(temps, [true, false, false, false]);
}

#[test]
fn request_uploads_are_scratch_files() {
    let src = r#"
const fs = require('fs');
async function handle(req) {
  const { path, originalname } = req.file;
  fs.unlinkSync(path);
  fs.unlinkSync(req.files[0].path);
  fs.unlinkSync(originalname);
  fs.unlinkSync(req.file.buffer);
}
"#;
    let ex = extract(src, Dialect::JavaScript);
    let temps: Vec<bool> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] == "fs.unlinkSync")
        .map(|e| e.args[0] == Arg::TempPath)
        .collect();
    assert_eq!(temps, [true, true, false, false]);
}

#[test]
fn decorators_object_args_and_lines() {
    let src = r#"
import { Cron, Interval } from '@nestjs/schedule';
import multer from 'multer';
class Jobs {
  @Cron('0 * * * *')
  hourly() {}
}
const upload = multer({ dest: 'uploads/' });
"#;
    let ex = extract(src, Dialect::TypeScript);
    let cron = &ex.facts.events[0];
    assert_eq!(cron.kind, EventKind::Annotation);
    assert_eq!(cron.targets, ["@nestjs/schedule.Cron"]);
    assert_eq!(cron.args, [Arg::Str("0 * * * *".into())]);
    let m = ex
        .facts
        .events
        .iter()
        .find(|e| e.targets[0] == "multer")
        .unwrap();
    assert_eq!(
        m.args,
        [Arg::Object(vec![Property::new(
            "dest",
            Value::Str("uploads/".into())
        )])]
    );
}

#[test]
fn per_instance_words() {
    assert!(mentions_per_instance_work("healthCheckTimer"));
    assert!(mentions_per_instance_work(
        "() => Metrics.gauge('conns', n)"
    ));
    assert!(mentions_per_instance_work("sendPing"));
    assert!(!mentions_per_instance_work("shippingReminder"));
    assert!(!mentions_per_instance_work("sendReminders"));
}

#[test]
fn timer_flags_and_environment_switches() {
    let src = r#"
const a = usePing ? setInterval(() => send(1), 5) : null;
if (opts.metricsEnabled) { setInterval(() => send(2), 5); }
function f() { if (opts.metricsEnabled) { return () => setInterval(() => send(3), 5); } }
switch (process.env.NODE_ENV) {
  case 'development': setInterval(() => send(4), 5); break;
  case 'production': setInterval(() => send(5), 5); break;
}
"#;
    let timers: Vec<Vec<Context>> = events(src)
        .into_iter()
        .filter(|(t, _, _)| t == "globalThis.setInterval")
        .map(|(_, _, c)| c)
        .collect();
    assert_eq!(
        timers,
        [
            vec![Context::PerInstance],
            vec![Context::PerInstance],
            vec![],
            vec![Context::Test],
            vec![],
        ]
    );
}

#[test]
fn flow_annotated_javascript_parses() {
    let src = "// @flow\nimport type { Config } from './config';\nconst fs = require('fs');\nfunction save(path: string, data: Config): void {\n  fs.writeFileSync(path, data);\n}\n";
    let ex = extract(src, Dialect::JavaScript);
    assert_eq!(ex.syntax_error, None);
    assert!(ex
        .facts
        .events
        .iter()
        .any(|e| e.targets[0] == "fs.writeFileSync"));
}

#[test]
fn syntax_errors_keep_the_parsed_parts() {
    let src = "const fs = require('fs');\nfs.writeFileSync('a', 'b');\nfunction (\n";
    let ex = extract(src, Dialect::JavaScript);
    assert!(ex.syntax_error.is_some());
    assert!(ex
        .facts
        .events
        .iter()
        .any(|e| e.targets[0] == "fs.writeFileSync"));
}

#[test]
fn a_bundler_plugin_type_or_the_compiler_api_marks_build_tooling() {
    let tooling = |src: &str| {
        extract(src, Dialect::TypeScript)
            .facts
            .file_context
            .contains(&Context::Tooling)
    };
    assert!(tooling(
        "import type { Plugin } from 'vite';\nexport const p: Plugin = { name: 'x' };"
    ));
    assert!(tooling(
        "import * as ts from 'typescript';\nts.sys.writeFile('a', 'b');"
    ));
    // A dev server embedding Vite as middleware is no build plugin.
    assert!(!tooling(
        "import { createServer } from 'vite';\nawait createServer({});"
    ));
}

#[test]
fn object_arguments_keep_simple_values() {
    let src = r#"
import knex from 'knex';
import { MikroORM } from '@mikro-orm/core';
import { SqliteDriver } from '@mikro-orm/sqlite';
const base = { client: 'sqlite3', connection: { filename: `./data.db` }, pool: { min: 0 } };
knex(base);
MikroORM.init({ driver: SqliteDriver, dbName: process.env.DB, ...rest });
"#;
    let ex = extract(src, Dialect::TypeScript);
    let props = |target: &str| match &ex
        .facts
        .events
        .iter()
        .find(|e| e.targets[0] == target)
        .unwrap()
        .args[0]
    {
        Arg::Object(props) => props.clone(),
        other => panic!("not an object: {other:?}"),
    };
    let knex = props("knex");
    assert_eq!(
        Property::lookup(&knex, "client"),
        [&Value::Str("sqlite3".into())]
    );
    assert_eq!(
        Property::lookup(&knex, "connection.filename"),
        [&Value::Str("./data.db".into())]
    );
    assert_eq!(Property::lookup(&knex, "pool.max"), Vec::<&Value>::new());
    assert_eq!(Property::lookup(&knex, "client.x"), Vec::<&Value>::new());
    let orm = props("@mikro-orm/core.MikroORM.init");
    assert_eq!(
        Property::lookup(&orm, "driver"),
        [&Value::Member("@mikro-orm/sqlite.SqliteDriver".into())]
    );
    assert_eq!(Property::lookup(&orm, "dbName"), [&Value::Other]);
    assert_eq!(orm.last().map(|p| p.key.as_str()), Some("..."));
}

#[test]
fn objects_assigned_in_branches_are_all_kept() {
    let src = r#"
const knex = require('knex');
const Dialect = require('knex/lib/dialects/sqlite3/index.js');
let config = {};
if (type === 'sqlite') {
    config = { client: Dialect, connection: { filename: dbPath } };
} else {
    config = { client: 'mysql2' };
}
knex(config);
"#;
    let ex = extract(src, Dialect::JavaScript);
    let event = ex
        .facts
        .events
        .iter()
        .find(|e| e.targets[0] == "knex")
        .unwrap();
    let Arg::Object(props) = &event.args[0] else {
        panic!("object argument");
    };
    assert_eq!(
        Property::lookup(props, "client"),
        [
            &Value::Member("knex/lib/dialects/sqlite3/index.js".into()),
            &Value::Str("mysql2".into())
        ]
    );
}

fn symbols(src: &str) -> Vec<String> {
    crate::frontend::symbols::describe(&extract(src, Dialect::TypeScript).facts.definitions)
}

#[test]
fn symbol_table_of_functions_classes_and_subcommands() {
    let src = "import { writeFile } from 'fs';
const app = express();
app.get('/x', handler);
function handler(req, res) { save(req.body); }
const save = async (b) => { writeFile('a', b); };
function neverCalled() { setInterval(() => { tick(); }, 1000); }
export function api() {}
// cleanup();
@Injectable()
export class Jobs {
  constructor(private readonly repo: Repo) { this.repo.ready(); }
  @Cron('* * * * *') sweep() { this.purge(); }
  private purge() {}
}
if (process.argv[2] === 'backup') { backup(); } else if (process.argv[2] === 'serve') { listen(); }
switch (process.argv[2]) { case 'restore': restore(); break; case 'start': start(); }
module.exports = { handler, other: save, make: build() };
exports.run = function () { work(); };
export { api };
export async function GET() {}
";
    assert_eq!(
        symbols(src),
        [
            " Entry <- None: Injectable app app::get build express handler listen module:fs process process::argv start",
            "handler Plain exported <- Some(0): req req::body res save",
            "save Plain exported <- Some(0): b writeFile",
            "neverCalled Plain <- Some(0): setInterval tick",
            "api Plain exported <- Some(0): ",
            "Jobs Entry exported <- Some(0): Cron",
            "Jobs.new Jobs Member exported <- Some(5): Jobs::repo repo repo::ready",
            "Jobs.sweep Entry exported <- Some(5): Jobs::purge",
            "Jobs.purge Plain <- Some(5): ",
            " Subcommand <- Some(0): backup",
            " Subcommand <- Some(0): restore",
            "run Plain exported <- Some(0): work",
            "GET Entry exported <- Some(0): ",
        ]
    );
}

#[test]
fn object_keys_mention_nothing_but_schedules() {
    let src = "function writeRoutes() {
  const config = { service: 'app', servers: [{ url }], [computed]: hook, 'quoted': 1, save };
  fs.writeFileSync(file, JSON.stringify(config));
}
function jobs() { return new Bree({ jobs: [{ name: 'mail', interval: '1h' }], schedule: plan }); }
";
    assert_eq!(
        symbols(src),
        [
            " Main <- None: ",
            "writeRoutes Plain <- Some(0): JSON JSON::stringify computed config file fs fs::writeFileSync hook save url",
            "jobs Plain <- Some(0): Bree interval new Bree plan schedule",
        ]
    );
}

#[test]
fn renamed_imports_and_polling_loops_in_the_symbol_table() {
    let src = "import { start as startJobs, stop } from './jobs';
startJobs();
async function poll() {
  for (;;) {
    const job = await next();
    if (!job) { await sleep(POLL_MS); continue; }
  }
}
async function waitForDb() {
  while (true) {
    try { await ping(); return; } catch { await sleep(1000); }
  }
}
async function drain() {
  while (true) {
    try { await flush(); } catch { await sleep(1000); }
  }
}
";
    assert_eq!(
        symbols(src),
        [
            " Main <- None: module:jobs start startJobs",
            "poll Plain <- Some(0): POLL_MS job next poll-loop sleep while",
            "waitForDb Plain <- Some(0): ping sleep while",
            "drain Plain <- Some(0): flush sleep while",
        ]
    );
}

#[test]
fn instance_paths_need_strong_evidence() {
    let src = r#"
const fs = require('fs');
const path = require('path');
const RUN = '/run/app';
function f(cacheFile, dataDir) {
  fs.writeFileSync(path.join(RUN, 'app.pid'), '');
  fs.writeFileSync(cacheFile, '');
  fs.writeFileSync(path.join(config.cacheDir, 'previews', id), '');
  fs.writeFileSync(path.join(dataDir, 'cache', id), '');
  fs.writeFileSync(path.join(nconf.get('cache_path'), 'uploads', id), '');
  fs.writeFileSync(path.join(config.cacheDir, 'app.log'), '');
  const preview = path.join(process.env.CACHE_DIR, `${id}.png`);
  fs.writeFileSync(preview, '');
  fs.writeFileSync(path.join(RUN, 'app.log'), '');
}
"#;
    let ex = extract(src, Dialect::JavaScript);
    let firsts: Vec<bool> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] == "fs.writeFileSync")
        .map(|e| matches!(e.args[0], Arg::InstancePath | Arg::ProcessPath))
        .collect();
    // A literal, a member and an environment key are strong; a parameter's name is not, and
    // `data`, `uploads` and a log file win over `cache`.
    assert_eq!(
        firsts,
        [true, false, true, false, false, false, true, false]
    );
    // The pid file is the process's own.
    let pid = ex
        .facts
        .events
        .iter()
        .find(|e| e.targets[0] == "fs.writeFileSync");
    assert_eq!(pid.map(|e| &e.args[0]), Some(&Arg::ProcessPath));
}

/// Line and temp-ness of the first argument of each `fs` call.
fn fs_call_temps(src: &str) -> Vec<(usize, bool)> {
    extract(src, Dialect::TypeScript)
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0].starts_with("fs"))
        .map(|e| {
            let line = src[..e.span.start].matches('\n').count() + 1;
            (line, e.args[0] == Arg::TempPath)
        })
        .collect()
}

#[test]
fn temp_paths_through_fields_and_returns() {
    let src = r#"import fs from 'fs';
import os from 'os';
import path from 'path';
class Renderer {
  page(b) { fs.writeFileSync(path.join(this.work, 'p'), b); fs.writeFileSync(path.join(this.keep, 'p'), b); }
  constructor() { this.work = fs.mkdtempSync(path.join(os.tmpdir(), 'r-')); this.keep = 'data'; }
  spool(b) { fs.writeFileSync(this.spoolPath(), b); fs.writeFileSync(mixed(), b); fs.writeFileSync(scratch('a'), b); }
  spoolPath() { return path.join(os.tmpdir(), 'spool'); }
}
function mixed() { if (x) return os.tmpdir(); return 'data/x'; }
const scratch = (id) => path.join(os.tmpdir(), id);
"#;
    let temps: Vec<(usize, bool)> = fs_call_temps(src)
        .into_iter()
        .filter(|(line, _)| *line != 6)
        .collect();
    assert_eq!(
        temps,
        vec![(5, true), (5, false), (7, true), (7, false), (7, true)]
    );
}

#[test]
fn spreads_of_names_bound_in_the_file_bring_their_keys() {
    let src = r#"
import rateLimit from 'express-rate-limit';
const base = { windowMs: 60000, store };
rateLimit({ ...base, limit: 5 });
rateLimit({ ...imported, limit: 5 });
"#;
    let ex = extract(src, Dialect::TypeScript);
    let keys: Vec<Vec<String>> = ex
        .facts
        .events
        .iter()
        .map(|e| match &e.args[0] {
            Arg::Object(props) => props.iter().map(|p| p.key.clone()).collect(),
            other => panic!("not an object: {other:?}"),
        })
        .collect();
    assert_eq!(
        keys,
        [vec!["windowMs", "store", "limit"], vec!["...", "limit"]]
    );
}

#[test]
fn files_created_and_deleted_in_one_function_are_scratch() {
    let src = r#"import fs from 'fs';
import os from 'os';
import path from 'path';
async function probe(dir) {
  const p = path.join(dir, '.probe');
  try { await fs.promises.writeFile(p, ''); } finally { await fs.promises.unlink(p); }
}
function replace(file, s) { fs.unlinkSync(file); fs.writeFileSync(file, s); }
function publish(id, data) {
  const part = `uploads/${id}.part`;
  fs.writeFileSync(part, data);
  fs.renameSync(part, `uploads/${id}`);
  fs.rmSync(part, { force: true });
}
function thumb(src) { fs.copyFileSync(src, path.join(os.tmpdir(), 't.png')); fs.copyFileSync(src, 'public/t.png'); }
"#;
    assert_eq!(
        fs_call_temps(src),
        vec![
            (6, true),
            (6, true),
            (8, false),
            (8, false),
            (11, false),
            (12, false),
            (13, true),
            (15, true),
            (15, false),
        ]
    );
}

#[test]
fn modules_handed_to_unresolved_methods_are_plugin_registrations() {
    let src = r#"
import rateLimit from '@fastify/rate-limit';
import { join } from 'node:path';
const app = makeApp();
app.register(rateLimit, { max: 5 });
app.register(require('@fastify/cors'));
app.register(localPlugin);
const wss = makeServer();
wss.clients.forEach((c) => c.send(join('a', 'b')));
"#;
    let ex = extract(src, Dialect::TypeScript);
    let registered: Vec<(&str, &Arg)> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] == "?.register")
        .map(|e| (e.targets[0].as_str(), &e.args[0]))
        .collect();
    assert_eq!(
        registered,
        [
            (
                "?.register",
                &Arg::Member(vec!["@fastify/rate-limit".into()])
            ),
            ("?.register", &Arg::Member(vec!["@fastify/cors".into()])),
        ]
    );
    assert!(ex.facts.calls.contains("clients.forEach"));
    assert!(ex.facts.calls.contains("forEach"));
}

#[test]
fn module_collections_written_from_functions_are_collection_events() {
    let src = r#"
const sessions = new Map();
const table = new Map([['a', 1]]);
const byRoom = {};
let queue = [];
sessions.set('boot', 1);
function join(socket, room) {
    sessions.set(socket.id, socket);
    byRoom[room] = socket.id;
    const sessions2 = new Map();
    sessions2.set(1, 2);
}
function shadowed(queue) { queue.push(1); }
"#;
    let ex = extract(src, Dialect::JavaScript);
    let collections: Vec<(String, Vec<String>)> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Collection)
        .map(|e| (e.targets[0].clone(), e.words.clone()))
        .collect();
    assert_eq!(
        collections,
        [
            (
                "globalThis.Map".to_string(),
                vec!["id".to_string(), "sessions".into(), "socket".into()]
            ),
            (
                "globalThis.Object".to_string(),
                vec!["by".to_string(), "room".into()]
            ),
        ]
    );
}

#[test]
fn entries_written_into_a_collection_give_held_words() {
    let src = r#"
const resets = new Map();
const queue = [];
const byDigest = {};
function request(digest, email) {
    resets.set(digest, { email, expires: Date.now() });
    queue.push({ userId: 1, ['computed']: 2 });
    byDigest[digest] = { 'quoted': 1, socketId: 2 };
}
"#;
    let ex = extract(src, Dialect::JavaScript);
    let held: Vec<Vec<String>> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Collection)
        .map(|e| e.held_words.clone())
        .collect();
    assert_eq!(
        held,
        [
            vec!["email".to_string(), "expires".into()],
            vec!["id".to_string(), "user".into()],
            vec!["id".to_string(), "socket".into()],
        ]
    );
}

#[test]
fn recurring_bodies_carry_their_work() {
    let src = r#"
import { Cron } from '@nestjs/schedule';
const cache = new Map();
function sweep() { cache.clear(); }
setInterval(sweep, 1000);
setInterval(() => db.query('DELETE FROM t'), 1000);
setTimeout(() => {}, 10);
class Jobs {
  @Cron('* * * * *')
  tick() { this.logger.info('tick'); }
}
async function poll() {
  while (true) {
    await mailer.sendDigest();
    await new Promise((r) => setTimeout(r, 1000));
  }
}
"#;
    let ex = extract(src, Dialect::TypeScript);
    let index = crate::position::LineIndex::new(src);
    let work: Vec<(usize, Vec<String>)> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] != "Promise")
        .filter_map(|e| {
            let line = index.line_col(src, e.span.start).0;
            Some((line, e.work.clone()?.kinds.into_iter().collect()))
        })
        .collect();
    let at = |line: usize| -> Vec<String> {
        work.iter()
            .rev()
            .find(|(l, _)| *l == line)
            .map(|(_, w)| w.clone())
            .unwrap_or_default()
    };
    assert_eq!(at(5), ["own-cache"]);
    assert_eq!(at(6), ["database"]);
    assert_eq!(at(7), ["in-memory"]);
    assert_eq!(at(9), ["logging"]);
    assert_eq!(at(15), ["email", "waiting"]);
}

#[test]
fn imports_mention_modules_and_a_file_without_exports_is_a_program() {
    let src = "import express from 'express';
import './jobs/index.js';
const db = require('../db');
program.command('start').action(() => { require('./server').listen(); });
program.command('build [targets...]').option('-v').action((targets) => { build(targets); });
yargs.command('export <file>', 'writes a dump', () => {}, (argv) => { dump(argv.file); });
yargs.command('serve', 'serves', () => {}, (argv) => { serve(); });
bot.command('help', (ctx) => ctx.reply('hi'));
async function lazy() { const m = await import('./plugins/cache.mjs'); }
";
    assert_eq!(
        symbols(src),
        [
            " Main <- None: ()::action ()::option *::listen argv bot bot::command ctx ctx::reply db module:db module:express module:jobs module:server program program::command require serve yargs yargs::command",
            " Subcommand <- Some(0): build targets",
            " Subcommand <- Some(0): argv argv::file dump",
            "lazy Plain <- Some(0): m module:cache",
        ]
    );
    let exporting = symbols("export const x = 1;\n");
    assert_eq!(exporting[0], " Entry <- None: x");
}

#[test]
fn statements_of_a_body_are_direct_calls() {
    let src = "const app = express();
(async () => {
  Database.initDataDir(args);
  await setup();
  const cfg = loadConfig();
  app.get('/x', (req, res) => { handle(req); });
  for (const p of plugins) { loadPlugin(p); }
  reuse();
  app.use(reuse);
})();
function start() { prepare(); setTimeout(() => later(), 5); }
";
    let defs = extract(src, Dialect::TypeScript).facts.definitions;
    let calls: Vec<&[String]> = defs.iter().map(|d| d.calls.as_slice()).collect();
    assert_eq!(
        calls,
        [
            &[
                "Database::initDataDir",
                "app::get",
                "app::use",
                "express",
                "loadConfig",
                "setup"
            ][..],
            &["prepare", "setTimeout"][..],
        ]
    );
}

#[test]
fn class_fields_written_by_methods_and_singleton_registrations() {
    let src = r#"
import { Injectable, Scope } from '@nestjs/common';
@Injectable()
export class Codes {
  private pending = new Map<string, LoginCode>();
  #rooms = {};
  constructor() { this.boot = []; this.boot.push(1); this.peers = new Set(); }
  issue(email: string) { this.pending.set(email, code()); this.#rooms[email] = 1; }
  onPeer = (peer) => { this.peers.add(peer.id); };
}
@Injectable({ scope: Scope.REQUEST })
class PerRequest {}
export default new Tracker();
module.exports = new svc.Directory(1);
function later() { return new NotTopLevel(); }
let manager;
function start() { manager = new Manager(); let local; local = new Local(); }
"#;
    let ex = extract(src, Dialect::TypeScript);
    let fields: Vec<(Option<&str>, &[String])> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.kind == EventKind::FieldCollection)
        .map(|e| (e.owner.as_deref(), e.words.as_slice()))
        .collect();
    let pending = ["code", "email", "login", "pending"].map(String::from);
    let rooms = ["email", "rooms"].map(String::from);
    let peers = ["id", "peer", "peers"].map(String::from);
    assert_eq!(
        fields,
        [
            (Some("Codes"), &pending[..]),
            (Some("Codes"), &rooms[..]),
            (Some("Codes"), &peers[..]),
        ]
    );
    let registrations: Vec<&str> = ex.facts.registrations.iter().map(String::as_str).collect();
    assert_eq!(
        registrations,
        [
            "@nestjs/common.Injectable:Codes",
            "new:Directory",
            "new:Manager",
            "new:Tracker",
            // `start` builds the application: what it constructs directly is built once.
            "startup:Local",
            "startup:Manager"
        ]
    );
}

#[test]
fn classes_built_once_by_start_up_builders() {
    // Directly in a top-level builder: registered. In a callback, a loop, a builder of test
    // doubles, a per-request `createUser`, or reached through a package object: not.
    let src =
        "export const createServices = (db) => ({ mail: new Mailer(db), pool: new pg.Pool() });\n\
        export default function init(app) {\n\
          app.register([new SeatLimit()]);\n\
          app.post('/x', () => new PerRequest());\n\
          for (const s of shards) { new PerShard(s); }\n\
        }\n\
        function createFakeServices() { return new FakeStore(); }\n\
        function createUser() { return new Draft(); }\n";
    let startup: Vec<String> = extract(src, Dialect::TypeScript)
        .facts
        .registrations
        .into_iter()
        .filter(|r| r.starts_with("startup:"))
        .collect();
    assert_eq!(startup, ["startup:Mailer", "startup:SeatLimit"]);
}

#[test]
fn delay_helpers_across_files() {
    // Top-level sleep helpers register themselves; other functions do not.
    let helper = "export const pause = (ms) => new Promise((r) => setTimeout(r, ms));\nexport function later(ms) { return new Promise((r) => setTimeout(r, ms)); }\nexport function slow(url) { return fetch(url); }\n";
    let delays = |src: &str, dialect| -> Vec<String> {
        let registered = extract(src, dialect).facts.registrations;
        registered
            .into_iter()
            .filter(|r| r.starts_with("delay:"))
            .collect()
    };
    assert_eq!(
        delays(helper, Dialect::TypeScript),
        ["delay:later", "delay:pause"]
    );
    // CommonJS exports are sleep helpers too.
    let commonjs = "exports.sleep = (ms) => new Promise((r) => setTimeout(r, ms));\nmodule.exports.wait = (ms) => new Promise((r) => setTimeout(r, ms));\nexports.fetchJson = (url) => fetch(url);\n";
    assert_eq!(
        delays(commonjs, Dialect::JavaScript),
        ["delay:sleep", "delay:wait"]
    );
    // An awaited call of an imported function in an endless loop asks for it; a call
    // that is not awaited, or outside a loop, does not.
    let job = "import { pause } from './pause';\nimport * as time from '../lib/time';\nasync function run() {\n  while (true) {\n    await db.sweep();\n    await pause(1000);\n    await time.later(5);\n    pause(1);\n  }\n}\nasync function once() { await pause(1); }\n";
    let ex = extract(job, Dialect::TypeScript);
    let index = crate::position::LineIndex::new(job);
    let wanted: Vec<(usize, Vec<String>)> = ex
        .facts
        .events
        .iter()
        .filter(|e| !e.requires_any.is_empty())
        .map(|e| (index.line_col(job, e.span.start).0, e.requires_any.clone()))
        .collect();
    assert_eq!(
        wanted,
        [
            (6, vec!["delay:pause".to_string()]),
            (7, vec!["delay:later".to_string()]),
        ]
    );
}

/// The words of each module-level collection event of `src`, joined, sorted.
fn sorted_collection_words(src: &str) -> Vec<String> {
    let ex = extract(src, Dialect::JavaScript);
    let mut names: Vec<String> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Collection)
        .map(|e| e.words.join(" "))
        .collect();
    names.sort();
    names
}

#[test]
fn connection_registries_only_counted_and_closed_are_not_collection_events() {
    let src = r#"
const open = new Set();
const byAddress = {};
const broadcastTo = new Set();
const looked = new Set();
const exported = new Set();
server.on('connection', (conn) => {
    open.add(conn);
    byAddress[conn.remoteAddress] = conn;
    broadcastTo.add(conn);
    looked.add(conn);
    exported.add(conn);
    conn.on('close', () => { open.delete(conn); delete byAddress[conn.remoteAddress]; });
});
function stop() {
    open.forEach((c) => c.destroy());
    for (const c of Object.values(byAddress)) { c.end(); }
    for (const c of broadcastTo) c.write('bye');
    return open.size + looked.size + exported.size + (looked.has(1) ? 1 : 0);
}
module.exports = { exported };
"#;
    let names = sorted_collection_words(src);
    assert_eq!(names, ["broadcast conn to", "conn exported", "conn looked"]);
}

#[test]
fn state_reached_only_under_its_connections_id_is_not_a_collection_event() {
    let src = r#"
const buffers = {};
const byUser = {};
const roster = new Map();
function onChunk(socket, chunk) {
    buffers[socket.id] = buffers[socket.id] || [];
    buffers[socket.id].push(chunk);
    byUser[socket.data.user] = chunk;
    roster.set(socket.id, chunk);
}
function onDone(socket) {
    const all = buffers[socket.id];
    delete buffers[socket.id];
    return byUser[socket.data.user] + all + roster.get(socket.id) + [...roster.values()];
}
"#;
    let names = sorted_collection_words(src);
    assert_eq!(names, ["by data socket user", "id roster socket"]);
}

#[test]
fn node_timers_are_delays_once() {
    let src = r#"
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
const nap = promisify(setTimeout);
async function a() { while (true) { await work(); await sleep(1000); } }
async function b() { while (true) { await work(); await nap(1000); } }
"#;
    let ex = extract(src, Dialect::TypeScript);
    let delays: Vec<_> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0].ends_with(".setTimeout"))
        .map(|e| (e.targets[0].as_str(), e.requires_any.len()))
        .collect();
    // The module's own timer needs no helper registration, so it is not doubled by one.
    assert_eq!(
        delays,
        [
            ("timers/promises.setTimeout", 0),
            ("globalThis.setTimeout", 0)
        ]
    );
    assert!(ex.facts.registrations.contains("delay:nap"));
}

#[test]
fn observable_work_comes_from_its_chain() {
    let src = r#"
import { interval } from 'rxjs';
interval(1000).subscribe(() => metrics.gauge('heap', 1));
interval(1000).pipe(switchMap(() => db.poll())).subscribe();
"#;
    let ex = extract(src, Dialect::TypeScript);
    let work: Vec<_> = ex
        .facts
        .events
        .iter()
        .filter(|e| e.targets[0] == "rxjs.interval")
        .map(|e| {
            e.work
                .clone()
                .unwrap_or_default()
                .kinds
                .into_iter()
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        work,
        [vec!["metrics".to_string()], vec!["database".to_string()]]
    );
}

#[test]
fn loops_that_end_with_their_work_are_bounded() {
    let src = r#"
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function a() { while (true) { const ids = await next(); if (!ids.length || stopped) return; await sleep(5); } }
async function b() { let done = false; while (!done) { const x = await next(); if (x === null) { done = true; } await sleep(5); } }
async function c() { while (true) { await work(); if (stopped || signal.aborted) return; await sleep(5); } }
class W { async d() { while (!this.stopped) { await work(); await sleep(5); } } stop() { this.stopped = true; } }
"#;
    let unbounded: Vec<bool> = events(src)
        .into_iter()
        .filter(|e| e.0 == "globalThis.setTimeout" && e.1 > 2)
        .map(|e| e.2.contains(&Context::UnboundedLoop))
        .collect();
    assert_eq!(unbounded, [false, false, true, true]);
}

#[test]
fn a_ladder_of_flags_ending_in_the_serve_path_chooses_subcommands() {
    // Two settings before the serve path configure it (`tls`, `h2`): no ladder.
    let src = "const opts = require('./options');
if (opts.get('setup') || opts.get('install')) {
  require('./cli/setup').setup();
} else if (!configured) {
  require('./install/web').install(opts.get('port'));
} else if (opts.get('reindex')) {
  require('./cli/search').reindex();
} else if (opts.get('bundle')) {
  require('./cli/assets').bundle();
} else {
  require('./boot').start();
}
if (opts.get('tls')) {
  useTls();
} else if (opts.get('h2')) {
  useH2();
} else {
  listen();
}
";
    assert_eq!(
        symbols(src),
        [
            " Main <- None: *::get *::install *::start configured listen module:boot module:options module:web opts require useH2 useTls",
            " Subcommand <- Some(0): *::setup module:setup require",
            " Subcommand <- Some(0): *::reindex module:search require",
            " Subcommand <- Some(0): *::bundle module:assets require",
        ]
    );
}

#[test]
fn paths_built_on_parameters_assume_them_temporary_and_calls_record_what_they_pass() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
const fs = require('fs');
const os = require('os');
const path = require('path');
const { placeEntry } = require('./entries');
function unpack(archive, target) {
  const entryPath = path.join(target, archive.name);
  fs.writeFileSync(entryPath, archive.data);
  placeEntry(target, archive);
}
function handle(req) {
  const tmpDir = path.join(os.tmpdir(), 'x');
  unpack(req.body, tmpDir);
  fs.writeFile(req.body.name, 'x', () => {});
}
module.exports = { unpack, handle };
"#;
    let facts = extract(src, Dialect::JavaScript).facts;
    let write = facts
        .events
        .iter()
        .find(|e| e.targets[0] == "fs.writeFileSync")
        .unwrap();
    assert_eq!(
        write.assumed.as_ref().unwrap().registrations,
        ["temp-param:unpack:1"]
    );
    let param = ArgSource::Param {
        function: "unpack".to_string(),
        index: 1,
    };
    for flow in [
        ArgFlow::new("placeEntry", 0, param),
        ArgFlow::new("unpack", 1, ArgSource::Temp),
        ArgFlow::new("unpack", 0, ArgSource::Plain),
        // An installed module's function passes only plain values.
        ArgFlow::new("writeFile", 0, ArgSource::Plain),
    ] {
        assert!(facts.arg_flows.contains(&flow), "{flow:?}");
    }
}

#[test]
fn calls_handing_cache_folders_record_them_as_this_instances_own() {
    use crate::event::{ArgFlow, ArgSource};
    let src = r#"
const path = require('path');
const config = require('./config');
const { render, keep } = require('./render');
const CACHE_DIR = path.join(__dirname, 'var');
function handle(req) {
  render(req.id, path.join(config.cacheDir, 'previews'));
  render(req.id, CACHE_DIR);
  render(req.id, path.join(config.mediaDir, 'previews'));
  keep(req.id, config.cachedUploadsDir);
}
module.exports = { handle };
"#;
    let facts = extract(src, Dialect::JavaScript).facts;
    for flow in [
        ArgFlow::new("render", 1, ArgSource::Instance),
        ArgFlow::new("render", 1, ArgSource::Plain),
        ArgFlow::new("keep", 1, ArgSource::Plain),
    ] {
        assert!(facts.arg_flows.contains(&flow), "{flow:?}");
    }
    let instances = facts
        .arg_flows
        .iter()
        .filter(|f| f.source == ArgSource::Instance)
        .count();
    assert_eq!(instances, 2);
}

#[test]
fn each_definition_carries_its_own_direct_work() {
    let src = r#"
import { flushQueue } from './queue';
export function pruneIdle() {
  console.log('pruning');
  [1].forEach(() => metrics.gauge('idle', 1));
  forgetOld();
}
function forgetOld() { recent.clear(); }
export class Digest {
  async send() { await mailer.sendMail({}); await this.store.flushQueue(); }
}
interface Sender { deliver(to: string): Promise<void>; }
"#;
    let ex = extract(src, Dialect::TypeScript);
    let work = |name: &str| -> (Vec<String>, Vec<String>) {
        let d = ex
            .facts
            .definitions
            .iter()
            .find(|d| d.name == name)
            .unwrap();
        let w = d.work.clone().unwrap_or_default();
        (
            w.kinds.into_iter().collect(),
            w.callees.into_iter().collect(),
        )
    };
    // A closure's calls count for the function around it; a function of the same file is
    // a callee the project resolves.
    assert_eq!(
        work("pruneIdle"),
        (
            vec!["logging".into(), "metrics".into()],
            vec!["forgetOld".into()]
        )
    );
    assert_eq!(work("forgetOld"), (vec![], vec![]));
    assert_eq!(
        work("send"),
        (vec!["email".into()], vec!["flushQueue".into()])
    );
    // A declaration without a body tells nothing.
    assert!(ex
        .facts
        .definitions
        .iter()
        .all(|d| d.name != "deliver" || d.work.is_none()));
}

/// The flows a file hands to calls: (slot, kinds, callees).
fn handed(src: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    extract(src, Dialect::TypeScript)
        .facts
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
        .collect()
}

#[test]
fn imported_callbacks_are_handed_by_their_own_name_and_other_names_as_unknown() {
    let src = r#"
import { every } from './every';
import { sendDigests as mailDigests } from './digest';
const { reconcile } = require('./jobs');
const jobs = require('./jobs');

export function start(task: () => void) {
    every(60_000, mailDigests);
    every(60_000, reconcile);
    every(60_000, task);
    const local = makeJob();
    every(60_000, local);
    every(60_000, jobs.rotateKeys);
    every(60_000, task);
}
"#;
    let flows = handed(src);
    let slot = |callee: &str| {
        flows
            .iter()
            .any(|(s, _, c)| s == "every#1" && c.iter().any(|c| c == callee))
    };
    assert!(slot("sendDigests"), "{flows:?}");
    assert!(slot("reconcile"), "{flows:?}");
    assert!(
        flows
            .iter()
            .any(|(_, _, c)| c.iter().any(|c| c.ends_with("rotateKeys"))),
        "{flows:?}"
    );
    let unknown: Vec<_> = flows
        .iter()
        .filter(|(s, k, _)| s == "every#1" && k.iter().any(|k| k == crate::work::UNKNOWN))
        .collect();
    // The parameter and the local hand unknown work, once per slot.
    assert_eq!(unknown.len(), 1, "{flows:?}");
    // A number handed beside them is no callback.
    assert!(flows.iter().all(|(s, _, _)| s != "every#0"), "{flows:?}");
}

#[test]
fn timers_the_operation_clears_are_per_operation() {
    let src = r#"
async function exportReport(id) {
  const beat = setInterval(() => touch(id), 5000);
  try { await build(id); } finally { clearInterval(beat); }
}
function stream(req, res) {
  const ping = setInterval(() => res.write(':\n'), 15000);
  pump(req, res).finally(() => clearInterval(ping));
}
function start() {
  const t = setInterval(job, 60000);
  process.on('SIGTERM', () => clearInterval(t));
}
function every() {
  const t = setInterval(job, 60000);
  return () => clearInterval(t);
}
class A {
  restart() { clearInterval(this.t); this.t = setInterval(job, 1000); }
  run() { this.p = setInterval(job, 1000); child.on('exit', () => clearInterval(this.p)); }
}
async function lease(u) {
  let h;
  const renew = () => { touch(u); h = setTimeout(renew, 1000); };
  renew();
  try { await work(u); } finally { clearTimeout(h); }
}
function proxy(up, res) {
  const k = setInterval(() => touch(), 1000);
  const finish = () => { clearInterval(k); res.end(); };
  up.on('error', finish);
}
function sweeper() {
  const s = setInterval(job, 1000);
  const stop = () => clearInterval(s);
  process.once('SIGINT', stop);
  return stop;
}
"#;
    let per: Vec<(usize, bool)> = events(src)
        .into_iter()
        .filter(|e| e.0.starts_with("globalThis.set"))
        .map(|e| (e.1, e.2.contains(&Context::PerOperation)))
        .collect();
    assert_eq!(
        per,
        vec![
            (3, true),
            (7, true),
            (11, false),
            (15, false),
            (19, false),
            (20, true),
            (24, true),
            (29, true),
            (34, false)
        ]
    );
}

/// The words of each collection event of `src`, in order.
fn collection_words(src: &str) -> Vec<Vec<String>> {
    extract(src, Dialect::JavaScript)
        .facts
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Collection)
        .map(|e| e.words.clone())
        .collect()
}

#[test]
fn collections_written_under_a_minted_id_are_described_as_minted() {
    let src = r#"
const crypto = require('crypto');
const inFlight = new Map();
const byHash = new Map();
const tickets = {};
function start(req) {
    const id = crypto.randomUUID();
    inFlight.set(id, { size: req.body.size });
    byHash.set(hash(req.body), 1);
    tickets[crypto.randomBytes(8).toString('hex')] = req.body;
}
"#;
    let words = collection_words(src);
    assert!(words[0].contains(&"minted".to_string()), "{words:?}");
    assert!(!words[1].contains(&"minted".to_string()), "{words:?}");
    assert!(words[2].contains(&"minted".to_string()), "{words:?}");
}

#[test]
fn route_registering_functions_keep_their_collections_for_the_handlers() {
    let src = r#"
module.exports = async function notes(app) {
    const shares = new Map();
    const allowed = new Set(['a']);
    app.post('/share', async (req) => { shares.set(req.params.id, 1); });
    app.get('/x', async (req) => {
        const chunks = [];
        req.raw.on('data', (c) => chunks.push(c));
        return allowed.has(req.query.t);
    });
    // The server's own open connections, kept to close them at shutdown.
    const open = [];
    server.on('connection', (conn) => {
        const key = conn.remoteAddress + ':' + conn.remotePort;
        open[key] = conn;
        conn.on('close', () => open.splice(key, 1));
    });
    app.destroy = () => { for (const key in open) { open[key].destroy(); } };
};
function perRequest(req) {
    const seen = new Set();
    req.items.forEach((i) => seen.add(i));
}
"#;
    assert_eq!(
        collection_words(src),
        [vec![
            "id".to_string(),
            "params".into(),
            "req".into(),
            "shares".into()
        ]]
    );
}

#[test]
fn caches_built_on_a_store_are_described_as_backed() {
    let src = r#"
import Keyv from 'keyv';
const codes = new Keyv({ namespace: 'codes' });
const tokens = new Keyv({ store: redisStore });
const grants = new Keyv('redis://cache:6379');
export function issue(k, v) { codes.set(k, v); tokens.set(k, v); grants.set(k, v); }
"#;
    let backed: Vec<bool> = collection_words(src)
        .iter()
        .map(|w| w.contains(&"backed".to_string()))
        .collect();
    assert_eq!(backed, [false, true, true]);
}

#[test]
fn a_loop_sending_to_a_servers_clients_is_a_broadcast() {
    let sends = extract(
        "function all(m) { for (const c of wss.clients) { c.send(m); } }",
        Dialect::JavaScript,
    );
    assert!(sends.facts.calls.contains("clients.forEach"));
    let ends = extract(
        "function close() { for (const c of wss.clients) { c.terminate(); } }",
        Dialect::JavaScript,
    );
    assert!(!ends.facts.calls.contains("clients.forEach"));
}

#[test]
fn a_delay_given_a_parameter_still_takes_the_loop_body_as_its_work() {
    // The duration comes from a parameter of the function around the loop: it is no
    // callback whose work the function's callers hand it.
    let job = "import { delay } from '@acme/lib/utils';\nexport async function start(interval = 10) {\n  while (true) {\n    await prisma.link.create({ data: {} });\n    await delay(interval);\n  }\n}\n";
    let ex = extract(job, Dialect::TypeScript);
    let delay = ex
        .facts
        .events
        .iter()
        .find(|e| e.requires_any == ["delay:delay"])
        .expect("the helper's delay");
    let work = delay.work.as_ref().expect("the loop's work");
    assert!(work.pending.is_empty(), "{work:?}");
    assert!(work.kinds.contains("database"), "{work:?}");
}
