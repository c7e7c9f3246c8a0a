//! Project-scope mitigations (`project_calls_any`, `project_strings_any`), certain or
//! optional. A file's mitigation is optional when the file makes it only in a branch its
//! settings choose ([`FileModel::optional_mitigations`]), or when the types the file declares
//! are registered only in such branches (`chosen:RedisMessageBus` from
//! `if (config.RedisPubSubEnabled) services.AddSingleton<IMessageBus, RedisMessageBus>()`, and
//! no `fixed:RedisMessageBus`): a deployment that leaves the setting off runs without it.

use super::FileModel;
use std::collections::{BTreeMap, BTreeSet};

/// The project's mitigations.
#[derive(Debug, Default)]
pub struct Mitigations {
    /// The rules some server file mitigates for certain: their findings go.
    pub certain: BTreeSet<String>,
    /// The rules mitigated only when a setting is on, each with what mitigates them (a call
    /// or a type) and the file that does: their findings stand, with a note.
    pub optional: BTreeMap<String, (String, String)>,
}

/// The mitigations of the project's files (`paths`: each model's path, as shown), given
/// the registrations they all supply.
pub fn of_project(
    models: &[FileModel],
    paths: &[String],
    registered: &BTreeSet<String>,
) -> Mitigations {
    let mut out = Mitigations::default();
    for (model, path) in models.iter().zip(paths) {
        let chosen = model
            .mitigations
            .first()
            .and_then(|_| chosen_type(model, registered));
        match chosen {
            Some(ty) => {
                for rule in &model.mitigations {
                    out.optional
                        .entry(rule.clone())
                        .or_insert_with(|| (ty.to_string(), path.clone()));
                }
            }
            None => out.certain.extend(model.mitigations.iter().cloned()),
        }
        for (rule, call) in &model.optional_mitigations {
            out.optional
                .entry(rule.clone())
                .or_insert_with(|| (call.clone(), path.clone()));
        }
    }
    out
}

/// A type the file declares that the project registers only in a branch its settings
/// choose, when none of the file's types is registered otherwise.
fn chosen_type<'m>(model: &'m FileModel, registered: &BTreeSet<String>) -> Option<&'m str> {
    let mut types = model
        .definitions
        .iter()
        .filter(|d| d.type_info.is_some())
        .map(|d| d.name.as_str());
    let is = |how: &str, ty: &str| registered.contains(&format!("{how}:{ty}"));
    if types.clone().any(|ty| is("fixed", ty)) {
        return None;
    }
    types.find(|ty| is("chosen", ty))
}
