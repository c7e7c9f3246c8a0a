//! Rust method calls through a value of a known type in the call graph: `server.run()` on a
//! `Server` reaches `Server`'s `run`, not every `run` of the project.
//!
//! The Rust symbol table writes such a call `Server.run` (see
//! `frontend/rust/receivers.rs`: `self`, a typed parameter or `let`, a value a constructor
//! of the type built). When the project declares a method of the name for that type (an
//! inherent method, a trait implementation's), the call reaches it alone; otherwise (a
//! trait's default method, a type that lends its value's methods through `Deref`, a type of
//! another crate) it reaches every definition of the name, as a call on a value of unknown
//! type does.

/// The type and the method of a method call written `Type.name`; `None` for other names.
pub fn split(name: &str) -> Option<(&str, &str)> {
    if name.contains("::") {
        return None;
    }
    let (ty, method) = name.rsplit_once('.')?;
    (ty.starts_with(|c: char| c.is_ascii_uppercase()) && !method.is_empty()).then_some((ty, method))
}

/// How the symbol table writes a call of `method` on a value of type `ty`.
pub fn join(ty: &str, method: &str) -> String {
    format!("{ty}.{method}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_method_call_splits_into_type_and_method() {
        assert_eq!(split("Server.run"), Some(("Server", "run")));
        assert_eq!(split(&join("Hub", "broadcast")), Some(("Hub", "broadcast")));
        assert_eq!(split("run"), None);
        assert_eq!(split("Store::open"), None);
        assert_eq!(split("FileInfo.Directory::Create"), None);
        assert_eq!(split("config.toml"), None);
    }
}
