"""Download artifacts into the models root (`ohlora models pull`).

Files are downloaded into `<root>/.staging/<name>/` (Hugging Face keeps its resumable partial
downloads there too), checked, then moved into place with `os.replace`, so a target path only ever
holds a whole file. Files that are already good are not downloaded again. Before anything is
fetched, the hosts that are needed are probed with a short timeout: without network the pull
fails within seconds with a message that says what to do instead.

The two download functions are injected (`hf_download`, `fetch`) so tests can use fakes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ohlora import messages
from ohlora.errors import OhloraError
from ohlora.models.check import (
    BASE_OPTIONAL,
    GLOB_CHARS,
    check_artifact,
    check_file,
)
from ohlora.models.registry import GITHUB_COMMIT, GITHUB_REPO, Artifact

HF_DEFAULT_ENDPOINT = "https://huggingface.co"
GITHUB_RAW_BASE = "https://raw.githubusercontent.com"
PROBE_TIMEOUT_S = 4.0
FETCH_TIMEOUT_S = 30.0
STAGING = ".staging"
_TRUE = frozenset({"1", "true", "yes", "on"})

# hf_download(repo_id, revision, allow_patterns, dest, endpoint): files land at dest/<path in repo>.
HfDownload = Callable[[str, str | None, Sequence[str], Path, str | None], None]
# fetch(url, dest, timeout): writes the whole body to dest.
Fetch = Callable[[str, Path, float], None]
# probe(url, timeout) -> None when the host answered, else the reason.
Probe = Callable[[str, float], str | None]


class PullError(OhloraError):
    """Nothing could be downloaded (no network, offline mode). The message says what to do."""


@dataclass(frozen=True)
class PullResult:
    name: str
    installed: tuple[str, ...]  # files moved into place by this pull
    kept: tuple[str, ...]  # files that were already good
    problems: tuple[str, ...]
    state: str  # shallow state after the pull

    @property
    def ok(self) -> bool:
        return not self.problems and self.state == "present"


# --- default network functions -----------------------------------------------------------------------
def hf_snapshot(repo_id: str, revision: str | None, patterns: Sequence[str], dest: Path,
                endpoint: str | None) -> None:
    """Hugging Face download with the hub's own progress bars and resumable partial files."""
    from huggingface_hub import snapshot_download

    snapshot_download(repo_id=repo_id, revision=revision, allow_patterns=list(patterns), local_dir=dest,
                      endpoint=endpoint)


def url_fetch(url: str, dest: Path, timeout: float) -> None:
    part = dest.with_name(dest.name + ".part")
    part.parent.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(url, timeout=timeout) as response, part.open("wb") as out:
        shutil.copyfileobj(response, out)
    os.replace(part, dest)


def http_probe(url: str, timeout: float) -> str | None:
    """None when `url` answers like the real service (2xx/3xx, or 401/403: it exists, auth comes later).

    Any other HTTP status counts as a failure: an intercepting proxy answers everything with 404.
    """
    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "ohlora-models"})
    try:
        with urllib.request.urlopen(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        return None if exc.code in (401, 403) else messages.probe_http_status(exc.code)
    except urllib.error.URLError as exc:
        return str(exc.reason)
    except OSError as exc:  # timeouts, resets
        return str(exc) or type(exc).__name__


def probe_all(urls: Iterable[str], probe: Probe, timeout: float) -> dict[str, str]:
    """Probe hosts in parallel; {url: reason} for those that did not answer in time.

    Threads are daemons and joined with a deadline, so a hanging DNS lookup cannot hold us up.
    """
    urls = list(dict.fromkeys(urls))
    answers: dict[str, str | None] = {}

    def run(url: str) -> None:
        answers[url] = probe(url, timeout)

    threads = [threading.Thread(target=run, args=(u,), daemon=True) for u in urls]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout + 1.0
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    failed = {}
    for url in urls:
        if url not in answers:
            failed[url] = messages.probe_no_answer(timeout)
        elif answers[url] is not None:
            failed[url] = str(answers[url])
    return failed


# --- planning ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Plan:
    artifact: Artifact
    needed: tuple[str, ...]  # required entries (files or patterns) that must be downloaded
    optional: tuple[str, ...]  # fetched along with patterns when the source has them
    kept: tuple[str, ...]


def _plan(artifact: Artifact, root: Path) -> _Plan:
    """What to download: each missing or bad file by name; a pattern only when nothing matches it."""
    status = check_artifact(artifact, root, deep=False)
    folder = artifact.path(root)
    needed: list[str] = []
    for problem in status.problems:
        rel = problem.path.relative_to(folder).as_posix()
        if rel not in needed:
            needed.append(rel)
    kept = []
    for entry in artifact.files:
        rels = ([p.name for p in sorted(folder.glob(entry)) if p.is_file()] if GLOB_CHARS & set(entry)
                else [entry] if (folder / entry).is_file() else [])
        kept += [r for r in rels if r not in needed]
    optional: tuple[str, ...] = artifact.optional_files
    if artifact.kind == "base":
        optional += BASE_OPTIONAL
    if not any(GLOB_CHARS & set(e) for e in needed):
        optional = ()
    return _Plan(artifact, tuple(needed), optional, tuple(kept))


def _probe_urls(plans: Sequence[_Plan], endpoint: str, github_base: str, revisions: Mapping[str, str]) -> list[str]:
    """One URL per needed host, naming a real thing there (a repo revision, a file at the commit)."""
    urls = []
    hf = next((p.artifact for p in plans if p.needed and p.artifact.hf_repo), None)
    if hf is not None:
        urls.append(f"{endpoint}/api/models/{hf.hf_repo}/revision/{revisions.get(hf.name, 'main')}")
    gh = next((p for p in plans if p.needed and not p.artifact.hf_repo), None)
    if gh is not None:
        commit = revisions.get(gh.artifact.name, GITHUB_COMMIT)
        urls.append(f"{github_base}/{GITHUB_REPO}/{commit}/{gh.artifact.github_path}/{gh.needed[0]}")
    return urls


# --- the pull ---------------------------------------------------------------------------------------
def pull(
    artifacts: Sequence[Artifact],
    root: Path,
    *,
    revisions: Mapping[str, str] | None = None,
    env: Mapping[str, str] | None = None,
    github_base: str = GITHUB_RAW_BASE,
    hf_download: HfDownload = hf_snapshot,
    fetch: Fetch = url_fetch,
    probe: Probe = http_probe,
    log: Callable[[str], None] = lambda _msg: None,
) -> list[PullResult]:
    """Bring `artifacts` into `root`. Raises PullError (fast) when the needed hosts are unreachable."""
    env = os.environ if env is None else env
    revisions = dict(revisions or {})
    endpoint = (env.get("HF_ENDPOINT") or HF_DEFAULT_ENDPOINT).rstrip("/")
    github_base = github_base.rstrip("/")
    plans = [_plan(a, root) for a in artifacts]
    urls = _probe_urls(plans, endpoint, github_base, revisions)
    if any(u.startswith(endpoint + "/") for u in urls) and env.get("HF_HUB_OFFLINE", "").strip().lower() in _TRUE:
        raise PullError(messages.PULL_NO_NETWORK.format(problems=messages.PULL_HF_OFFLINE, root=root))
    failed = probe_all(urls, probe, PROBE_TIMEOUT_S)
    if failed:
        problems = "; ".join(f"{url}: {why}" for url, why in failed.items())
        raise PullError(messages.PULL_NO_NETWORK.format(problems=problems, root=root))

    results = []
    for plan in plans:
        if not plan.needed:
            log(messages.pull_already_present(plan.artifact.name))
            results.append(PullResult(plan.artifact.name, (), plan.kept, (), "present"))
            continue
        results.append(_pull_one(plan, root, revisions.get(plan.artifact.name), endpoint, github_base,
                                 hf_download, fetch, log))
    return results


def _pull_one(plan: _Plan, root: Path, revision: str | None, endpoint: str, github_base: str,
              hf_download: HfDownload, fetch: Fetch, log: Callable[[str], None]) -> PullResult:
    art = plan.artifact
    staging = root / STAGING / art.name
    staging.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    log(messages.pull_start(art.name, art.source, len(plan.needed), revision))
    try:
        if art.hf_repo:
            sub = art.hf_subfolder.strip("/")
            patterns = [f"{sub}/{e}" if sub else e for e in (*plan.needed, *plan.optional)]
            hf_download(art.hf_repo, revision, patterns, staging, endpoint)
            source = staging / sub if sub else staging
        else:
            commit = revision or GITHUB_COMMIT
            for rel in plan.needed:
                dest = staging / rel
                if dest.is_file() and not check_file(art, rel, dest, deep=True)[0]:
                    continue  # fetched by an earlier, interrupted pull
                fetch(f"{github_base}/{GITHUB_REPO}/{commit}/{art.github_path}/{rel}", dest, FETCH_TIMEOUT_S)
            source = staging
    except Exception as exc:  # network and hub errors of every kind: report, keep the staging for resume
        problems.append(messages.pull_download_failed(exc))
        source = None

    installed: list[str] = []
    if source is not None:
        installed, move_problems = _install(plan, source, art.path(root))
        problems += move_problems
    state = check_artifact(art, root, deep=False).state
    if not problems:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_if_empty(root / STAGING)
    return PullResult(art.name, tuple(installed), plan.kept, tuple(problems), state)


def _staged_files(plan: _Plan, source: Path) -> tuple[list[str], list[str], list[str]]:
    """(files to install, optional files to install, needed entries the download did not bring)."""
    files, absent = [], []
    for entry in plan.needed:
        if GLOB_CHARS & set(entry):
            matches = sorted(p.relative_to(source).as_posix() for p in source.glob(entry) if p.is_file())
            files += matches
            if not matches:
                absent.append(entry)
        elif (source / entry).is_file():
            files.append(entry)
        else:
            absent.append(entry)
    optional = [e for e in plan.optional if (source / e).is_file()]
    return files, optional, absent


def _install(plan: _Plan, source: Path, target: Path) -> tuple[list[str], list[str]]:
    art = plan.artifact
    files, optional, absent = _staged_files(plan, source)
    problems = [messages.pull_source_lacks(entry, art.source) for entry in absent]
    installed = []
    for rel in (*files, *optional):
        staged = source / rel
        bad, _notes = check_file(art, rel, staged, deep=True)
        if bad:
            problems.append(messages.pull_not_usable(rel, bad))
            staged.unlink(missing_ok=True)  # a complete but wrong file cannot be resumed
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, dest)  # atomic on one file system: dest is either the old file or the whole new one
        installed.append(rel)
    return installed, problems


def _remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()
