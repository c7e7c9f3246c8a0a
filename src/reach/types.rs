//! The C# type hierarchy of a project, for calls through a typed receiver.
//!
//! The C# symbol table writes a call on a receiver whose type it knows (a field, property,
//! parameter or local declared with a type, `new T()`) or names (`File.Create`,
//! `DatabaseFixes.Run`) as `T::name`. Such a call reaches the methods of that name whose
//! type derives from `T` or that `T` derives from (an interface's implementations, an
//! inherited method), and extension methods. A qualifier that is no type of the project nor
//! named in a base list is an outside type (`File`, `Tuple`, `string`): its calls reach only
//! extension methods, unless a field or property of the project has that name (an inherited
//! member of another file: a value of unknown type, so every method of the name). A member
//! of a value (`FileInfo.Directory::Create`) is of an outside type when the value's type is.

use crate::event::{Definition, Role, TypeInfo};
use crate::reach::{FileModel, FileRole, MAX_ANCESTORS};
use std::collections::{HashMap, HashSet};

/// What a receiver's qualifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Qualifier {
    /// A type of the project, or one a project type derives from.
    Type,
    /// A name that may be a value of any type (a field or property of the project).
    Unsure,
    /// A type from outside the project.
    External,
}

/// The project's C# types.
#[derive(Debug, Default)]
pub(super) struct Types<'a> {
    /// Per type name (declared in the project or named in a base list): the types it
    /// derives from, itself included.
    ancestors: HashMap<&'a str, HashSet<&'a str>>,
    /// Per type name: the types deriving from it, itself excluded.
    descendants: HashMap<&'a str, Vec<&'a str>>,
    /// The names of the fields and properties other files may use by their simple name.
    members: HashSet<&'a str>,
    /// Per (type, field or property): its plain declared type (see
    /// [`TypeInfo::member_types`]); `None` when two declarations disagree.
    member_types: HashMap<(&'a str, &'a str), Option<&'a str>>,
    /// The (type, name) of the methods a type declares that neither override an outside
    /// type's method nor are called by a framework (a plain, virtual or abstract method of
    /// the project, an interface's method).
    declared: HashSet<(&'a str, &'a str)>,
}

impl<'a> Types<'a> {
    /// The hierarchy of the type declarations in `files` (C# files).
    pub(super) fn new(files: impl Iterator<Item = &'a FileModel>) -> Self {
        let mut bases: HashMap<&str, Vec<&str>> = HashMap::new();
        // Test code is visible in its own file only: its members are nobody's inheritance.
        let definitions: Vec<&Definition> = files
            .filter(|f| f.role != FileRole::Test)
            .flat_map(|f| &f.definitions)
            .collect();
        let declarations: Vec<(&str, &TypeInfo)> = definitions
            .iter()
            .filter_map(|d| Some((d.name.as_str(), d.type_info.as_ref()?)))
            .collect();
        let declared = definitions
            .iter()
            .filter(|d| d.role == Role::Plain && d.type_info.is_none())
            .filter_map(|d| Some((d.owner.as_deref()?, d.name.as_str())))
            .collect();
        let mut member_types: HashMap<(&str, &str), Option<&str>> = HashMap::new();
        for &(name, info) in &declarations {
            for (member, ty) in &info.member_types {
                let known = member_types
                    .entry((name, member.as_str()))
                    .or_insert(Some(ty.as_str()));
                if *known != Some(ty.as_str()) {
                    *known = None;
                }
            }
        }
        let mut parts: HashMap<&str, usize> = HashMap::new();
        for &(name, info) in &declarations {
            for base in &info.bases {
                bases.entry(base.as_str()).or_default();
            }
            bases
                .entry(name)
                .or_default()
                .extend(info.bases.iter().map(String::as_str));
            *parts.entry(name).or_default() += 1;
        }
        let mut ancestors = HashMap::with_capacity(bases.len());
        let mut descendants: HashMap<&str, Vec<&str>> = HashMap::new();
        for &ty in bases.keys() {
            let mut seen = HashSet::from([ty]);
            let mut stack = vec![ty];
            while let Some(t) = stack.pop() {
                for &base in bases.get(t).into_iter().flatten() {
                    if seen.len() < MAX_ANCESTORS && seen.insert(base) {
                        stack.push(base);
                        descendants.entry(base).or_default().push(ty);
                    }
                }
            }
            ancestors.insert(ty, seen);
        }
        // A member is used by its simple name in another file only by a type deriving from
        // its own, or by another part of a partial type.
        let members = declarations
            .iter()
            .filter(|(name, _)| descendants.contains_key(name) || parts[name] > 1)
            .flat_map(|(_, info)| info.members.iter().map(String::as_str))
            .collect();
        Types {
            ancestors,
            descendants,
            members,
            member_types,
            declared,
        }
    }

    /// The declared type of a member of a typed value (`Builder.Services`, see the C#
    /// symbol table): the plain type the value's type, or one type it derives from,
    /// declares the member with. `None` when no project type declares it, or the
    /// declarations disagree.
    pub(super) fn resolve(&self, qualifier: &str) -> Option<&'a str> {
        let (owner, member) = qualifier.rsplit_once('.')?;
        if owner.contains('.') {
            return None;
        }
        let mut found = None;
        for &ty in self.ancestors.get(owner)? {
            match self.member_types.get(&(ty, member)) {
                None => {}
                Some(None) => return None,
                Some(Some(t)) if found.is_some_and(|f| f != *t) => return None,
                Some(&Some(t)) => found = Some(t),
            }
        }
        found
    }

    /// Whether a method `name` of type `owner` overrides a method a project type it derives
    /// from declares (`override CreateSchema()` of a `Database` base declaring
    /// `abstract CreateSchema()`): calls of that name run it, through the base type or its
    /// own, not the framework.
    pub(super) fn overrides_declared(&self, owner: &str, name: &str) -> bool {
        self.ancestors.get(owner).is_some_and(|set| {
            set.iter()
                .any(|&ty| ty != owner && self.declared.contains(&(ty, name)))
        })
    }

    /// What `qualifier` (the `T` of `T::name`) is. A member of a value (`FileInfo.Directory`,
    /// see the C# symbol table) is of an outside type when the value's type is one: a type
    /// from outside the project, without type arguments, cannot name the project's types.
    pub(super) fn classify(&self, qualifier: &str) -> Qualifier {
        if let Some((owner, _member)) = qualifier.rsplit_once('.') {
            return match self.classify(owner) {
                Qualifier::External => Qualifier::External,
                Qualifier::Type | Qualifier::Unsure => Qualifier::Unsure,
            };
        }
        if self.ancestors.contains_key(qualifier) {
            Qualifier::Type
        } else if self.members.contains(qualifier) {
            Qualifier::Unsure
        } else {
            Qualifier::External
        }
    }

    /// Whether a method of type `owner` may answer a call through type `qualifier`: one
    /// derives from the other (or they are the same).
    pub(super) fn related(&self, qualifier: &str, owner: &str) -> bool {
        let derives = |a: &str, b: &str| self.ancestors.get(a).is_some_and(|s| s.contains(b));
        qualifier == owner || derives(qualifier, owner) || derives(owner, qualifier)
    }

    /// The types whose calls a method of `owner` may answer: `owner`, its ancestors and its
    /// descendants.
    pub(super) fn related_types(&self, owner: &'a str) -> Vec<&'a str> {
        let mut out: Vec<&str> = vec![owner];
        out.extend(
            self.ancestors
                .get(owner)
                .into_iter()
                .flatten()
                .filter(|&&t| t != owner),
        );
        out.extend(self.descendants.get(owner).into_iter().flatten());
        out
    }
}
