//! Frontends: one per language, each parses a file once and lowers it to [`FileFacts`].

mod branches;
pub mod cached;
mod collections;
pub mod config_files;
pub mod csharp;
pub mod fetched;
mod flat;
mod handles;
pub mod javascript;
mod object_copy;
mod parallel;
pub mod razor;
mod reuse;
pub mod rust;
pub mod scratch;
pub mod symbols;
mod tree;
mod tree_work;
pub mod words;

pub use reuse::TreeCache;
pub use words::is_temp_name;

use crate::event::FileFacts;
use crate::limits::ParseBudget;
use serde::{Deserialize, Serialize};
use std::time::Instant;

/// A language scaleout understands. Rules name these in their `languages` list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Rust, parsed with `syn`.
    Rust,
    /// JavaScript (`.js .mjs .cjs .jsx`), parsed with tree-sitter-javascript.
    JavaScript,
    /// TypeScript (`.ts .mts .cts .tsx`), parsed with tree-sitter-typescript.
    TypeScript,
    /// C# (`.cs`), parsed with tree-sitter-c-sharp.
    CSharp,
    /// .NET configuration files: `appsettings*.json`, `logging*.json`, `serilog*.json` (JSON
    /// with comments), `nlog.config` and `log4net.config` (XML), read by [`config_files`].
    #[serde(rename = "dotnet-config")]
    DotnetConfig,
    /// Prisma schemas (`*.prisma`), read by [`config_files`].
    Prisma,
    /// Razor markup (`.razor`, `.cshtml`), read only for the calls it makes ([`razor`]).
    Razor,
}

impl Language {
    /// The language of a file: configuration files by name, source files by extension.
    pub fn from_path(path: &std::path::Path) -> Option<Language> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        // Serilog settings also live in their own JSON file (`logging.json`, `serilog.json`).
        let settings_json = ["appsettings", "logging", "serilog"]
            .iter()
            .any(|prefix| name.starts_with(prefix));
        if (settings_json && name.ends_with(".json"))
            || name == "nlog.config"
            || name == "log4net.config"
        {
            return Some(Language::DotnetConfig);
        }
        match path.extension()?.to_str()? {
            "prisma" => Some(Language::Prisma),
            "rs" => Some(Language::Rust),
            "js" | "mjs" | "cjs" | "jsx" => Some(Language::JavaScript),
            "ts" | "mts" | "cts" | "tsx" => Some(Language::TypeScript),
            "cs" => Some(Language::CSharp),
            "razor" | "cshtml" => Some(Language::Razor),
            _ => None,
        }
    }

    /// The name used in rule files and output.
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::JavaScript => "javascript",
            Language::TypeScript => "typescript",
            Language::CSharp => "csharp",
            Language::DotnetConfig => "dotnet-config",
            Language::Prisma => "prisma",
            Language::Razor => "razor",
        }
    }

    /// Whether a syntax error still leaves facts about the rest of the file (tree-sitter's
    /// error recovery); for the other languages a file that does not parse yields nothing.
    pub fn recovers_from_syntax_errors(self) -> bool {
        matches!(
            self,
            Language::JavaScript | Language::TypeScript | Language::CSharp
        )
    }
}

/// Where a file failed to parse. For tree-sitter languages the rest of the file
/// is still analysed; for Rust (`syn` has no error recovery) nothing is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset of the first error.
    pub offset: usize,
    /// What went wrong, without a position.
    pub message: String,
}

/// The result of running a frontend over one file.
#[derive(Debug, Default)]
pub struct Extracted {
    /// The facts found (possibly partial when `syntax_error` is set).
    pub facts: FileFacts,
    /// The first syntax error, if the file did not parse cleanly.
    pub syntax_error: Option<SyntaxError>,
}

/// Per-document settings a frontend cannot learn from the text itself.
#[derive(Debug, Clone, Default)]
pub struct FrontendOptions {
    /// Namespaces that C#'s `<ImplicitUsings>` imports for this file's project.
    pub csharp_implicit_namespaces: Vec<String>,
    /// Parse TypeScript/JavaScript as TSX/JSX (by file extension).
    pub jsx: bool,
    /// Where the file runs according to its project (`.csproj`, `Cargo.toml`,
    /// `package.json`; see [`crate::placement::project`]); the engine reports findings
    /// only in server code.
    pub placement: crate::placement::Placement,
    /// How many trailing components of the file's path its package judges by name, when
    /// the package decides where the file runs (see
    /// [`crate::placement::project::ProjectPlacements::package_depth`]); `None`: all.
    pub package_depth: Option<usize>,
    /// What the module the file implements says about the paths it writes (see
    /// [`words::module_purpose`]).
    pub module_purpose: words::PathPurpose,
    /// The parse time this file gets (tree-sitter languages; `syn` cannot be interrupted).
    pub parse_budget: ParseBudget,
    /// Where to keep this document's syntax trees for its next lint, when it is linted
    /// again after edits (tree-sitter languages).
    pub trees: Option<TreeCache>,
}

/// The file needed more parse time than its [`ParseBudget`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseTimeout(pub ParseBudget);

impl std::fmt::Display for ParseTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "parsing took longer than {:?} (--parse-timeout raises the limit); not analysed",
            self.0 .0
        )
    }
}

/// Runs the frontend for `language` over `text` within `options.parse_budget`.
pub fn extract(
    language: Language,
    text: &str,
    options: &FrontendOptions,
) -> Result<Extracted, ParseTimeout> {
    let deadline = Instant::now()
        .checked_add(options.parse_budget.0)
        .unwrap_or_else(|| Instant::now() + std::time::Duration::from_secs(86_400 * 365));
    let (extracted, expired) =
        tree::with_deadline(deadline, options.trees.as_ref(), || match language {
            Language::Rust => match &options.trees {
                Some(trees) => rust::extract_kept(text, options.module_purpose, trees.id()),
                None => rust::extract(text, options.module_purpose),
            },
            Language::JavaScript => javascript::extract(text, javascript::Dialect::JavaScript),
            Language::TypeScript if options.jsx => {
                javascript::extract(text, javascript::Dialect::Tsx)
            }
            Language::TypeScript => javascript::extract(text, javascript::Dialect::TypeScript),
            Language::CSharp => csharp::extract(text, &options.csharp_implicit_namespaces),
            Language::DotnetConfig => config_files::extract_dotnet(text),
            Language::Prisma => config_files::extract_prisma(text),
            Language::Razor => razor::extract(text),
        });
    if expired {
        Err(ParseTimeout(options.parse_budget))
    } else {
        Ok(extracted)
    }
}
