//! Inline suppressions: comments that silence findings on purpose, with a reason.
//!
//! ```text
//! fs.writeFileSync(p, d); // scaleout: ignore[node-fs-write] -- volume shared by all pods
//! // scaleout: ignore[in-process-timer] -- per-instance cache refresh
//! setInterval(refresh, 60_000);
//! // scaleout: ignore-file[local-disk-write] -- CLI, never deployed
//! ```
//!
//! A comment on the finding's first line or on the line above silences it; `ignore-file`
//! anywhere in the file silences the whole file. The brackets name rule ids or categories;
//! without brackets every rule is silenced. The same comment syntax (`//`, `/* */`) serves
//! all four languages and the JSON and Prisma configuration files. XML configuration files use
//! `<!-- scaleout: ignore[...] reason -->`: XML comments cannot hold `--`, so the reason is the
//! rest of the comment.

use crate::finding::{Finding, Suppression, SuppressionKind};
use crate::position::LineIndex;

const MARKER: &str = "scaleout:";

/// One parsed suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Directive {
    /// `ignore-file` rather than `ignore`.
    whole_file: bool,
    /// Rule ids or categories; empty means every rule.
    names: Vec<String>,
    /// The text after `--`, if any.
    reason: Option<String>,
}

impl Directive {
    fn covers(&self, finding: &Finding) -> bool {
        self.names.is_empty()
            || self
                .names
                .iter()
                .any(|n| *n == finding.rule_id || n == finding.category.name())
    }
}

/// Parses the directive in a line's comment, if any.
fn directive(line: &str) -> Option<Directive> {
    let at = line.find(MARKER)?;
    let before = &line[..at];
    let xml = before.rfind("<!--").is_some_and(|x| {
        before.rfind("//").is_none_or(|c| c < x) && before.rfind("/*").is_none_or(|c| c < x)
    });
    if !xml && before.rfind("//").is_none() && before.rfind("/*").is_none() {
        return None;
    }
    let rest = line[at + MARKER.len()..].trim_start();
    let (whole_file, rest) = if let Some(r) = rest.strip_prefix("ignore-file") {
        (true, r)
    } else {
        (false, rest.strip_prefix("ignore")?)
    };
    let (names, after) = match rest.strip_prefix('[') {
        Some(inner) => {
            let (list, after) = inner.split_once(']').unwrap_or((inner, ""));
            let names = list
                .split(',')
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect();
            (names, after)
        }
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => (Vec::new(), rest),
        None => return None,
    };
    // XML comments cannot hold `--`: there the reason is the rest of the comment.
    let reason = if xml {
        let r = after.trim().trim_end_matches("-->");
        Some(r.strip_prefix("--").unwrap_or(r))
    } else {
        after.split_once("--").map(|(_, r)| r)
    };
    let reason = reason
        .map(|r| r.trim().trim_end_matches("*/").trim().to_string())
        .filter(|r| !r.is_empty());
    Some(Directive {
        whole_file,
        names,
        reason,
    })
}

/// Removes the findings that a suppression comment in `text` covers and returns them,
/// each with its [`Suppression`] set.
pub fn apply(findings: &mut Vec<Finding>, text: &str) -> Vec<Finding> {
    if findings.is_empty() || !text.contains(MARKER) {
        return Vec::new();
    }
    let index = LineIndex::new(text);
    let file_wide: Vec<Directive> = text
        .lines()
        .filter_map(directive)
        .filter(|d| d.whole_file)
        .collect();
    let mut suppressed = Vec::new();
    for mut f in std::mem::take(findings) {
        let here = [f.start_line, f.start_line.saturating_sub(1)];
        let local = here
            .iter()
            .filter(|&&l| l > 0)
            .filter_map(|&l| directive(index.line_text(text, l)))
            .find(|d| !d.whole_file && d.covers(&f));
        match local.or_else(|| file_wide.iter().find(|d| d.covers(&f)).cloned()) {
            Some(d) => {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::InSource,
                    reason: d.reason,
                });
                suppressed.push(f);
            }
            None => findings.push(f),
        }
    }
    suppressed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        let d =
            directive("x(); // scaleout: ignore[node-fs-write, in-process-timer] -- shared volume");
        assert_eq!(
            d,
            Some(Directive {
                whole_file: false,
                names: vec!["node-fs-write".into(), "in-process-timer".into()],
                reason: Some("shared volume".into()),
            })
        );
        assert_eq!(
            directive("/* scaleout: ignore-file -- CLI */"),
            Some(Directive {
                whole_file: true,
                names: vec![],
                reason: Some("CLI".into()),
            })
        );
        assert_eq!(directive("let s = \"scaleout: ignore\";"), None);
        assert_eq!(directive("// scaleout: ignored"), None);
        assert_eq!(
            directive("<target /> <!-- scaleout: ignore[dotnet-file-logger] EFS volume -->"),
            Some(Directive {
                whole_file: false,
                names: vec!["dotnet-file-logger".into()],
                reason: Some("EFS volume".into()),
            })
        );
        assert_eq!(
            directive("<!-- scaleout: ignore-file -->"),
            Some(Directive {
                whole_file: true,
                names: vec![],
                reason: None,
            })
        );
    }
}
