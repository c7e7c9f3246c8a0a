//! Code actions on a flagged line: suppress the rule on the line or in the file (a
//! suppression comment with a reason placeholder), or show the rule's documentation.

use super::diagnostics::{self, Flagged};
use super::documents::OpenDocument;
use crate::add_suppressions::{insert_comments, Syntax, PLACEHOLDER};
use crate::catalogue::Catalogue;
use crate::finding::Finding;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Position, Range, TextEdit, Uri,
    WorkspaceEdit,
};
use std::collections::{BTreeSet, HashMap};

/// The command that shows a rule's documentation; its arguments are the rule id and the
/// URI of the document (whose configuration may add rules).
pub const SHOW_DOCUMENTATION: &str = "scaleout.showDocumentation";

/// The actions for the findings on the lines of `range` in the document at `uri`.
pub fn actions(
    uri: &Uri,
    doc: &OpenDocument,
    flagged: &[Flagged],
    range: Range,
    catalogue: &Catalogue,
) -> Vec<CodeActionOrCommand> {
    let newline = if doc.text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let mut out = Vec::new();
    let mut line_done = BTreeSet::new();
    let mut file_done = BTreeSet::new();
    // By line: the cursor anywhere on a flagged line offers its fixes.
    let touching = flagged
        .iter()
        .filter(|f| f.range.start.line <= range.end.line && range.start.line <= f.range.end.line);
    for f in touching.clone() {
        let rule = &f.finding.rule_id;
        if !line_done.insert((f.range.start.line, rule)) {
            continue;
        }
        if let Some(edit) = line_suppression(doc, &f.finding) {
            let title = format!("Suppress {rule} on this line");
            out.push(quick_fix(title, uri, edit, f, catalogue));
        }
    }
    for f in touching {
        let rule = &f.finding.rule_id;
        if !file_done.insert(rule) {
            continue;
        }
        // Keep a `#!` interpreter line first.
        let top = Position::new(u32::from(doc.text.starts_with("#!")), 0);
        let comment = format!("// scaleout: ignore-file[{rule}] -- {PLACEHOLDER}{newline}");
        let edit = TextEdit::new(Range::new(top, top), comment);
        let title = format!("Suppress {rule} in this file");
        out.push(quick_fix(title, uri, edit, f, catalogue));
    }
    for rule in file_done {
        let title = format!("Show documentation for {rule}");
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: title.clone(),
            command: Some(Command {
                title,
                command: SHOW_DOCUMENTATION.to_string(),
                arguments: Some(vec![rule.as_str().into(), uri.as_str().into()]),
            }),
            ..CodeAction::default()
        }));
    }
    out
}

/// The edit that suppresses `finding` on its line, as `check --add-suppressions` writes it:
/// a comment line above, indented like the line (`{/* */}` between JSX elements), or a
/// trailing comment when the line starts inside a multi-line string. `None` when the line
/// can take no comment.
fn line_suppression(doc: &OpenDocument, finding: &Finding) -> Option<TextEdit> {
    let language = doc.language?;
    let syntax = Syntax::of(std::path::Path::new(&doc.shown));
    let (edited, comments, _) = insert_comments(&doc.text, language, syntax, &[finding]);
    if comments == 0 {
        return None;
    }
    let old: Vec<&str> = doc.text.split_inclusive('\n').collect();
    let new: Vec<&str> = edited.split_inclusive('\n').collect();
    let i = old
        .iter()
        .zip(&new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len());
    let line = u32::try_from(i).ok()?;
    let changed = new.get(i)?;
    if new.len() > old.len() {
        let at = Position::new(line, 0);
        return Some(TextEdit::new(Range::new(at, at), changed.to_string()));
    }
    let before = old.get(i)?;
    let body = before.trim_end_matches(['\r', '\n']);
    let added = changed.get(body.len()..changed.len() - (before.len() - body.len()))?;
    let at = Position::new(line, u32::try_from(body.encode_utf16().count()).ok()?);
    Some(TextEdit::new(Range::new(at, at), added.to_string()))
}

fn quick_fix(
    title: String,
    uri: &Uri,
    edit: TextEdit,
    flagged: &Flagged,
    catalogue: &Catalogue,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostics::diagnostic(flagged, catalogue)]),
        edit: Some(WorkspaceEdit::new(HashMap::from([(
            uri.clone(),
            vec![edit],
        )]))),
        ..CodeAction::default()
    })
}
