//! Which processes load a definition's code, so that a name reaches only definitions that
//! can run in the same process as the code that mentions it.
//!
//! A .NET solution builds several programs (a web server, a desktop launcher, an agent, a
//! console tool), each loading its own project and the libraries it references. A call in
//! the server's code cannot run a method that only the launcher's libraries define, however
//! common its name (`Next`, `Install`, `Write`). Each file carries the programs whose process
//! loads it ([`FileModel::hosts`]); two definitions share a process when their sets of
//! programs meet. A file whose programs are unknown (no project file, a plugin no program
//! references) shares one with everything: when unsure, reachable.
//!
//! A walk carries the processes it runs in: code of a library that both the server and an
//! agent load, reached from the server, runs in the server's process, so the names it
//! mentions reach only what the server loads. A definition reached again in more processes
//! is walked again for those (at most once per program).

use super::FileModel;
use std::collections::HashMap;
use std::path::PathBuf;

/// The id of the set of every process (the processes of code whose programs are unknown).
const ALL: u32 = 0;

/// Per node: the set of processes that load it, and those a walk reached it in, as interned
/// ids of sets of programs ([`ALL`] when unknown).
#[derive(Debug, Default)]
pub(super) struct Processes {
    of_node: Vec<u32>,
    /// Per node: the processes the walks so far reached it in.
    reached_in: Vec<Option<u32>>,
    /// Per id (index 0, [`ALL`], unused): the programs as a bit set over every program of
    /// the scan.
    sets: Vec<Vec<u64>>,
    ids: HashMap<Vec<u64>, u32>,
    /// The programs that run on a user's machine (see [`FileModel::client_hosts`]), as a
    /// bit set like [`Processes::sets`].
    clients: Vec<u64>,
}

/// What reaching a definition in some processes changes (see [`Processes::reach`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reached {
    /// It cannot run in any of those processes.
    Nowhere,
    /// It was already reached in all of them.
    Before,
    /// It runs in processes it was not reached in before.
    More,
}

impl Processes {
    /// The processes of every definition of `files`, numbered as the graph numbers nodes
    /// (files in order, each file's definitions in order).
    pub(super) fn new(files: &[FileModel]) -> Self {
        let mut programs: HashMap<&PathBuf, usize> = HashMap::new();
        for hosts in files.iter().filter_map(|f| f.hosts.as_deref()) {
            for program in hosts {
                let next = programs.len();
                programs.entry(program).or_insert(next);
            }
        }
        let words = programs.len().div_ceil(64);
        let mut clients = vec![0u64; words];
        for program in files
            .iter()
            .filter_map(|f| f.client_hosts.as_deref())
            .flatten()
        {
            if let Some(&i) = programs.get(program) {
                clients[i / 64] |= 1 << (i % 64);
            }
        }
        let mut ids: HashMap<Vec<u64>, u32> = HashMap::new();
        let mut sets = vec![Vec::new()];
        let mut of_node = Vec::new();
        for file in files {
            let id = match file.hosts.as_deref() {
                Some(hosts) if !hosts.is_empty() => {
                    let mut bits = vec![0u64; words];
                    for program in hosts {
                        let i = programs[program];
                        bits[i / 64] |= 1 << (i % 64);
                    }
                    *ids.entry(bits.clone()).or_insert_with(|| {
                        sets.push(bits);
                        (sets.len() - 1) as u32
                    })
                }
                _ => ALL,
            };
            of_node.extend(std::iter::repeat_n(id, file.definitions.len()));
        }
        Processes {
            reached_in: vec![None; of_node.len()],
            of_node,
            sets,
            ids,
            clients,
        }
    }

    /// The server-side processes among `id`: without the desktop apps that run on a user's
    /// machine; `None` when only such apps load the code. Unknown processes stay unknown.
    pub(super) fn serving(&mut self, id: u32) -> Option<u32> {
        if id == ALL || self.clients.iter().all(|&c| c == 0) {
            return Some(id);
        }
        let bits: Vec<u64> = self
            .bits(id)
            .zip(&self.clients)
            .map(|(x, c)| x & !c)
            .collect();
        bits.iter().any(|&w| w != 0).then(|| self.intern(bits))
    }

    /// The interned set of processes that load `node` ([`ALL`]: unknown).
    pub(super) fn id(&self, node: usize) -> u32 {
        self.of_node.get(node).copied().unwrap_or(ALL)
    }

    /// The processes the walks reached `node` in (those that load it, for an entry point):
    /// code it mentions reaches what these processes load.
    pub(super) fn context(&self, node: usize) -> u32 {
        self.reached_in
            .get(node)
            .copied()
            .flatten()
            .unwrap_or_else(|| self.id(node))
    }

    /// Records that code running in the processes `within` reaches `node`.
    pub(super) fn reach(&mut self, node: usize, within: u32) -> Reached {
        let Some(into) = self.meet(within, self.id(node)) else {
            return Reached::Nowhere;
        };
        let grown = match self.reached_in[node] {
            None => into,
            Some(before) => self.join(before, into),
        };
        if self.reached_in[node] == Some(grown) {
            return Reached::Before;
        }
        self.reached_in[node] = Some(grown);
        Reached::More
    }

    /// The processes in both `a` and `b`; `None` when there are none.
    fn meet(&mut self, a: u32, b: u32) -> Option<u32> {
        match (a, b) {
            (ALL, x) | (x, ALL) => Some(x),
            _ if a == b => Some(a),
            _ => {
                let bits: Vec<u64> = self.bits(a).zip(self.bits(b)).map(|(x, y)| x & y).collect();
                bits.iter().any(|&w| w != 0).then(|| self.intern(bits))
            }
        }
    }

    /// The processes in `a` or `b`.
    fn join(&mut self, a: u32, b: u32) -> u32 {
        match (a, b) {
            (ALL, _) | (_, ALL) => ALL,
            _ if a == b => a,
            _ => {
                let bits = self.bits(a).zip(self.bits(b)).map(|(x, y)| x | y).collect();
                self.intern(bits)
            }
        }
    }

    fn bits(&self, id: u32) -> impl Iterator<Item = u64> + '_ {
        self.sets[id as usize].iter().copied()
    }

    fn intern(&mut self, bits: Vec<u64>) -> u32 {
        if let Some(&id) = self.ids.get(&bits) {
            return id;
        }
        self.sets.push(bits.clone());
        let id = (self.sets.len() - 1) as u32;
        self.ids.insert(bits, id);
        id
    }

    /// Whether the code of nodes `a` and `b` can run in one process.
    pub(super) fn share(&self, a: usize, b: usize) -> bool {
        self.share_ids(self.id(a), self.id(b))
    }

    /// Whether code of the interned sets of processes `a` and `b` can run in one process.
    pub(super) fn share_ids(&self, a: u32, b: u32) -> bool {
        let (a, b) = (a as usize, b as usize);
        a == ALL as usize
            || b == ALL as usize
            || a == b
            || self.sets[a]
                .iter()
                .zip(&self.sets[b])
                .any(|(x, y)| x & y != 0)
    }
}
