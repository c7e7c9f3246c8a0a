//! The HTML format: one self-contained page (inline CSS, JavaScript and SVG; nothing is
//! loaded from the network) for people who would rather look than read: totals per
//! category and severity, bar charts per category and per top-level folder, and a
//! sortable, filterable table of findings; clicking a finding shows its source excerpt,
//! the alternative and the rule's documentation.
//!
//! Every text from the scan is HTML-escaped here; the script only moves elements and sets
//! `textContent`, never parses markup. Filters live in the URL fragment
//! (`#category=cron-library&severity=error&folder=src&q=text`), so a filtered view can be
//! linked to, and the chart bars are such links.

use super::Summary;
use crate::catalogue::{Catalogue, Category, Rule, Severity};
use crate::finding::Finding;
use crate::position::LineIndex;
use crate::scan::FileError;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::sync::Arc;

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/script.js");
/// Lines of context above and below a finding in its excerpt.
const CONTEXT_LINES: usize = 2;
/// At most this many lines of a multi-line finding are shown.
const MAX_EXCERPT_LINES: usize = 12;
/// Folders in the chart; the rest are summed up as "other".
const MAX_FOLDERS: usize = 12;

/// What the page shows besides the findings.
pub struct Page<'a> {
    /// Reported findings, sorted.
    pub findings: &'a [Finding],
    /// Files that could not be analysed.
    pub errors: &'a [FileError],
    /// Counts of the reported findings.
    pub summary: &'a Summary,
    /// How many findings suppressions silenced.
    pub suppressed: usize,
    /// For the documentation of the rules that fired.
    pub catalogue: &'a Catalogue,
    /// Texts of the files with findings, for excerpts.
    pub sources: &'a BTreeMap<String, Arc<str>>,
}

/// Renders the whole page.
pub fn render(page: &Page) -> String {
    let mut out = String::with_capacity(64 * 1024 + page.findings.len() * 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        out,
        "<title>scaleout report: {} findings</title>",
        page.findings.len()
    );
    let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>");
    let _ = writeln!(
        out,
        "<header><h1>scaleout report</h1><p>scaleout {} · {} files scanned · {} findings · \
         {} suppressed · {} files with errors</p></header>\n<main>",
        env!("CARGO_PKG_VERSION"),
        page.summary.files_scanned,
        page.findings.len(),
        page.suppressed,
        page.errors.len()
    );
    totals(&mut out, page.summary);
    charts(&mut out, page.findings);
    filters(&mut out, page.findings);
    table(&mut out, page.findings, page.sources);
    details(&mut out, page.findings, page.catalogue);
    file_errors(&mut out, page.errors);
    let _ = writeln!(
        out,
        "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>"
    );
    out
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const SEVERITIES: [Severity; 3] = [Severity::Error, Severity::Warning, Severity::Info];

fn totals(out: &mut String, summary: &Summary) {
    out.push_str("<section id=\"totals\" aria-label=\"Totals\">\n");
    for severity in SEVERITIES {
        let n = summary
            .by_severity
            .get(severity.name())
            .copied()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "<a class=\"total sev-{s}\" href=\"#severity={s}\"><b>{n}</b> {s}</a>",
            s = severity.name()
        );
    }
    for category in Category::ALL {
        let n = summary
            .by_category
            .get(category.name())
            .copied()
            .unwrap_or(0);
        let _ = writeln!(
            out,
            "<a class=\"total cat\" href=\"#category={c}\"><b>{n}</b> {c}</a>",
            c = category.name()
        );
    }
    out.push_str("</section>\n");
}

/// The first segment of a finding's path ("." for a file in the working directory).
fn folder(path: &str) -> &str {
    match path.trim_start_matches('/').split_once('/') {
        Some((first, _)) if path.starts_with('/') => &path[..first.len() + 1],
        Some((first, _)) => first,
        None => ".",
    }
}

fn charts(out: &mut String, findings: &[Finding]) {
    let mut by_category: Vec<(String, String, usize)> = Category::ALL
        .iter()
        .map(|c| {
            let n = findings.iter().filter(|f| f.category == *c).count();
            (c.name().to_string(), format!("category={}", c.name()), n)
        })
        .collect();
    by_category.sort_by_key(|(_, _, n)| std::cmp::Reverse(*n));
    let mut folders: BTreeMap<&str, usize> = BTreeMap::new();
    for f in findings {
        *folders.entry(folder(&f.path)).or_default() += 1;
    }
    let mut by_folder: Vec<(String, String, usize)> = folders
        .into_iter()
        .map(|(name, n)| {
            (
                name.to_string(),
                format!("folder={}", encode_fragment(name)),
                n,
            )
        })
        .collect();
    by_folder.sort_by_key(|(_, _, n)| std::cmp::Reverse(*n));
    if by_folder.len() > MAX_FOLDERS {
        let rest: usize = by_folder.drain(MAX_FOLDERS - 1..).map(|(_, _, n)| n).sum();
        by_folder.push(("other folders".to_string(), String::new(), rest));
    }
    out.push_str("<section id=\"charts\">\n");
    bar_chart(out, "Findings per category", "chart-category", &by_category);
    bar_chart(
        out,
        "Findings per top-level folder",
        "chart-folder",
        &by_folder,
    );
    out.push_str("</section>\n");
}

/// A horizontal SVG bar chart; each bar links to the filter in its second field.
fn bar_chart(out: &mut String, title: &str, id: &str, bars: &[(String, String, usize)]) {
    const ROW: usize = 26;
    const LABEL: usize = 190;
    const WIDTH: usize = 520;
    let max = bars.iter().map(|b| b.2).max().unwrap_or(0).max(1);
    let height = ROW * bars.len().max(1) + 8;
    let _ = writeln!(
        out,
        "<figure id=\"{id}\"><figcaption>{}</figcaption>\n\
         <svg viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(title),
        escape(title)
    );
    if bars.is_empty() {
        let _ = writeln!(out, "<text x=\"0\" y=\"18\">no findings</text>");
    }
    for (i, (label, filter, n)) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let bar = (WIDTH - LABEL - 50) * n / max;
        let (open, close) = if filter.is_empty() {
            (String::new(), "")
        } else {
            (format!("<a href=\"#{}\">", escape(filter)), "</a>")
        };
        let _ = writeln!(
            out,
            "{open}<g class=\"bar\"><title>{label}: {n}</title>\
             <text x=\"{tx}\" y=\"{ty}\" text-anchor=\"end\">{short}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\" rx=\"3\"></rect>\
             <text x=\"{nx}\" y=\"{ty}\">{n}</text></g>{close}",
            label = escape(label),
            short = escape(&shorten(label, 26)),
            tx = LABEL - 8,
            ty = y + 15,
            h = ROW - 8,
            nx = LABEL + bar + 6,
        );
    }
    out.push_str("</svg></figure>\n");
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let head: String = text.chars().take(max - 1).collect();
        format!("{head}…")
    }
}

/// Percent-encodes a value for the URL fragment (read back with `URLSearchParams`).
fn encode_fragment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

fn filters(out: &mut String, findings: &[Finding]) {
    out.push_str(
        "<section id=\"filters\">\n<label>Search <input id=\"q\" type=\"search\" \
         placeholder=\"rule, file, message, code\"></label>\n",
    );
    out.push_str("<label>Severity <select id=\"severity\"><option value=\"\">all</option>");
    for s in SEVERITIES {
        let _ = write!(out, "<option>{}</option>", s.name());
    }
    out.push_str("</select></label>\n<label>Category <select id=\"category\"><option value=\"\">all</option>");
    for c in Category::ALL {
        let _ = write!(out, "<option>{}</option>", c.name());
    }
    out.push_str(
        "</select></label>\n<label>Folder <select id=\"folder\"><option value=\"\">all</option>",
    );
    let folders: BTreeSet<&str> = findings.iter().map(|f| folder(&f.path)).collect();
    for name in folders {
        let _ = write!(out, "<option>{}</option>", escape(name));
    }
    let _ = writeln!(
        out,
        "</select></label>\n<button id=\"clear\" type=\"button\">Clear</button>\n\
         <output id=\"shown\">{n} of {n} findings</output>\n</section>",
        n = findings.len()
    );
}

fn table(out: &mut String, findings: &[Finding], sources: &BTreeMap<String, Arc<str>>) {
    out.push_str(
        "<table id=\"findings\">\n<thead><tr>\
         <th data-sort=\"severity\" aria-sort=\"none\">Severity</th>\
         <th data-sort=\"rule\" aria-sort=\"none\">Rule</th>\
         <th data-sort=\"category\" aria-sort=\"none\">Category</th>\
         <th data-sort=\"location\" aria-sort=\"ascending\">Location</th>\
         <th data-sort=\"message\" aria-sort=\"none\">Message and code</th>\
         </tr></thead>\n<tbody>\n",
    );
    let mut indexes: BTreeMap<&str, LineIndex> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        let rank = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        let _ = writeln!(
            out,
            "<tr class=\"finding\" tabindex=\"0\" data-index=\"{i}\" data-severity=\"{sev}\" \
             data-rank=\"{rank}\" data-rule=\"{rule}\" data-category=\"{cat}\" \
             data-folder=\"{folder}\" data-path=\"{path}\" data-line=\"{line}\">\
             <td><span class=\"sev sev-{sev}\">{sev}</span></td><td>{rule}</td><td>{cat}</td>\
             <td class=\"loc\">{path}:{line}:{col}</td>\
             <td><div class=\"msg\">{msg}</div><code>{snippet}</code>\
             <template class=\"excerpt\">{excerpt}</template></td></tr>",
            sev = f.severity.name(),
            rule = escape(&f.rule_id),
            cat = f.category.name(),
            folder = escape(folder(&f.path)),
            path = escape(&f.path),
            line = f.start_line,
            col = f.start_column,
            msg = inline_markdown(&f.message),
            snippet = escape(&f.snippet),
            excerpt = excerpt(f, sources, &mut indexes),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    if findings.is_empty() {
        out.push_str("<p id=\"empty\">No findings.</p>\n");
    }
}

/// The finding's lines with a little context, numbered, the finding's lines marked.
fn excerpt<'a>(
    f: &Finding,
    sources: &'a BTreeMap<String, Arc<str>>,
    indexes: &mut BTreeMap<&'a str, LineIndex>,
) -> String {
    let Some((path, text)) = sources.get_key_value(&f.path) else {
        return format!("<pre>{}</pre>", escape(&f.snippet));
    };
    let index = indexes
        .entry(path.as_str())
        .or_insert_with(|| LineIndex::new(text));
    let first = f.start_line.saturating_sub(CONTEXT_LINES).max(1);
    let end_line = f.end_line.min(f.start_line + MAX_EXCERPT_LINES - 1);
    let last = end_line + CONTEXT_LINES;
    let mut out = String::from("<pre>");
    for line in first..=last {
        let content = index.line_text(text, line);
        // Trailing context stops at a blank line (or the end of the file).
        if line > end_line && content.is_empty() {
            break;
        }
        let mark = if (f.start_line..=end_line).contains(&line) {
            " class=\"hit\""
        } else {
            ""
        };
        // Block spans, one per line: no newline between them.
        let _ = write!(
            out,
            "<span{mark}><i>{line:>5}</i> {}</span>",
            escape(content)
        );
    }
    out.push_str("</pre>");
    out
}

/// One hidden documentation block per rule that fired, shown when a finding is clicked.
fn details(out: &mut String, findings: &[Finding], catalogue: &Catalogue) {
    out.push_str("<aside id=\"detail\" hidden>\n<button id=\"close\" type=\"button\" aria-label=\"Close\">×</button>\n\
                  <h2 id=\"detail-title\"></h2><p id=\"detail-location\"></p><div id=\"detail-excerpt\"></div>\n\
                  <p id=\"detail-message\"></p><div id=\"detail-doc\"></div>\n</aside>\n");
    out.push_str("<div id=\"rules\" hidden>\n");
    let fired: BTreeSet<&str> = findings.iter().map(|f| f.rule_id.as_str()).collect();
    for id in fired {
        if let Some(rule) = catalogue.get(id) {
            rule_doc(out, rule);
        }
    }
    out.push_str("</div>\n");
}

fn rule_doc(out: &mut String, rule: &Rule) {
    let d = &rule.docs;
    let _ = writeln!(
        out,
        "<article class=\"rule\" data-rule=\"{id}\"><p class=\"summary\">{summary}</p>\
         <p class=\"meta\">{cat} · default severity {sev}</p>\
         <h3>Use instead</h3><p class=\"alternative\">{alt}</p>{instead}\
         <h3>What it finds</h3>{what}<h3>Why it breaks when scaled out</h3>{why}\
         <h3>When it is fine</h3>{fine}</article>",
        id = escape(&rule.id),
        summary = inline_markdown(&rule.summary),
        cat = rule.category.name(),
        sev = rule.severity.name(),
        alt = inline_markdown(&rule.alternative),
        instead = markdown(&d.instead),
        what = markdown(&d.what),
        why = markdown(&d.why),
        fine = markdown(&d.fine_when),
    );
}

fn file_errors(out: &mut String, errors: &[FileError]) {
    if errors.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"errors\"><h2>Files not (fully) analysed: {}</h2><ul>",
        errors.len()
    );
    for e in errors {
        let _ = writeln!(
            out,
            "<li><code>{}</code>: {}</li>",
            escape(&e.path),
            escape(&e.message)
        );
    }
    out.push_str("</ul></section>\n");
}

/// The Markdown of the rule docs: paragraphs, fenced code blocks, inline code. Anything
/// else stays text; everything is escaped.
fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut code: Option<Vec<&str>> = None;
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if !paragraph.is_empty() {
            let _ = write!(out, "<p>{}</p>", inline_markdown(&paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            match code.take() {
                Some(lines) => {
                    let _ = write!(out, "<pre><code>{}</code></pre>", escape(&lines.join("\n")));
                }
                None => {
                    flush(&mut paragraph, &mut out);
                    code = Some(Vec::new());
                }
            }
        } else if let Some(lines) = code.as_mut() {
            lines.push(line);
        } else if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
        } else {
            paragraph.push(line.trim());
        }
    }
    if let Some(lines) = code {
        let _ = write!(out, "<pre><code>{}</code></pre>", escape(&lines.join("\n")));
    }
    flush(&mut paragraph, &mut out);
    out
}

/// Backtick spans become `<code>`; the rest is escaped text.
fn inline_markdown(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_subset_is_escaped() {
        assert_eq!(
            markdown("Use `a<b>`\nand <i>.\n\n```js\nif (a < b) {}\n```\n"),
            "<p>Use <code>a&lt;b&gt;</code> and &lt;i&gt;.</p><pre><code>if (a &lt; b) {}</code></pre>"
        );
        assert_eq!(escape("\"'&"), "&quot;&#39;&amp;");
    }

    #[test]
    fn folders_are_the_first_path_segment() {
        assert_eq!(folder("src/a/b.js"), "src");
        assert_eq!(folder("b.js"), ".");
        assert_eq!(folder("/abs/x/b.js"), "/abs");
        assert_eq!(encode_fragment("a b&c/d"), "a%20b%26c/d");
    }
}
