#!/usr/bin/env python3
"""Check out the repositories of repos.toml at their judged commits from bare git mirrors.

Usage: materialise.py DIR [--mirrors /work/.mirror] [--only OWNER/NAME ...]

Each repository becomes DIR/<owner>__<name>. The mirrors are the git directories the
`fetch` tool leaves at <mirrors>/<owner>+<name>/repo. Snapshots lack large files, so
`git archive` stops at the first absent blob; this script writes every blob that is present
and lists how many were absent instead (they are binaries, never source code).
"""
import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from score import load_repos  # noqa: E402


def materialise(git_dir, commit, dest):
    """Writes every present blob of `commit` under `dest`; returns the number of absent ones."""
    tree = subprocess.run(
        ["git", "--git-dir", git_dir, "ls-tree", "-r", "-z", commit],
        check=True, capture_output=True,
    ).stdout
    entries = []
    for item in tree.split(b"\0"):
        if not item:
            continue
        meta, path = item.split(b"\t", 1)
        mode, kind, sha = meta.split(b" ")
        if kind == b"blob":
            entries.append((mode, sha, path.decode("utf-8", "surrogateescape")))
    batch = subprocess.Popen(
        ["git", "--git-dir", git_dir, "cat-file", "--batch"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
    )
    absent = 0
    for mode, sha, path in entries:
        batch.stdin.write(sha + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            absent += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        if mode == b"120000":
            continue  # symbolic links are skipped: they point at files of the same checkout
        target = os.path.join(dest, path)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as out:
            out.write(data)
    batch.stdin.close()
    batch.wait()
    return absent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir")
    parser.add_argument("--mirrors", default="/work/.mirror")
    parser.add_argument("--only", nargs="*", default=[])
    args = parser.parse_args()
    repos = load_repos()
    unknown = set(args.only) - {r["repo"] for r in repos}
    if unknown:
        raise SystemExit(f"not in repos.toml: {', '.join(sorted(unknown))}")
    for repo in repos:
        if args.only and repo["repo"] not in args.only:
            continue
        slug = repo["repo"].replace("/", "__")
        git_dir = os.path.join(args.mirrors, repo["repo"].replace("/", "+"), "repo")
        dest = os.path.join(args.dir, slug)
        if os.path.isdir(dest):
            print(f"{slug}: already there")
            continue
        if not os.path.isdir(git_dir):
            print(f"{slug}: no mirror at {git_dir} (fetch github:{repo['repo']} first)")
            continue
        absent = materialise(git_dir, repo["commit"], dest)
        print(f"{slug}: {repo['commit'][:12]} ({absent} absent blobs skipped)")


if __name__ == "__main__":
    main()
