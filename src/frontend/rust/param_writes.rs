//! Writes through parameters: a function that adds to a collection it was handed
//! (`fn save(map: &DashMap<u64, Entry>, key: u64, e: Entry) { map.insert(key, e); }`) writes
//! to whatever its callers pass (`Entry::save(&self.buckets, ..)`, `save(&state.sessions, ..)`).
//! Within a file the calls are joined to the definitions here (also through functions that
//! pass the parameter on); across files each side records a fact (see [`PARAM_WRITE`] and
//! [`PASS`]) that [`crate::reach::passed`] joins over the project.

use crate::reach::passed::{PARAM_WRITE, PASS};
use std::collections::{BTreeMap, BTreeSet};

/// What a call hands a function: one of the caller's own parameters, or a place the caller
/// knows (a static, a field), by its name in [`super::statics::Statics`] and the facts a write
/// to it makes in other files.
#[derive(Clone)]
pub(super) enum Passed {
    Param(usize),
    Place {
        name: String,
        fields: Vec<String>,
        facts: Vec<String>,
    },
}

/// One argument of one call: the callee's names (`Type::name` when the path says so, and
/// `name`), the argument's position, the names of the function it sits in and what it is.
struct Call {
    callees: Vec<String>,
    index: usize,
    caller: Vec<String>,
    passed: Passed,
}

/// The file's functions that write their parameters and the calls that hand collections on.
#[derive(Default)]
pub(super) struct ParamWrites {
    written: BTreeSet<(String, usize)>,
    calls: Vec<Call>,
    /// The names of the file's functions: a call of one is joined here, never elsewhere.
    defined: BTreeSet<String>,
}

impl ParamWrites {
    /// Records a function of the file by its names.
    pub(super) fn define(&mut self, names: &[String]) {
        self.defined.extend(names.iter().cloned());
    }

    /// Records that the function named `names` (its simple name, and `Type::name` in an
    /// `impl`) adds to its `index`-th parameter.
    pub(super) fn write(&mut self, names: &[String], index: usize) {
        for name in names {
            self.written.insert((name.clone(), index));
        }
    }

    /// Records a call of `callees` handing `passed` as its `index`-th argument, from the
    /// function named `caller` (none outside functions).
    pub(super) fn call(
        &mut self,
        callees: Vec<String>,
        index: usize,
        caller: Vec<String>,
        passed: Passed,
    ) {
        self.calls.push(Call {
            callees,
            index,
            caller,
            passed,
        });
    }

    /// Joins calls to the file's writing functions, passing writes back through the
    /// parameters callers hand on (a worklist: each function parameter is marked once).
    /// Returns the places written (name and the fields passed on the way) and the facts for
    /// other files.
    pub(super) fn resolve(self) -> (Vec<(String, Vec<String>)>, BTreeSet<String>) {
        let ParamWrites {
            mut written,
            calls,
            defined,
        } = self;
        // Callee parameter → the caller parameters handed to it.
        let mut onward: BTreeMap<(String, usize), Vec<(String, usize)>> = BTreeMap::new();
        for call in &calls {
            if let Passed::Param(p) = &call.passed {
                for callee in &call.callees {
                    let to = onward.entry((callee.clone(), call.index)).or_default();
                    to.extend(call.caller.iter().map(|c| (c.clone(), *p)));
                }
            }
        }
        let mut queue: Vec<(String, usize)> = written.iter().cloned().collect();
        while let Some(key) = queue.pop() {
            for next in onward.get(&key).into_iter().flatten() {
                if written.insert(next.clone()) {
                    queue.push(next.clone());
                }
            }
        }
        let mut places = Vec::new();
        let mut facts: BTreeSet<String> = written
            .iter()
            .map(|(name, index)| format!("{PARAM_WRITE}{name}:{index}"))
            .collect();
        for call in calls {
            let here = call
                .callees
                .iter()
                .any(|c| written.contains(&(c.clone(), call.index)));
            if !here && call.callees.iter().any(|c| defined.contains(c)) {
                continue;
            }
            match call.passed {
                Passed::Place {
                    name,
                    fields,
                    facts: made,
                } => {
                    if here {
                        places.push((name, fields));
                        facts.extend(made);
                    } else {
                        for callee in &call.callees {
                            for fact in &made {
                                facts.insert(format!("{PASS}{callee}:{}:{fact}", call.index));
                            }
                        }
                    }
                }
                // Handed on to another file's function: this one writes it if that one does.
                Passed::Param(p) if !here => {
                    for caller in &call.caller {
                        for callee in &call.callees {
                            facts.insert(format!(
                                "{PASS}{callee}:{}:{PARAM_WRITE}{caller}:{p}",
                                call.index
                            ));
                        }
                    }
                }
                Passed::Param(_) => {}
            }
        }
        (places, facts)
    }
}
