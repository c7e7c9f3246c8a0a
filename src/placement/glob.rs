//! Name patterns of the placement data: `*` for any run of characters, `[A-Z]` /
//! `[abc]` for one character of a set, anything else literal. Exact by default
//! (`*Tests` does not match `contests`, `tools` does not match a product area named
//! `Tools`); an entry may ask to ignore case (`tests` matching `Tests`).

/// One compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    source: String,
    parts: Vec<Part>,
    ignore_case: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(char),
    Any,
    /// Inclusive character ranges (a single character is a range of one).
    Set(Vec<(char, char)>),
}

impl Glob {
    /// Compiles `pattern`, matching exactly or ignoring case; an empty pattern, a bare
    /// `*`, an unclosed `[` or a reversed range is an error.
    pub fn new(pattern: &str, ignore_case: bool) -> Result<Glob, String> {
        if pattern.is_empty() || pattern.chars().all(|c| c == '*') {
            return Err(format!("pattern `{pattern}` matches every name"));
        }
        let mut parts = Vec::new();
        let mut chars = pattern.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    if parts.last() != Some(&Part::Any) {
                        parts.push(Part::Any);
                    }
                }
                '[' => {
                    let mut set = Vec::new();
                    loop {
                        match chars.next() {
                            None => return Err(format!("pattern `{pattern}` has an unclosed `[`")),
                            Some(']') if !set.is_empty() => break,
                            Some(lo) => {
                                if chars.peek() == Some(&'-') {
                                    chars.next();
                                    match chars.next() {
                                        Some(hi) if hi != ']' && hi >= lo => set.push((lo, hi)),
                                        _ => {
                                            return Err(format!(
                                                "pattern `{pattern}` has a bad range in `[...]`"
                                            ))
                                        }
                                    }
                                } else {
                                    set.push((lo, lo));
                                }
                            }
                        }
                    }
                    parts.push(Part::Set(set));
                }
                c => parts.push(Part::Literal(c)),
            }
        }
        Ok(Glob {
            source: pattern.to_string(),
            ignore_case,
            parts,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// Whether the whole of `name` matches.
    pub fn matches(&self, name: &str) -> bool {
        let name: Vec<char> = if self.ignore_case {
            name.chars().flat_map(char::to_lowercase).collect()
        } else {
            name.chars().collect()
        };
        // Iterative wildcard matching with one back-tracking point: linear for the
        // short names and patterns used here.
        let (mut p, mut n) = (0, 0);
        let mut star: Option<(usize, usize)> = None;
        while n < name.len() {
            match self.parts.get(p) {
                Some(Part::Any) => {
                    star = Some((p, n));
                    p += 1;
                }
                Some(part) if self.one(part, name[n]) => {
                    p += 1;
                    n += 1;
                }
                _ => match star {
                    Some((sp, sn)) => {
                        p = sp + 1;
                        n = sn + 1;
                        star = Some((sp, sn + 1));
                    }
                    None => return false,
                },
            }
        }
        self.parts[p..].iter().all(|part| *part == Part::Any)
    }

    fn one(&self, part: &Part, c: char) -> bool {
        match part {
            Part::Literal(l) if self.ignore_case => l.to_lowercase().eq(c.to_lowercase()),
            Part::Literal(l) => *l == c,
            Part::Set(ranges) => ranges.iter().any(|&(lo, hi)| {
                (lo..=hi).contains(&c)
                    || (self.ignore_case
                        && c.to_uppercase()
                            .chain(c.to_lowercase())
                            .any(|u| (lo..=hi).contains(&u)))
            }),
            Part::Any => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, name: &str) -> bool {
        Glob::new(pattern, false).unwrap().matches(name)
    }

    fn i(pattern: &str, name: &str) -> bool {
        Glob::new(pattern, true).unwrap().matches(name)
    }

    #[test]
    fn exact_or_ignoring_case_with_wildcards() {
        assert!(i("tests", "Tests"));
        assert!(i("tests", "TESTS"));
        assert!(i("Migrations", "migrations"));
        assert!(i("[a-c]x", "BX"));
        assert!(!m("tools", "Tools"));
        assert!(!m("[a-c]x", "Bx"));
        assert!(m("*Tests", "Shop.Api.Tests"));
        assert!(!m("*Tests", "contests"));
        assert!(m("Test[A-Z]*", "TestMqHost"));
        assert!(!m("Test[A-Z]*", "Testimonials"));
        assert!(!m("Test[A-Z]*", "Test"));
        assert!(m("*.test.*", "upload.test.ts"));
        assert!(!m("*.test.*", "upload.ts"));
        assert!(m("*-cli", "meili-cli"));
        assert!(i("*migration.*", "UserMigration.cs"));
        assert!(m("a*b*c", "aXbYbZc"));
        assert!(!m("a*b*c", "aXbYbZ"));
        assert!(m("[abc]x", "bx"));
    }

    #[test]
    fn rejects_patterns_that_match_everything_or_do_not_close() {
        assert!(Glob::new("", false).is_err());
        assert!(Glob::new("**", true).is_err());
        assert!(Glob::new("Test[A-Z", false).is_err());
        assert!(Glob::new("[z-a]", false).is_err());
    }
}
