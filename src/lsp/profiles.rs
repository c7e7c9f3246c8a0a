//! Configuration per document: the `scaleout.toml` (or `.scaleout.toml`) nearest above a
//! document decides its rules, severities and ignores, as it does for `scaleout check`.
//! Which configuration file a document uses is found once, and each configuration's rules,
//! engine and settings are built once; both are kept until a configuration, manifest or rule
//! file may have changed.

use crate::catalogue::Catalogue;
use crate::cli::load_catalogue;
use crate::config::{self, ConfigError, Loaded, Overrides, Settings};
use crate::engine::Engine;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one configuration (or none) makes of the rules.
#[derive(Debug)]
pub struct Profile {
    /// The built-in rules, the `--rules` files and the configuration's `rules`.
    pub catalogue: Catalogue,
    /// The engine over `catalogue`, with the configuration's `include-tests` and `require-reason`.
    pub engine: Engine,
    /// Selection, severities, excludes and per-path ignores.
    pub settings: Settings,
}

/// Which configuration file a document uses, from `scaleout lsp`'s global options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ConfigChoice {
    /// The `scaleout.toml` (or `.scaleout.toml`) nearest above the document.
    #[default]
    Nearest,
    /// `--config FILE`: this file for every document.
    File(PathBuf),
    /// `--no-config`: none.
    Nothing,
}

/// The profiles in use, by configuration file.
#[derive(Debug)]
pub struct Profiles {
    /// `--rules` given to `scaleout lsp`.
    extra_rules: Vec<PathBuf>,
    /// `--config` / `--no-config` given to `scaleout lsp`.
    choice: ConfigChoice,
    /// Without a configuration file (also the fallback when one is invalid).
    plain: Profile,
    by_config: BTreeMap<PathBuf, Profile>,
    /// The configuration file found for each document path asked about (or why none could
    /// be used), so that a keystroke does not search the disk again.
    found: BTreeMap<PathBuf, Result<Option<PathBuf>, String>>,
}

impl Profiles {
    /// Profiles over the built-in rules and `extra_rules`; an error if those do not load.
    pub fn new(extra_rules: &[PathBuf]) -> Result<Profiles, String> {
        Profiles::with_config(extra_rules, ConfigChoice::Nearest)
    }

    /// [`Profiles::new`] with the configuration chosen by `scaleout lsp --config FILE` or
    /// `--no-config`.
    pub fn with_config(extra_rules: &[PathBuf], choice: ConfigChoice) -> Result<Profiles, String> {
        let plain = build(extra_rules, None).map_err(|e| e.render())?;
        Ok(Profiles {
            extra_rules: extra_rules.to_vec(),
            choice,
            plain,
            by_config: BTreeMap::new(),
            found: BTreeMap::new(),
        })
    }

    /// The profile for a document at `path` (`None`: an unsaved buffer), and the problem
    /// with its configuration file when that could not be used (the plain profile is then
    /// used instead).
    pub fn for_document(&mut self, path: Option<&Path>) -> (&Profile, Option<String>) {
        let found = match (&self.choice, path) {
            (ConfigChoice::Nearest, Some(p)) => Some(
                self.found
                    .entry(p.to_path_buf())
                    .or_insert_with(|| {
                        config::discover(&[p.to_path_buf()], Path::new("/")).map_err(|e| e.render())
                    })
                    .clone(),
            ),
            (ConfigChoice::Nearest, None) | (ConfigChoice::Nothing, _) => None,
            (ConfigChoice::File(file), _) => Some(Ok(Some(file.clone()))),
        };
        let file = match found {
            None | Some(Ok(None)) => return (&self.plain, None),
            Some(Err(e)) => return (&self.plain, Some(e)),
            Some(Ok(Some(file))) => file,
        };
        if !self.by_config.contains_key(&file) {
            match build(&self.extra_rules, Some(&file)) {
                Ok(profile) => {
                    self.by_config.insert(file.clone(), profile);
                }
                Err(e) => return (&self.plain, Some(e.render())),
            }
        }
        match self.by_config.get(&file) {
            Some(profile) => (profile, None),
            None => (&self.plain, None),
        }
    }

    /// Forgets every configuration read and found, so the next lint looks for them and
    /// reads them afresh.
    pub fn clear(&mut self) {
        self.by_config.clear();
        self.found.clear();
    }
}

/// Reads `file` (if any) and builds its profile the way `scaleout check` does.
fn build(extra_rules: &[PathBuf], file: Option<&Path>) -> Result<Profile, ConfigError> {
    let loaded = match file {
        Some(path) => Some(Loaded::read(path, &path.display().to_string())?),
        None => None,
    };
    let mut rule_files = extra_rules.to_vec();
    if let Some(loaded) = &loaded {
        rule_files.extend(loaded.rule_files()?);
    }
    let catalogue = load_catalogue(&rule_files).map_err(ConfigError::plain)?;
    let settings = Settings::new(
        loaded.as_ref(),
        &catalogue,
        &Overrides::default(),
        Path::new("/"),
    )?;
    let engine = Engine::new(&catalogue)
        .include_tests(settings.include_tests)
        .require_reason(settings.require_reason);
    Ok(Profile {
        catalogue,
        engine,
        settings,
    })
}
