//! Code actions on a flagged line: suppress the rule on the line or in the file (a
//! suppression comment with a reason placeholder), or show the rule's documentation.

use super::diagnostics::{self, Flagged};
use crate::catalogue::Catalogue;
use crate::position::LineIndex;
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Command, Position, Range, TextEdit, Uri,
    WorkspaceEdit,
};
use std::collections::{BTreeSet, HashMap};

/// The command that shows a rule's documentation; its one argument is the rule id.
pub const SHOW_DOCUMENTATION: &str = "scaleout.showDocumentation";

/// The placeholder the user replaces with the reason for a suppression.
const REASON: &str = "<reason>";

/// The actions for the findings on the lines of `range` in the document at `uri`.
pub fn actions(
    uri: &Uri,
    text: &str,
    flagged: &[Flagged],
    range: Range,
    catalogue: &Catalogue,
) -> Vec<CodeActionOrCommand> {
    let index = LineIndex::new(text);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = Vec::new();
    let mut line_done = BTreeSet::new();
    let mut file_done = BTreeSet::new();
    // By line: the cursor anywhere on a flagged line offers its fixes.
    let touching = flagged
        .iter()
        .filter(|f| f.range.start.line <= range.end.line && range.start.line <= f.range.end.line);
    for f in touching.clone() {
        let rule = &f.finding.rule_id;
        let line = f.range.start.line;
        if !line_done.insert((line, rule)) {
            continue;
        }
        let line_text = index.line_text(text, line as usize + 1);
        let indent: String = line_text
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect();
        let comment = format!("{indent}// scaleout: ignore[{rule}] -- {REASON}{newline}");
        out.push(quick_fix(
            format!("Suppress {rule} on this line"),
            uri,
            Position::new(line, 0),
            comment,
            f,
            catalogue,
        ));
    }
    for f in touching.clone() {
        let rule = &f.finding.rule_id;
        if !file_done.insert(rule) {
            continue;
        }
        // Keep a `#!` interpreter line first.
        let top = u32::from(text.starts_with("#!"));
        let comment = format!("// scaleout: ignore-file[{rule}] -- {REASON}{newline}");
        out.push(quick_fix(
            format!("Suppress {rule} in this file"),
            uri,
            Position::new(top, 0),
            comment,
            f,
            catalogue,
        ));
    }
    for rule in file_done {
        let title = format!("Show documentation for {rule}");
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: title.clone(),
            command: Some(Command {
                title,
                command: SHOW_DOCUMENTATION.to_string(),
                arguments: Some(vec![rule.as_str().into()]),
            }),
            ..CodeAction::default()
        }));
    }
    out
}

fn quick_fix(
    title: String,
    uri: &Uri,
    at: Position,
    insert: String,
    flagged: &Flagged,
    catalogue: &Catalogue,
) -> CodeActionOrCommand {
    let edit = TextEdit::new(Range::new(at, at), insert);
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
