//! The server loop: initialization, dispatch, linting when idle, shutdown.
//!
//! One thread reads messages and answers them in order. A change schedules a lint of
//! its document, and messages already queued are read before linting, so a burst of
//! changes is linted once without waiting for more to come; opening, saving, hovering,
//! asking for code actions or pulling diagnostics lints at once.
//! A request that fails or panics is answered with an error and the loop goes on.

use super::actions::{self, SHOW_DOCUMENTATION};
use super::diagnostics::{self, Flagged};
use super::documents::{file_path, OpenDocument};
use super::hover;
use super::profiles::Profiles;
use super::transport::MALFORMED;
use crate::catalogue::Catalogue;
use crate::engine::{Document, Outcome};
use crate::frontend::{FrontendOptions, Language};
use crate::limits::DEFAULT_MAX_FILE_SIZE as MAX_FILE_BYTES;
use crate::scan::{Projects, ScanResult};
use lsp_server::{
    Connection, ErrorCode, Message, Notification, Request, RequestId, Response, ResponseError,
};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    DidSaveTextDocument, Initialized, LogMessage, Notification as _, PublishDiagnostics,
    ShowMessage,
};
use lsp_types::request::{
    CodeActionRequest, DocumentDiagnosticRequest, ExecuteCommand, HoverRequest, RegisterCapability,
    Request as _, ShowDocument, WorkspaceDiagnosticRefresh,
};
use lsp_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionParams,
    CodeActionProviderCapability, DiagnosticOptions, DiagnosticServerCapabilities,
    DidChangeTextDocumentParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentDiagnosticParams, DocumentDiagnosticReport, DocumentDiagnosticReportResult,
    ExecuteCommandOptions, ExecuteCommandParams, FileSystemWatcher, FullDocumentDiagnosticReport,
    GlobPattern, HoverParams, HoverProviderCapability, InitializeParams, LogMessageParams,
    MessageType, PublishDiagnosticsParams, Registration, RegistrationParams,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport, SaveOptions,
    ServerCapabilities, ShowDocumentParams, ShowMessageParams, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions,
    UnchangedDocumentDiagnosticReport, Uri,
};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How late a due lint may get while messages keep arriving.
const MAX_DELAY: Duration = Duration::from_millis(100);

/// Files whose change can change findings in open documents: configuration files and
/// project manifests.
const WATCHED: &[&str] = &[
    "**/scaleout.toml",
    "**/.scaleout.toml",
    "**/Cargo.toml",
    "**/package.json",
    "**/*.csproj",
    "**/Directory.Build.props",
];

/// How the session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    /// `exit` after `shutdown`, as the protocol asks.
    Clean,
    /// `exit` without `shutdown`, or the client went away.
    Abrupt,
    /// The session could not start (no valid `initialize`).
    Failed(String),
}

/// Serves one client on `connection` until `exit` or the end of input. The connection is
/// dropped on return, so a stdio transport's writer can finish.
pub fn serve(connection: Connection, profiles: Profiles) -> Ending {
    // Every change is linted again: reuse the memory of the last lint.
    crate::allocator::keep_freed_memory();
    let (id, params) = match connection.initialize_start() {
        Ok(start) => start,
        Err(e) => return Ending::Failed(e.to_string()),
    };
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let result = json!({
        "capabilities": capabilities(),
        "serverInfo": { "name": "scaleout", "version": env!("CARGO_PKG_VERSION") },
    });
    // Not `initialize_finish`: it gives up on anything but `initialized` next, and a
    // malformed frame must not end the session. `initialized` is handled in the loop.
    if connection
        .sender
        .send(Response::new_ok(id, result).into())
        .is_err()
    {
        return Ending::Abrupt;
    }
    Server::new(&connection, profiles, &params).run()
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        execute_command_provider: Some(ExecuteCommandOptions {
            commands: vec![SHOW_DOCUMENTATION.to_string()],
            ..ExecuteCommandOptions::default()
        }),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some(diagnostics::SOURCE.to_string()),
            inter_file_dependencies: false,
            workspace_diagnostics: false,
            ..DiagnosticOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// An open document and what linting it last found.
struct Entry {
    doc: OpenDocument,
    /// Findings for the current text and project facts; `None` when either changed.
    flagged: Option<Vec<Flagged>>,
    /// The last reason the document could not be (fully) linted, logged once.
    problem: Option<String>,
}

struct Server<'a> {
    connection: &'a Connection,
    profiles: Profiles,
    projects: Projects,
    /// Workspace folders; document paths are shown relative to the one holding them.
    roots: Vec<PathBuf>,
    documents: BTreeMap<Uri, Entry>,
    /// Documents to lint and publish, with when.
    due: BTreeMap<Uri, Instant>,
    /// Bumped when project facts may have changed; part of pull diagnostics' result ids.
    facts_epoch: u64,
    client: ClientCapabilities,
    shutting_down: bool,
    next_request: u64,
    /// Workers that lint a document, splitting its independent walks over the cores
    /// (see `frontend::parallel`); `None` if they could not be started (lint on this thread).
    /// Rust is always linted on this thread, which keeps its documents' `syn` trees.
    pool: Option<rayon::ThreadPool>,
}

impl<'a> Server<'a> {
    fn new(connection: &'a Connection, profiles: Profiles, params: &InitializeParams) -> Self {
        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| file_path(&f.uri))
            .collect();
        #[allow(deprecated)] // rootUri: older clients send only this
        if roots.is_empty() {
            roots.extend(params.root_uri.as_ref().and_then(file_path));
        }
        Server {
            connection,
            profiles,
            projects: Projects::default(),
            roots,
            documents: BTreeMap::new(),
            due: BTreeMap::new(),
            facts_epoch: 0,
            client: params.capabilities.clone(),
            shutting_down: false,
            next_request: 0,
            pool: rayon::ThreadPoolBuilder::new()
                .num_threads(std::thread::available_parallelism().map_or(1, |n| n.get()))
                .thread_name(|i| format!("scaleout-lint-{i}"))
                // Parsers recurse; give them the room the server thread has.
                .stack_size(64 * 1024 * 1024)
                .build()
                .ok(),
        }
    }

    /// Clients that pull diagnostics get none pushed, so they do not see each one twice.
    fn pushes(&self) -> bool {
        self.client
            .text_document
            .as_ref()
            .and_then(|t| t.diagnostic.as_ref())
            .is_none()
    }

    fn run(&mut self) -> Ending {
        loop {
            let next = self.due.values().min().copied();
            // Read what is already queued first, so a burst of changes is linted once; but
            // publish a lint overdue by MAX_DELAY even then, so steady traffic cannot starve it.
            if let Some(at) = next {
                let now = Instant::now();
                let idle = self.connection.receiver.is_empty();
                if at <= now && (idle || now - at >= MAX_DELAY) {
                    self.publish_due();
                    continue;
                }
            }
            let received = match next {
                Some(at) => match self.connection.receiver.recv_deadline(at) {
                    Ok(message) => Some(message),
                    Err(e) if e.is_timeout() => None,
                    Err(_) => return Ending::Abrupt,
                },
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return Ending::Abrupt,
                },
            };
            match received {
                None => self.publish_due(),
                Some(Message::Request(request)) => self.request(request),
                Some(Message::Notification(n)) if n.method == "exit" => {
                    return if self.shutting_down {
                        Ending::Clean
                    } else {
                        Ending::Abrupt
                    };
                }
                Some(Message::Notification(n)) => self.notification(n),
                Some(Message::Response(response)) => {
                    if let Err(e) = response.response_result {
                        self.log(
                            MessageType::WARNING,
                            format!(
                                "client answered request {} with an error: {}",
                                response.id, e.message
                            ),
                        );
                    }
                }
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // A closed channel means the client is gone; the loop ends at the next receive.
        let _ = self.connection.sender.send(message.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn send_request(&mut self, method: &str, params: impl serde::Serialize) {
        self.next_request += 1;
        let id = RequestId::from(format!("scaleout-{}", self.next_request));
        self.send(Request::new(id, method.to_string(), params));
    }

    fn log(&self, typ: MessageType, message: String) {
        self.notify(LogMessage::METHOD, LogMessageParams { typ, message });
    }

    fn request(&mut self, request: Request) {
        let id = request.id.clone();
        let method = request.method.clone();
        let result = if self.shutting_down {
            Err(error(
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            ))
        } else if method == "shutdown" {
            self.shutting_down = true;
            Ok(Value::Null)
        } else {
            guarded(&method, || self.dispatch(request))
        };
        if let Err(e) = &result {
            if e.code != ErrorCode::MethodNotFound as i32 {
                self.log(MessageType::ERROR, format!("{method}: {}", e.message));
            }
        }
        self.send(Response {
            id,
            response_result: result,
        });
    }

    fn dispatch(&mut self, request: Request) -> Result<Value, ResponseError> {
        match request.method.as_str() {
            HoverRequest::METHOD => {
                let p: HoverParams = params(request.params)?;
                let doc = p.text_document_position_params;
                let uri = doc.text_document.uri;
                let found = self.flagged(&uri).cloned().unwrap_or_default();
                to_value(hover::hover(&found, doc.position, self.catalogue(&uri)))
            }
            CodeActionRequest::METHOD => {
                let p: CodeActionParams = params(request.params)?;
                let uri = p.text_document.uri;
                let found = self.flagged(&uri).cloned().unwrap_or_default();
                let Some(entry) = self.documents.get(&uri) else {
                    return to_value(Vec::<Value>::new());
                };
                let path = entry.doc.path.as_deref();
                let catalogue = &self.profiles.for_document(path).0.catalogue;
                to_value(actions::actions(
                    &uri, &entry.doc, &found, p.range, catalogue,
                ))
            }
            ExecuteCommand::METHOD => {
                let p: ExecuteCommandParams = params(request.params)?;
                self.execute(p)
            }
            DocumentDiagnosticRequest::METHOD => {
                let p: DocumentDiagnosticParams = params(request.params)?;
                to_value(self.pull(p))
            }
            method => Err(error(
                ErrorCode::MethodNotFound,
                format!("unknown method {method}"),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let result = guarded(&method, || self.handle_notification(n));
        if let Err(e) = result {
            self.log(MessageType::ERROR, format!("{method}: {}", e.message));
        }
    }

    fn handle_notification(&mut self, n: Notification) -> Result<(), ResponseError> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let p: DidOpenTextDocumentParams = params(n.params)?;
                let d = p.text_document;
                let doc = OpenDocument::new(&d.uri, &d.language_id, d.version, d.text, &self.roots);
                self.documents.insert(
                    d.uri.clone(),
                    Entry {
                        doc,
                        flagged: None,
                        problem: None,
                    },
                );
                self.schedule(d.uri, Duration::ZERO);
            }
            DidChangeTextDocument::METHOD => {
                let p: DidChangeTextDocumentParams = params(n.params)?;
                let uri = p.text_document.uri;
                let Some(entry) = self.documents.get_mut(&uri) else {
                    return Err(error(
                        ErrorCode::InvalidParams,
                        format!("change to a document that is not open: {}", uri.as_str()),
                    ));
                };
                entry.doc.apply(p.text_document.version, p.content_changes);
                entry.flagged = None;
                self.schedule(uri, Duration::ZERO);
            }
            DidSaveTextDocument::METHOD => {
                let p: DidSaveTextDocumentParams = params(n.params)?;
                // Clients that cannot watch files still save: read the configuration and
                // manifests afresh.
                self.projects = Projects::default();
                self.profiles.clear();
                self.facts_epoch += 1;
                if let Some(entry) = self.documents.get_mut(&p.text_document.uri) {
                    entry.flagged = None;
                }
                self.schedule(p.text_document.uri, Duration::ZERO);
            }
            DidCloseTextDocument::METHOD => {
                let p: DidCloseTextDocumentParams = params(n.params)?;
                let uri = p.text_document.uri;
                self.due.remove(&uri);
                if self.documents.remove(&uri).is_some() && self.pushes() {
                    self.notify(
                        PublishDiagnostics::METHOD,
                        PublishDiagnosticsParams::new(uri, Vec::new(), None),
                    );
                }
            }
            Initialized::METHOD => self.register_watchers(),
            DidChangeWatchedFiles::METHOD => self.facts_changed(),
            MALFORMED => {
                let error_text = n
                    .params
                    .get("error")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                self.log(
                    MessageType::ERROR,
                    format!("malformed message ignored: {error_text}"),
                );
                if let Some(id) = n
                    .params
                    .get("id")
                    .cloned()
                    .and_then(|id| serde_json::from_value::<RequestId>(id).ok())
                {
                    self.send(Response::new_err(
                        id,
                        ErrorCode::InvalidRequest as i32,
                        error_text,
                    ));
                }
            }
            // `$/cancelRequest`, `$/setTrace` and other notifications need no answer.
            _ => {}
        }
        Ok(())
    }

    /// Lints the document at `uri` after `delay` (and publishes, for clients that take pushes).
    fn schedule(&mut self, uri: Uri, delay: Duration) {
        if self.documents.contains_key(&uri) && self.pushes() {
            self.due.insert(uri, Instant::now() + delay);
        }
    }

    fn publish_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<Uri> = self
            .due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            let method = PublishDiagnostics::METHOD;
            if let Err(e) = guarded(method, || {
                self.publish(&uri);
                Ok(())
            }) {
                self.log(MessageType::ERROR, format!("{method}: {}", e.message));
            }
        }
    }

    fn publish(&mut self, uri: &Uri) {
        let diagnostics = self.diagnostics(uri);
        if let Some(entry) = self.documents.get(uri) {
            let params =
                PublishDiagnosticsParams::new(uri.clone(), diagnostics, Some(entry.doc.version));
            self.notify(PublishDiagnostics::METHOD, params);
        }
    }

    fn diagnostics(&mut self, uri: &Uri) -> Vec<lsp_types::Diagnostic> {
        let found = self.flagged(uri).cloned().unwrap_or_default();
        let catalogue = self.catalogue(uri);
        found
            .iter()
            .map(|f| diagnostics::diagnostic(f, catalogue))
            .collect()
    }

    /// The rules that apply to the document at `uri` (its configuration's).
    fn catalogue(&mut self, uri: &Uri) -> &Catalogue {
        let path = self.documents.get(uri).and_then(|e| e.doc.path.as_deref());
        &self.profiles.for_document(path).0.catalogue
    }

    /// The findings in the open document at `uri`, linting it first if it changed.
    fn flagged(&mut self, uri: &Uri) -> Option<&Vec<Flagged>> {
        let entry = self.documents.get(uri)?;
        if entry.flagged.is_none() {
            let (profiles, projects) = (&mut self.profiles, &self.projects);
            // Rust is linted on this thread: the `syn` trees kept for its next lint stay
            // on the thread that parsed them, and are dropped here when it is closed.
            let (found, problem) = match &self.pool {
                Some(pool) if entry.doc.language != Some(Language::Rust) => {
                    pool.install(|| lint(profiles, projects, &entry.doc))
                }
                _ => lint(profiles, projects, &entry.doc),
            };
            if let Some(p) = problem
                .as_ref()
                .filter(|p| Some(*p) != entry.problem.as_ref())
            {
                self.log(MessageType::INFO, format!("{}: {p}", entry.doc.shown));
            }
            let entry = self.documents.get_mut(uri)?;
            entry.problem = problem;
            entry.flagged = Some(found);
        }
        self.documents.get(uri).and_then(|e| e.flagged.as_ref())
    }

    fn pull(&mut self, p: DocumentDiagnosticParams) -> DocumentDiagnosticReportResult {
        let uri = p.text_document.uri;
        let result_id = self
            .documents
            .get(&uri)
            .map(|e| format!("{}-{}", e.doc.version, self.facts_epoch));
        let report = if result_id.is_some() && result_id == p.previous_result_id {
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id: result_id.unwrap_or_default(),
                },
            })
        } else {
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id,
                    items: self.diagnostics(&uri),
                },
            })
        };
        DocumentDiagnosticReportResult::Report(report)
    }

    fn execute(&mut self, p: ExecuteCommandParams) -> Result<Value, ResponseError> {
        if p.command != SHOW_DOCUMENTATION {
            return Err(error(
                ErrorCode::InvalidParams,
                format!("unknown command {}", p.command),
            ));
        }
        let id = p.arguments.first().and_then(Value::as_str).unwrap_or("");
        // The second argument, when given, is the document whose configuration's rules to use.
        let document = p.arguments.get(1).and_then(Value::as_str);
        let path = document
            .and_then(|d| d.parse::<Uri>().ok())
            .and_then(|uri| self.documents.get(&uri))
            .and_then(|e| e.doc.path.clone());
        let catalogue = &self.profiles.for_document(path.as_deref()).0.catalogue;
        let Some(rule) = catalogue.get(id) else {
            return Err(error(ErrorCode::InvalidParams, format!("no rule `{id}`")));
        };
        let uri = rule.help_uri();
        let message = format!(
            "{}: {} (`scaleout explain {}`, {uri})",
            rule.id, rule.summary, rule.id
        );
        let can_show = self
            .client
            .window
            .as_ref()
            .and_then(|w| w.show_document.as_ref())
            .is_some_and(|s| s.support);
        match uri.parse() {
            Ok(uri) if can_show => {
                let params = ShowDocumentParams {
                    uri,
                    external: Some(true),
                    take_focus: Some(true),
                    selection: None,
                };
                self.send_request(ShowDocument::METHOD, params);
            }
            _ => {
                self.notify(
                    ShowMessage::METHOD,
                    ShowMessageParams {
                        typ: MessageType::INFO,
                        message,
                    },
                );
            }
        }
        Ok(Value::Null)
    }

    /// Watches manifests for changes, when the client can register watchers.
    fn register_watchers(&mut self) {
        let dynamic = self
            .client
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        if !dynamic {
            return;
        }
        let watchers = WATCHED
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "scaleout-watched-files".into(),
            method: DidChangeWatchedFiles::METHOD.into(),
            register_options: serde_json::to_value(options).ok(),
        };
        self.send_request(
            RegisterCapability::METHOD,
            RegistrationParams {
                registrations: vec![registration],
            },
        );
    }

    /// A configuration or manifest changed: forget what was read and lint every open
    /// document again.
    fn facts_changed(&mut self) {
        self.projects = Projects::default();
        self.profiles.clear();
        self.facts_epoch += 1;
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for entry in self.documents.values_mut() {
            entry.flagged = None;
        }
        if self.pushes() {
            for uri in uris {
                self.schedule(uri, Duration::ZERO);
            }
            return;
        }
        let refresh = self
            .client
            .workspace
            .as_ref()
            .and_then(|w| w.diagnostic.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false);
        if refresh {
            self.send_request(WorkspaceDiagnosticRefresh::METHOD, ());
        }
    }
}

/// Lints one open document with the facts of the project it lives in. Returns the
/// findings and, when the document could not be fully linted, why.
fn lint(
    profiles: &mut Profiles,
    projects: &Projects,
    doc: &OpenDocument,
) -> (Vec<Flagged>, Option<String>) {
    let Some(language) = doc.language else {
        return (Vec::new(), None);
    };
    if doc.text.len() as u64 > MAX_FILE_BYTES {
        let limit = MAX_FILE_BYTES / 1024 / 1024;
        return (
            Vec::new(),
            Some(format!("too large to analyse (limit {limit} MiB)")),
        );
    }
    let options = match &doc.path {
        Some(path) => projects.frontend_options(path, language),
        None => FrontendOptions {
            jsx: doc.shown.ends_with(".tsx") || doc.shown.ends_with(".jsx"),
            ..FrontendOptions::default()
        },
    };
    let options = FrontendOptions {
        trees: Some(doc.trees.clone()),
        ..options
    };
    let (profile, config_problem) = profiles.for_document(doc.path.as_deref());
    if doc
        .path
        .as_ref()
        .is_some_and(|p| profile.settings.is_excluded(p))
    {
        return (Vec::new(), Some("excluded by the configuration".into()));
    }
    let outcome = profile.engine.lint(&Document {
        path: &doc.shown,
        text: &doc.text,
        language,
        options,
    });
    match outcome {
        Outcome::Linted {
            findings, warning, ..
        } => {
            // Selection, severities and per-path ignores, as `check` applies them. A finding
            // that needs a fact from another file of the project (a singleton registration)
            // is not shown: the document is judged alone.
            let mut result = ScanResult {
                findings: findings
                    .into_iter()
                    .filter(|f| f.requires.is_empty())
                    .collect(),
                ..ScanResult::default()
            };
            profile.settings.apply(&mut result, &doc.base);
            let flagged = diagnostics::flag(result.findings, &doc.text);
            (flagged, config_problem.or(warning))
        }
        Outcome::Skipped(reason) => (Vec::new(), Some(format!("not linted: {reason}"))),
        Outcome::Failed(reason) => (Vec::new(), Some(reason)),
    }
}

/// Runs `handler`, turning a panic into an internal-error response.
fn guarded<T>(
    method: &str,
    handler: impl FnOnce() -> Result<T, ResponseError>,
) -> Result<T, ResponseError> {
    catch_unwind(AssertUnwindSafe(handler)).unwrap_or_else(|_| {
        Err(error(
            ErrorCode::InternalError,
            format!("internal error while handling {method} (please report it)"),
        ))
    })
}

fn params<P: DeserializeOwned>(value: Value) -> Result<P, ResponseError> {
    serde_json::from_value(value)
        .map_err(|e| error(ErrorCode::InvalidParams, format!("invalid params: {e}")))
}

fn to_value(value: impl serde::Serialize) -> Result<Value, ResponseError> {
    serde_json::to_value(value).map_err(|e| error(ErrorCode::InternalError, e.to_string()))
}

fn error(code: ErrorCode, message: String) -> ResponseError {
    ResponseError {
        code: code as i32,
        message,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_handler_becomes_an_internal_error() {
        let result: Result<(), ResponseError> = guarded("textDocument/hover", || panic!("boom"));
        let e = result.unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalError as i32);
        assert!(e.message.contains("textDocument/hover"), "{}", e.message);
        assert_eq!(guarded("x", || Ok::<_, ResponseError>(3)).unwrap(), 3);
    }
}
