//! Resolution at a use site: expression and receiver types, call targets and builder
//! chains.

use super::strings::literal_text;
use super::syntax::{
    concat, dotted, last_named_child, last_segment, predefined_type, type_name, unwrap_expr,
};
use super::walk::Walker;
use super::words::words;
use crate::frontend::flat::Node;
use crate::frontend::tree::text;
use crate::frontend::tree::{Fields, Kind};

/// What the receiver of a member call is.
pub(super) enum Recv {
    /// A type, by candidate names: the call is static.
    Type(Vec<String>),
    /// A value, with its type as written when known.
    Value(Option<String>),
}

impl Walker<'_, '_> {
    /// The type of an expression when it is written in it (`new T()`, `(T)x`, `x as T`).
    pub(super) fn expression_type(&self, expr: Node<'_>) -> Option<String> {
        let depth = self.type_depth.get();
        if depth > 32 {
            return None;
        }
        self.type_depth.set(depth + 1);
        let ty = self.expression_type_inner(expr);
        self.type_depth.set(depth);
        ty
    }

    fn expression_type_inner(&self, expr: Node<'_>) -> Option<String> {
        match expr.kind_str() {
            "object_creation_expression" | "cast_expression" => {
                expr.field("type").and_then(|t| type_name(t, self.src))
            }
            "as_expression" => expr.field("right").and_then(|t| type_name(t, self.src)),
            // Static factories return their own type: `XDocument.Load(p)`, `Image.FromFile(p)`.
            "invocation_expression" => {
                let function = expr
                    .field("function")
                    .filter(|f| f.kind_str() == "member_access_expression")?;
                let method = text(function.field("name")?, self.src);
                let factory = words().factory_methods.contains(method);
                if !factory && !words().return_members.contains(method) {
                    return None;
                }
                let recv = function.field("expression")?;
                let receiver = self.receiver(recv);
                if let Some(ty) = self.known_return_type(&receiver, method) {
                    return Some(ty);
                }
                if !factory {
                    return None;
                }
                match receiver {
                    Recv::Type(_) => dotted(recv, self.src),
                    Recv::Value(_) => None,
                }
            }
            // Framework properties: `fileInfo.Directory`, `dir.Parent`.
            "member_access_expression" => {
                let name = text(expr.field("name")?, self.src);
                if !words().return_members.contains(name) {
                    return None;
                }
                let receiver = self.receiver(expr.field("expression")?);
                self.known_return_type(&receiver, name)
            }
            _ => None,
        }
    }

    /// The return type of `member` on a receiver, from `return_types` (`words.toml`).
    fn known_return_type(&self, receiver: &Recv, member: &str) -> Option<String> {
        let types = match receiver {
            Recv::Type(types) => types.clone(),
            Recv::Value(Some(ty)) => self.file.resolve_type(ty),
            Recv::Value(None) => return None,
        };
        types.iter().find_map(|t| {
            words().return_types.iter().find_map(|r| {
                (r.member
                    .strip_prefix(t.as_str())
                    .and_then(|r| r.strip_prefix('.'))
                    == Some(member))
                .then(|| r.returns.clone())
            })
        })
    }

    pub(super) fn receiver(&self, expr: Node<'_>) -> Recv {
        let expr = unwrap_expr(expr);
        if let Some(ty) = self.expression_type(expr) {
            return Recv::Value(Some(ty));
        }
        let Some(name) = dotted(expr, self.src) else {
            return Recv::Value(None);
        };
        let first = name.split(['.', ':']).next().unwrap_or(&name);
        let single = first.len() == name.len();
        if let Some(io) = self.abstract_file_system(&name) {
            return Recv::Type(vec![io]);
        }
        if first == "this" || first == "base" {
            let mut rest = name.split('.').skip(1);
            return match (rest.next(), rest.next()) {
                (Some(field), None) => Recv::Value(self.lookup(field).and_then(|v| v.ty.clone())),
                _ => Recv::Value(None),
            };
        }
        if let Some(var) = self.lookup(first) {
            return Recv::Value(if single { var.ty.clone() } else { None });
        }
        if let Some(system) = predefined_type(&name) {
            return Recv::Type(vec![system.to_string()]);
        }
        if self.file.aliases.contains_key(first)
            || self.file.local_types.contains_key(first)
            || name.starts_with("global::")
        {
            return Recv::Type(self.file.resolve_type(&name));
        }
        // Unknown lower-case names are variables declared elsewhere (another partial
        // class file, a base class); upper-case ones are taken to be types.
        if first.starts_with(|c: char| c.is_uppercase()) {
            Recv::Type(self.file.resolve_type(&name))
        } else {
            Recv::Value(None)
        }
    }

    /// `_fileSystem.File` / `.Directory` / `.Path` of a System.IO.Abstractions
    /// `IFileSystem`: the same operations as `System.IO.File` / `Directory` / `Path` on the
    /// real file system. The abstraction is imported, or the owner is a service's
    /// `FileSystem` property (`_directoryService.FileSystem.Path.Join(..)` in a file that
    /// never names the abstraction's namespace).
    fn abstract_file_system(&self, name: &str) -> Option<String> {
        let (owner, member) = name.rsplit_once('.')?;
        if !matches!(member, "File" | "Directory" | "Path") {
            return None;
        }
        let imported = self
            .file
            .namespaces
            .iter()
            .any(|ns| words().abstract_fs_namespaces.contains(ns.as_str()));
        if !imported && last_segment(owner) != "FileSystem" {
            return None;
        }
        let owner = owner.strip_prefix("this.").unwrap_or(owner);
        let typed = self
            .lookup(owner)
            .and_then(|v| v.ty.as_deref())
            .map(last_segment);
        let is_fs = match typed {
            Some(ty) => matches!(ty, "IFileSystem" | "FileSystem"),
            None => last_segment(owner)
                .to_ascii_lowercase()
                .contains("filesystem"),
        };
        is_fs.then(|| format!("System.IO.{member}"))
    }

    /// Candidate targets of calling `method` on `recv` (or unqualified when `None`).
    pub(super) fn call_targets(&self, method: &str, recv: Option<Node<'_>>) -> Vec<String> {
        let Some(recv) = recv else {
            if self.file.local_methods.contains(method) || self.lookup(method).is_some() {
                return Vec::new();
            }
            return self
                .file
                .statics
                .iter()
                .map(|t| concat(&[t, ".", method]))
                .collect();
        };
        match self.receiver(recv) {
            Recv::Type(types) => types.iter().map(|t| concat(&[t, ".", method])).collect(),
            Recv::Value(ty) => {
                // A type of this file that declares the method calls its own method.
                let own_method = ty.as_deref().is_some_and(|t| {
                    let first = t.split(['.', ':']).next().unwrap_or(t);
                    self.file.local_types.contains_key(first)
                        && self.file.local_methods.contains(method)
                });
                let mut out: Vec<String> = ty
                    .as_deref()
                    .map(|t| self.file.resolve_type(t))
                    .unwrap_or_default()
                    .into_iter()
                    .map(|t| concat(&[&t, ".", method]))
                    .collect();
                if own_method {
                    return out;
                }
                // Extension methods: any imported namespace may supply one, when it extends
                // the receiver's declared type.
                out.extend(
                    self.file
                        .namespaces
                        .iter()
                        .map(|ns| concat(&[ns, ".", method]))
                        .filter(|target| ty.as_deref().is_none_or(|t| words().extends(target, t))),
                );
                out
            }
        }
    }

    /// Builder calls applied to the receiver before the call, first applied first.
    pub(super) fn chain(&self, recv: Node<'_>) -> Vec<String> {
        let mut chain = Vec::new();
        let mut cur = unwrap_expr(recv);
        while cur.kind_str() == "invocation_expression" && chain.len() < 64 {
            let Some(function) = cur.field("function") else {
                break;
            };
            let (name, next) = match function.kind_str() {
                "member_access_expression" => {
                    (function.field("name"), function.field("expression"))
                }
                _ => (Some(function), None),
            };
            let Some(name) = name.and_then(|n| dotted(n, self.src)) else {
                break;
            };
            let literal = cur
                .field("arguments")
                .filter(|a| a.named_child_count() == 1)
                .and_then(|a| a.named_child(0))
                .and_then(last_named_child)
                .and_then(|e| literal_text(e, self.src));
            chain.push(match literal {
                Some(lit) => format!("{name}({lit})"),
                None => name,
            });
            match next {
                Some(next) => cur = unwrap_expr(next),
                None => break,
            }
        }
        chain.reverse();
        chain
    }
}
