#!/usr/bin/env python3
"""Re-scores scaleout against the judged findings in labels/ (placeholder, being written)."""
import os
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))


def load_repos(path=os.path.join(HERE, "repos.toml")):
    """The judged repositories: dicts with repo, commit, language, role."""
    with open(path, "rb") as f:
        return tomllib.load(f)["repo"]
