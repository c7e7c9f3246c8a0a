//! Razor markup: `.razor` components and `.cshtml` pages and views. The markup is not parsed;
//! it is read only for the project model. A component or page runs on requests, so the file
//! is an entry point, and its calls through the services it injects reach the C# methods of
//! those services: `@inject ILogsManager Logs` (or an `[Inject]` property of its `@code`
//! block) and then `Logs.DeleteLogs()` names `ILogsManager::DeleteLogs`, which reaches the
//! `DeleteLogs` of the types related to `ILogsManager` (see [`crate::reach`]). A view's
//! `Model.Save()` goes through its `@model` type; a call through a type's name
//! (`Cache.Clear()`) through that type. Bare calls (the component's own methods, defined in
//! the markup) and calls on other receivers are left out: by name alone they would reach
//! every method of that name.

use super::{Extracted, FileFacts};
use crate::event::{Definition, Role};
use std::collections::{BTreeSet, HashMap};

/// The facts of a Razor file: one entry point naming what its markup and code call.
pub fn extract(text: &str) -> Extracted {
    let services = injected(text);
    let mut refs = BTreeSet::new();
    for (receiver, method) in member_calls(text) {
        match services.get(receiver) {
            Some(ty) => refs.insert(format!("{ty}::{method}")),
            None if receiver.starts_with(|c: char| c.is_ascii_uppercase()) => {
                refs.insert(format!("{receiver}::{method}"))
            }
            None => false,
        };
    }
    let top = Definition {
        name: String::new(),
        role: Role::Entry,
        span: 0..text.len(),
        refs: refs.into_iter().collect(),
        ..Definition::default()
    };
    Extracted {
        facts: FileFacts {
            definitions: vec![top],
            ..FileFacts::default()
        },
        syntax_error: None,
    }
}

/// The simple name of a written type: `IOptions` of `Microsoft.Extensions.IOptions<Foo>`.
fn simple_type(written: &str) -> &str {
    let base = written.split('<').next().unwrap_or(written);
    base.rsplit('.')
        .next()
        .unwrap_or(base)
        .trim_end_matches('?')
}

/// Injected services and the view's model, by the name the markup uses: `@inject T Name`,
/// `[Inject] public T Name { get; set; }`, `@model T` (as `Model`).
fn injected(text: &str) -> HashMap<&str, &str> {
    let mut services = HashMap::new();
    let mut pending_attribute = false;
    for line in text.lines() {
        let line = line.trim();
        let mut words = line.split_whitespace();
        match words.next() {
            Some("@inject") => {
                if let (Some(ty), Some(name)) = (words.next(), words.next()) {
                    services.insert(name.trim_end_matches(';'), simple_type(ty));
                }
                continue;
            }
            Some("@model") => {
                if let Some(ty) = words.next() {
                    services.insert("Model", simple_type(ty));
                }
                continue;
            }
            _ => {}
        }
        let rest = match line.strip_prefix("[Inject]") {
            Some(rest) => rest.trim(),
            None if pending_attribute => line,
            None => continue,
        };
        if rest.is_empty() {
            pending_attribute = true;
            continue;
        }
        pending_attribute = false;
        let words: Vec<&str> = rest
            .split_whitespace()
            .filter(|w| {
                !matches!(
                    *w,
                    "public" | "private" | "protected" | "internal" | "required" | "static"
                )
            })
            .collect();
        if let [ty, name, ..] = words.as_slice() {
            services.insert(name.trim_end_matches(['{', ';']), simple_type(ty));
        }
    }
    services
}

/// Every `receiver.Method(` (also `receiver.Method<T>(` and `await receiver.Method (`), as
/// (receiver, method).
fn member_calls(text: &str) -> Vec<(&str, &str)> {
    let bytes = text.as_bytes();
    let ident_end = |mut i: usize| {
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        i
    };
    let mut calls = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let end = ident_end(i);
        let receiver = &text[i..end];
        let Some(b'.') = bytes.get(end) else {
            i = end;
            continue;
        };
        let method_end = ident_end(end + 1);
        if method_end == end + 1 {
            i = end + 1;
            continue;
        }
        let method = &text[end + 1..method_end];
        let mut j = method_end;
        if bytes.get(j) == Some(&b'<') {
            // Type arguments, not nested deeper than one level of `<>` pairs.
            let mut depth = 0usize;
            while j < bytes.len() {
                match bytes[j] {
                    b'<' => depth += 1,
                    b'>' => {
                        depth -= 1;
                        if depth == 0 {
                            j += 1;
                            break;
                        }
                    }
                    b'\n' | b'(' | b';' => break,
                    _ => {}
                }
                j += 1;
            }
        }
        while bytes.get(j).is_some_and(|b| *b == b' ') {
            j += 1;
        }
        if bytes.get(j) == Some(&b'(') {
            calls.push((receiver, method));
        }
        // The method may itself be the receiver of the next call.
        i = end + 1;
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_through_injected_services_the_model_and_types_are_named_by_type() {
        let razor = r#"@page "/logs"
@inject ILogsManager LogsManager
@inject Microsoft.Extensions.Options.IOptions<Settings> Options
@model Shop.CartViewModel

<button @onclick="Refresh">Refresh</button>
<p>@Model.Total()</p>
@code {
    [Inject]
    public IJobQueue Jobs { get; set; } = default!;
    private readonly List<string> lines = new();

    private async Task Refresh()
    {
        await LogsManager.DeleteLogs();
        await Jobs.Enqueue<CleanupJob>(lines.Count);
        var fresh = Cache.Clear ();
        lines.Add(Options.Value.ToString());
    }
}
"#;
        let facts = extract(razor).facts;
        assert_eq!(facts.definitions.len(), 1);
        assert_eq!(facts.definitions[0].role, Role::Entry);
        assert_eq!(
            facts.definitions[0].refs,
            [
                "Cache::Clear",
                "CartViewModel::Total",
                "IJobQueue::Enqueue",
                "ILogsManager::DeleteLogs",
                "Value::ToString",
            ]
        );
    }
}
