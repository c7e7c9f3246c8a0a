//! What a JavaScript/TypeScript file's package is, from the nearest `package.json`: a
//! browser or mobile app's files never run as service instances, and a command-line
//! tool's files write local files on purpose, so the engine treats them as client-side
//! code and tooling respectively.
//!
//! A package is **client-side** when its `dependencies` or `peerDependencies` name a UI
//! framework (react, react-dom, vue, svelte, @angular/core, preact, solid-js, lit,
//! react-native, expo, `@ionic/*`), or any dependency section names a desktop framework
//! (`[desktop] packages` in the placement data: electron, the Tauri API; a desktop app
//! runs once per user, not behind a load balancer), **and** no dependency section
//! (dev dependencies included: meta-frameworks are often listed there) names a server
//! framework or runtime. That list holds HTTP servers (express, fastify, koa, hapi,
//! `@nestjs/*`, hono, restify, h3, micro, polka, ...), websocket servers (socket.io, ws),
//! meta-frameworks whose packages hold server code (next, nuxt, `@remix-run/*`,
//! `@react-router/node`, @sveltejs/kit, astro, `@solidjs/start`, qwik-city, nitro,
//! TanStack Start), API layers (@trpc/server, Apollo Server, GraphQL Yoga), serverless
//! runtimes (@vercel/node, firebase-functions, @azure/functions, ...), job queues and
//! schedulers (bull, bullmq, agenda, node-cron, cron, pg-boss, graphile-worker, Temporal
//! workers, ...), message brokers (kafkajs, amqplib, nats, Pub/Sub), gRPC servers, chat
//! bots (discord.js, telegraf, @slack/bolt, probot), backend frameworks a plugin package
//! plugs into (payload, @keystone-6/core, @strapi/strapi, @medusajs/framework: a CMS
//! plugin's React admin components sit beside its server hooks), server-side SDKs
//! (@sentry/node, @sentry/nextjs, ...) and server-side data access (mongoose, prisma, pg,
//! mysql, typeorm, sequelize, knex, drizzle-orm, mongodb, redis, ioredis, ...): a package
//! using one of these has (or may have) code that runs on a server, so its files keep
//! their findings. Embedded databases (better-sqlite3) are no signal: desktop apps and
//! tools use them.
//!
//! A package is a **command-line tool** when it has a `bin` field or its `dependencies`
//! or `peerDependencies` name an argument parser or terminal prompt library (commander,
//! yargs, meow, cac, `@oclif/core`, inquirer, prompts, @clack/prompts, ora, ...), and no
//! dependency section names a server framework or runtime from the list above.
//!
//! A package that also exports a library (`main`, `module`, `exports`, `types`) may be
//! linked by a service (an ORM or query builder shipping its migration CLI: typeorm,
//! knex), so it needs an interactive prompt or spinner as well (libraries do not ask
//! questions).
//!
//! The `ws` websocket library serves and connects alike: it counts as a server unless
//! the package also prompts its user or shows a spinner (inquirer, prompts, ora, ...),
//! the mark of an interactive command-line client (a tunnel or dev-server CLI).
//!
//! A workspace library that only client apps and command-line tools of its monorepo depend
//! on is client-side too (see [`super::npm_workspace`]).
//!
//! A `package.json` with `workspaces` (or beside a `pnpm-workspace.yaml`/`lerna.json`)
//! is a monorepo root: it says nothing about its workspaces, nor about files under it
//! that no nearer package claims. A `package.json` without `name` and without
//! dependencies (`{"type": "module"}` in a subdirectory) is skipped and the search goes
//! on upwards. Tests inside either kind of package are test code anyway.

use super::lock;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// What a package is, when it tells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageKind {
    /// A browser, mobile or desktop app (or a UI library): its files never run as a
    /// service instance.
    ClientSide,
    /// A command-line tool.
    Tool,
}

/// UI frameworks: a package depending on one (and on no server) is client-side.
const UI_FRAMEWORKS: &[&str] = &[
    "react",
    "react-dom",
    "vue",
    "svelte",
    "@angular/core",
    "preact",
    "solid-js",
    "lit",
    "react-native",
    "expo",
];

/// UI framework scopes.
const UI_SCOPES: &[&str] = &["@ionic/"];

/// Argument parsers, prompts and spinners: a package depending on one (and on no
/// server) is a command-line tool.
const CLI_LIBRARIES: &[&str] = &[
    "commander",
    "yargs",
    "meow",
    "cac",
    "@oclif/core",
    "oclif",
    "inquirer",
    "@inquirer/prompts",
    "prompts",
    "@clack/prompts",
    "enquirer",
    "ora",
    "sade",
    "clipanion",
    "citty",
    "minimist",
    "arg",
];

/// Server frameworks and runtimes, queues, schedulers and server-side data access: a
/// package depending on one has code that runs on a server.
const SERVER_PACKAGES: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "hapi",
    "hono",
    "restify",
    "h3",
    "micro",
    "polka",
    "sails",
    "elysia",
    "socket.io",
    "uWebSockets.js",
    "next",
    "nuxt",
    "astro",
    "nitropack",
    "vinxi",
    "apollo-server",
    "apollo-server-express",
    "graphql-yoga",
    "firebase-functions",
    "firebase-admin",
    "aws-lambda",
    "serverless",
    "bull",
    "bullmq",
    "bee-queue",
    "agenda",
    "node-cron",
    "cron",
    "node-schedule",
    "croner",
    "kafkajs",
    "amqplib",
    "mongoose",
    "prisma",
    "pg",
    "postgres",
    "mysql",
    "mysql2",
    "typeorm",
    "sequelize",
    "knex",
    "drizzle-orm",
    "mongodb",
    "redis",
    "ioredis",
    "objection",
    "nats",
    "sqs-consumer",
    "pg-boss",
    "graphile-worker",
    "discord.js",
    "telegraf",
    "probot",
    "payload",
    "@keystone-6/core",
    "@strapi/strapi",
    "@medusajs/framework",
    "@medusajs/medusa",
    "@redwoodjs/api",
    "@directus/api",
    "better-auth",
    "next-auth",
    // Express middleware that only runs inside a server (a package shipping a React admin
    // app next to the server plugin that serves it).
    "express-rate-limit",
    "express-slow-down",
    "express-session",
    "rate-limiter-flexible",
    "multer",
    "helmet",
];

/// Packages a server and a command-line client both use (the `ws` websocket library): a
/// server signal that outweighs a UI framework, a `bin` field and an argument parser,
/// but not an interactive prompt or spinner (a server does not ask its user questions).
const WEAK_SERVER_PACKAGES: &[&str] = &["ws"];

/// Interactive prompts and spinners among [`CLI_LIBRARIES`].
const INTERACTIVE: &[&str] = &[
    "inquirer",
    "@inquirer/prompts",
    "prompts",
    "@clack/prompts",
    "enquirer",
    "ora",
];

/// Scopes (and scoped packages) of server frameworks and runtimes.
const SERVER_PREFIXES: &[&str] = &[
    "@nestjs/",
    "@hapi/",
    "@koa/",
    "@fastify/",
    "@hono/",
    "@remix-run/",
    "@react-router/node",
    "@react-router/serve",
    "@sveltejs/kit",
    "@solidjs/start",
    "@builder.io/qwik-city",
    "@tanstack/start",
    "@tanstack/react-start",
    "@tanstack/solid-start",
    "@trpc/server",
    "@apollo/server",
    "@feathersjs/",
    "@adonisjs/",
    "@loopback/",
    "@vercel/node",
    "@netlify/functions",
    "@azure/functions",
    "@google-cloud/functions-framework",
    "@aws-sdk/client-sqs",
    "@prisma/client",
    "@mikro-orm/",
    "@grpc/grpc-js",
    "@google-cloud/pubsub",
    "@temporalio/worker",
    "@slack/bolt",
    "@hocuspocus/server",
    "@sentry/node",
    "@sentry/nextjs",
    "@sentry/nestjs",
    "@sentry/remix",
    "@sentry/sveltekit",
    "@sentry/aws-serverless",
    "@sentry/google-cloud-serverless",
];

/// Fields naming a library entry point: a package with one may be linked by a service.
const LIBRARY_ENTRIES: &[&str] = &["main", "module", "exports", "types", "typings"];

/// All dependency sections.
const SECTIONS: &[&str] = &[
    "dependencies",
    "peerDependencies",
    "optionalDependencies",
    "devDependencies",
];

/// Sections saying what the package's own code uses at run time.
const RUNTIME_SECTIONS: &[&str] = &["dependencies", "peerDependencies"];

/// What a parsed manifest says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manifest {
    /// A package, of this kind if any.
    Package(Option<PackageKind>),
    /// A monorepo root: no claim on the files below it.
    WorkspaceRoot,
    /// A nameless, dependency-less marker (`{"type": "module"}`): look further up.
    Marker,
}

/// What a `package.json` text makes its package, if anything. `None` for text that is
/// not a JSON object, a monorepo root (`workspaces`), or a package that is neither
/// client-side nor a command-line tool.
pub fn classify(text: &str) -> Option<PackageKind> {
    match parse(text) {
        Manifest::Package(kind) => kind,
        Manifest::WorkspaceRoot | Manifest::Marker => None,
    }
}

fn parse(text: &str) -> Manifest {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return Manifest::Package(None);
    };
    if root.contains_key("workspaces") {
        return Manifest::WorkspaceRoot;
    }
    let has_deps = SECTIONS.iter().any(|s| root.contains_key(*s));
    if !root.contains_key("name") && !has_deps && !root.contains_key("bin") {
        return Manifest::Marker;
    }
    let names = |sections: &[&str]| -> Vec<&str> {
        sections
            .iter()
            .filter_map(|s| root.get(*s).and_then(Value::as_object))
            .flat_map(Map::keys)
            .map(String::as_str)
            .collect()
    };
    let all = names(SECTIONS);
    let runtime = names(RUNTIME_SECTIONS);
    let server = all.iter().any(|d| is_server_package(d));
    let interactive = runtime.iter().any(|d| INTERACTIVE.contains(d));
    let weak_server = all.iter().any(|d| WEAK_SERVER_PACKAGES.contains(d));
    if server || (weak_server && !interactive) {
        return Manifest::Package(None);
    }
    let ui = runtime
        .iter()
        .any(|d| UI_FRAMEWORKS.contains(d) || UI_SCOPES.iter().any(|p| d.starts_with(p)))
        || all.iter().any(|d| is_desktop_package(d));
    if ui {
        return Manifest::Package(Some(PackageKind::ClientSide));
    }
    let has_bin = match root.get("bin") {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Object(m)) => !m.is_empty(),
        _ => false,
    };
    let library = LIBRARY_ENTRIES.iter().any(|k| root.contains_key(*k));
    if (has_bin || runtime.iter().any(|d| CLI_LIBRARIES.contains(d))) && (!library || interactive) {
        return Manifest::Package(Some(PackageKind::Tool));
    }
    Manifest::Package(None)
}

/// Whether a dependency is a server framework or runtime, a queue or server-side data access.
fn is_server_package(name: &str) -> bool {
    SERVER_PACKAGES.contains(&name)
        || SERVER_PREFIXES
            .iter()
            .any(|p| name.starts_with(p) && (p.ends_with('/') || name.len() == p.len()))
}

/// Whether any dependency section of a `package.json` text names a server package (weak ones
/// such as `ws` included): its package has, or may have, code that runs on a server.
pub fn names_a_server(text: &str) -> bool {
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return true;
    };
    SECTIONS
        .iter()
        .filter_map(|s| root.get(*s).and_then(Value::as_object))
        .flat_map(Map::keys)
        .any(|d| is_server_package(d) || WEAK_SERVER_PACKAGES.contains(&d.as_str()))
}

/// Whether a dependency is a desktop framework (`[desktop] packages` in the placement
/// data: `electron`, the Tauri API).
fn is_desktop_package(name: &str) -> bool {
    crate::placement::builtin()
        .is_ok_and(|places| places.desktop_packages.iter().any(|g| g.matches(name)))
}

/// Package kinds, cached per directory (every file of a directory has the same nearest
/// `package.json`).
#[derive(Default)]
pub struct PackageCache {
    by_dir: Mutex<HashMap<PathBuf, Option<PackageKind>>>,
    workspaces: super::npm_workspace::WorkspaceCache,
}

impl PackageCache {
    /// The kind of the package whose `package.json` is nearest above the file at
    /// `path`; `None` with no manifest or one that tells nothing.
    pub fn kind(&self, path: &Path) -> Option<PackageKind> {
        let path = std::path::absolute(path).ok()?;
        let dir = path.parent()?;
        if let Some(kind) = lock(&self.by_dir).get(dir) {
            return *kind;
        }
        let kind = self.lookup(dir);
        lock(&self.by_dir).insert(dir.to_path_buf(), kind);
        kind
    }

    fn lookup(&self, dir: &Path) -> Option<PackageKind> {
        for d in dir.ancestors() {
            if d != dir {
                if let Some(kind) = lock(&self.by_dir).get(d) {
                    return *kind;
                }
            }
            let manifest = d.join("package.json");
            if !manifest.is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&manifest) else {
                return None;
            };
            match parse(&text) {
                Manifest::Marker => continue,
                Manifest::WorkspaceRoot => return None,
                Manifest::Package(_)
                    if d.join("pnpm-workspace.yaml").is_file()
                        || d.join("lerna.json").is_file() =>
                {
                    return None
                }
                Manifest::Package(None) if self.workspaces.is_client_library(d, &text) => {
                    return Some(PackageKind::ClientSide)
                }
                Manifest::Package(kind) => return kind,
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_react_app_is_client_side() {
        let text = r#"{"name": "web", "dependencies": {"react": "^18", "react-dom": "^18", "axios": "1"}}"#;
        assert_eq!(classify(text), Some(PackageKind::ClientSide));
        let vue = r#"{"name": "ui", "peerDependencies": {"vue": "^3"}}"#;
        assert_eq!(classify(vue), Some(PackageKind::ClientSide));
        let ionic = r#"{"name": "app", "dependencies": {"@ionic/angular": "7"}}"#;
        assert_eq!(classify(ionic), Some(PackageKind::ClientSide));
        let desktop = r#"{"name": "desk", "devDependencies": {"electron": "30"}}"#;
        assert_eq!(classify(desktop), Some(PackageKind::ClientSide));
        let tauri = r#"{"name": "shell", "dependencies": {"@tauri-apps/plugin-fs": "2"}}"#;
        assert_eq!(classify(tauri), Some(PackageKind::ClientSide));
    }

    #[test]
    fn a_server_dependency_outweighs_a_ui_framework() {
        for text in [
            r#"{"name": "ssr", "dependencies": {"react": "18", "express": "4"}}"#,
            r#"{"name": "site", "dependencies": {"react": "18", "next": "14"}}"#,
            r#"{"name": "kit", "dependencies": {"svelte": "4"}, "devDependencies": {"@sveltejs/kit": "2"}}"#,
            r#"{"name": "nest", "dependencies": {"react": "18", "@nestjs/core": "10"}}"#,
            r#"{"name": "remix", "dependencies": {"react": "18", "@remix-run/node": "2"}}"#,
            r#"{"name": "mail", "dependencies": {"react": "18", "bullmq": "5"}}"#,
            r#"{"name": "data", "dependencies": {"vue": "3", "@prisma/client": "5"}}"#,
            r#"{"name": "plugin", "peerDependencies": {"payload": "3", "react": "19"}}"#,
            r#"{"name": "admin", "dependencies": {"react": "19", "express-rate-limit": "7"}}"#,
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
    }

    #[test]
    fn a_ui_framework_only_among_dev_dependencies_is_no_signal() {
        let text = r#"{"name": "shared", "devDependencies": {"react": "18"}}"#;
        assert_eq!(classify(text), None);
    }

    #[test]
    fn a_bin_field_or_an_argument_parser_makes_a_tool() {
        let bin = r#"{"name": "tool", "private": true, "bin": {"tool": "./dist/cli.js"}}"#;
        assert_eq!(classify(bin), Some(PackageKind::Tool));
        let bin_string = r#"{"name": "tool", "bin": "./cli.js"}"#;
        assert_eq!(classify(bin_string), Some(PackageKind::Tool));
        let parser = r#"{"name": "gen", "dependencies": {"commander": "12", "chalk": "5"}}"#;
        assert_eq!(classify(parser), Some(PackageKind::Tool));
        let prompts = r#"{"name": "init", "dependencies": {"@clack/prompts": "0.7"}}"#;
        assert_eq!(classify(prompts), Some(PackageKind::Tool));
    }

    #[test]
    fn a_server_dependency_outweighs_a_tool_signal() {
        for text in [
            r#"{"name": "api", "bin": {"api": "./bin/www"}, "dependencies": {"express": "4"}}"#,
            r#"{"name": "worker", "dependencies": {"commander": "12", "pg": "8"}}"#,
            r#"{"name": "srv", "dependencies": {"yargs": "17", "@fastify/cors": "9"}}"#,
            r#"{"name": "rt", "dependencies": {"yargs": "17"}, "devDependencies": {"ws": "8"}}"#,
            r#"{"name": "relay", "bin": "server.js", "dependencies": {"ws": "8"}}"#,
            r#"{"name": "live", "dependencies": {"react": "18", "ws": "8"}}"#,
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
        let tunnel = r#"{"name": "t", "bin": "t.js", "dependencies": {"ws": "8", "ora": "8"}}"#;
        assert_eq!(classify(tunnel), Some(PackageKind::Tool));
    }

    #[test]
    fn a_library_with_a_bin_needs_an_interactive_dependency() {
        let orm = r#"{"name": "orm", "main": "index.js", "bin": {"orm": "cli.js"}, "dependencies": {"yargs": "17"}}"#;
        assert_eq!(classify(orm), None);
        let init = r#"{"name": "init", "main": "index.js", "bin": "cli.js", "dependencies": {"commander": "12", "inquirer": "9"}}"#;
        assert_eq!(classify(init), Some(PackageKind::Tool));
    }

    #[test]
    fn a_parser_only_among_dev_dependencies_is_no_signal() {
        let text = r#"{"name": "lib", "devDependencies": {"commander": "12"}}"#;
        assert_eq!(classify(text), None);
    }

    #[test]
    fn workspace_roots_markers_and_bad_json_tell_nothing() {
        let root = r#"{"name": "mono", "private": true, "workspaces": ["packages/*"], "dependencies": {"react": "18"}}"#;
        assert_eq!(classify(root), None);
        assert_eq!(parse(root), Manifest::WorkspaceRoot);
        assert_eq!(parse(r#"{"type": "module"}"#), Manifest::Marker);
        assert_eq!(classify("not json"), None);
        assert_eq!(classify("[1, 2]"), None);
        assert_eq!(
            classify(r#"{"name": "plain", "dependencies": {"lodash": "4"}}"#),
            None
        );
        // A scoped prefix without a slash must match the whole name only.
        let lookalike =
            r#"{"name": "x", "bin": "x.js", "dependencies": {"@sveltejs/kit-utils": "1"}}"#;
        assert_eq!(classify(lookalike), Some(PackageKind::Tool));
    }

    #[test]
    fn the_cache_finds_the_nearest_manifest_and_stops_at_a_workspace_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |p: &str, t: &str| super::super::write_tree_file(root, p, t);
        write(
            "package.json",
            r#"{"name": "mono", "workspaces": ["apps/*"], "dependencies": {"commander": "1"}}"#,
        );
        write(
            "apps/web/package.json",
            r#"{"name": "web", "dependencies": {"react": "18"}}"#,
        );
        write("apps/web/src/esm/package.json", r#"{"type": "module"}"#);
        write(
            "apps/cli/package.json",
            r#"{"name": "cli", "bin": "index.js"}"#,
        );
        let cache = PackageCache::default();
        let kind = |p: &str| cache.kind(&root.join(p));
        assert_eq!(kind("apps/web/src/App.tsx"), Some(PackageKind::ClientSide));
        assert_eq!(kind("apps/web/src/esm/a.js"), Some(PackageKind::ClientSide));
        assert_eq!(kind("apps/cli/index.js"), Some(PackageKind::Tool));
        assert_eq!(kind("scripts/release.js"), None);
        assert_eq!(kind("apps/other/server.js"), None);
    }
}
