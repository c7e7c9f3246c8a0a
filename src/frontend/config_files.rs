//! Configuration files as inputs: .NET logging settings (`appsettings*.json`, `nlog.config`,
//! `log4net.config`) and Prisma schemas (`*.prisma`).
//!
//! Each reader lowers what a file configures to the same [`Event`]s that source code gives, with
//! the span of the value that decides it, so rules match them as data. Targets name the format
//! and the setting: `appsettings:Serilog.WriteTo.File`, `appsettings:NLog.targets.File`,
//! `nlog:target.File`, `log4net:appender.log4net.Appender.RollingFileAppender`,
//! `prisma:datasource.sqlite`. Arguments carry the setting's other values as one
//! [`Arg::Object`] (`path`, `fileName`, `url`, ...).

mod appsettings;
mod prisma;
mod xml;

use super::{Extracted, SyntaxError};
use crate::event::{Arg, Event, EventKind, FileFacts, Property};

/// Reads a .NET configuration file: XML when it starts with `<`, JSON (with comments and
/// trailing commas, as .NET reads it) otherwise.
pub fn extract_dotnet(text: &str) -> Extracted {
    if text.trim_start().starts_with('<') {
        xml::extract(text)
    } else {
        appsettings::extract(text)
    }
}

/// Reads a Prisma schema.
pub fn extract_prisma(text: &str) -> Extracted {
    prisma::extract(text)
}

/// Records one configured setting as a call of `target`, pointing at `span`.
fn push_setting(
    facts: &mut FileFacts,
    target: String,
    span: std::ops::Range<usize>,
    props: Vec<Property>,
) {
    facts.calls.insert(target.clone());
    let mut event = Event::new(EventKind::Call, vec![target], span);
    event.args = vec![Arg::Object(props)];
    facts.events.push(event);
}

/// A result with facts and no error.
fn parsed(facts: FileFacts) -> Extracted {
    Extracted {
        facts,
        syntax_error: None,
    }
}

/// A result for a file that could not be read at all.
fn failed(offset: usize, message: String) -> Extracted {
    Extracted {
        facts: FileFacts::default(),
        syntax_error: Some(SyntaxError { offset, message }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Value;

    fn settings(extracted: &Extracted, text: &str) -> Vec<(String, String)> {
        extracted
            .facts
            .events
            .iter()
            .map(|e| (e.targets[0].clone(), text[e.span.clone()].to_string()))
            .collect()
    }

    #[test]
    fn serilog_sinks_nested_in_async_and_sub_loggers() {
        let text = r#"{
  "serilog": { "writeTo": {
    "0": { "Name": "Async", "Args": { "configure": [ { "Name": "File", "Args": { "path": "a.log" } } ] } },
    "1": { "Name": "Logger", "Args": { "configureLogger": { "WriteTo": [ { "Name": "RollingFile" } ] } } }
  } },
  "NLog": { "targets": { "async": { "type": "AsyncWrapper", "target": { "type": "File", "fileName": "b.log" } } } }
}"#;
        let ex = extract_dotnet(text);
        assert_eq!(ex.syntax_error, None);
        assert_eq!(
            settings(&ex, text),
            [
                (
                    "appsettings:Serilog.WriteTo.Async".into(),
                    "\"Async\"".into()
                ),
                ("appsettings:Serilog.WriteTo.File".into(), "\"File\"".into()),
                (
                    "appsettings:Serilog.WriteTo.Logger".into(),
                    "\"Logger\"".into()
                ),
                (
                    "appsettings:Serilog.WriteTo.RollingFile".into(),
                    "\"RollingFile\"".into()
                ),
                (
                    "appsettings:NLog.targets.AsyncWrapper".into(),
                    "\"AsyncWrapper\"".into()
                ),
                ("appsettings:NLog.targets.File".into(), "\"File\"".into()),
            ]
        );
        let Arg::Object(props) = &ex.facts.events[1].args[0] else {
            panic!("object argument");
        };
        assert_eq!(
            Property::lookup(props, "path"),
            [&Value::Str("a.log".into())]
        );
    }

    #[test]
    fn xml_targets_and_appenders_point_at_their_type() {
        let text = "<configuration><log4net>\n<appender name=\"f\" type=\"log4net.Appender.FileAppender, log4net\"><file value=\"x.log\" /></appender>\n</log4net></configuration>";
        let ex = extract_dotnet(text);
        assert_eq!(
            settings(&ex, text),
            [(
                "log4net:appender.log4net.Appender.FileAppender".into(),
                "log4net.Appender.FileAppender, log4net".into()
            )]
        );
        let Arg::Object(props) = &ex.facts.events[0].args[0] else {
            panic!("object argument");
        };
        assert_eq!(
            Property::lookup(props, "file"),
            [&Value::Str("x.log".into())]
        );
        let broken = extract_dotnet("<nlog>\n  <targets>\n</nlog>");
        let error = broken.syntax_error.expect("error");
        assert_eq!(error.offset, 19, "the closing tag on line 3");
        assert!(!error.message.contains(" at "), "{}", error.message);
        let broken = extract_dotnet("{ \"Serilog\": [");
        assert!(broken.syntax_error.is_some());
    }

    #[test]
    fn prisma_datasource_provider_outside_comments() {
        let text = "// provider = \"sqlite\"\ngenerator client {\n  provider = \"prisma-client-js\"\n}\ndatasource db {\n  // provider = \"mysql\"\n  provider = \"sqlite\" // local file\n  url = env(\"DATABASE_URL\")\n}\n";
        let ex = extract_prisma(text);
        assert_eq!(
            settings(&ex, text),
            [("prisma:datasource.sqlite".into(), "\"sqlite\"".into())]
        );
        let Arg::Object(props) = &ex.facts.events[0].args[0] else {
            panic!("object argument");
        };
        assert_eq!(Property::lookup(props, "url"), [&Value::Other]);
    }
}
