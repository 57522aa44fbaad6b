"""`bulletin batch`: render every issue under folders or globs in parallel, skip unchanged ones, bind a volume."""

from __future__ import annotations

import contextlib
import functools
import glob
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from layout.errors import Diagnostic, SourcePos, sort_diagnostics
from layout.executors import BatchUsageError, JobResult, RenderJob, run_dask, run_local
from layout.fileio import write_atomically
from layout.loader.publication import PUBLICATION_FILE, find_publication, read_publication
from layout.manifest import IssueRecord, Manifest, build_settings, hash_file, load_manifest
from layout.volume import VolumeIssue, build_volume, volume_key

YAML_SUFFIXES = (".yaml", ".yml")
GLOB_CHARS = frozenset("*?[")
# The cheap issue test: a top-level `issue:` key at the start of a line (optionally quoted, after a BOM).
ISSUE_KEY = re.compile(rb"^(?:\xef\xbb\xbf)?[\"']?issue[\"']?[ \t]*:", re.MULTILINE)
MANIFEST_SAVE_INTERVAL = 1.0  # seconds: often enough that an interrupted run keeps nearly all of its work


class Status(Enum):
    RENDERED = "rendered"
    UNCHANGED = "unchanged"
    FAILED = "failed"


# --- finding the issues ----------------------------------------------------------------------------------------


def is_issue_source(path: Path) -> bool:
    """A YAML file that is not a publication file: not bulletin.yaml, and it has a top-level `issue:` key."""
    if path.suffix.lower() not in YAML_SUFFIXES or path.name == PUBLICATION_FILE:
        return False
    try:
        return ISSUE_KEY.search(path.read_bytes()) is not None
    except OSError:
        return True  # unreadable: let its render say why, rather than skip it silently


def walk_folder(folder: Path) -> Iterator[Path]:
    """Every file under `folder`, hidden folders (.git, .venv) left out."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            yield Path(root) / name


def find_sources(paths: Sequence[str]) -> list[Path]:
    """The issue sources under folders (recursively), globs and files, deduplicated, in a stable sorted order.

    Raises BatchUsageError naming every argument that is neither an existing path nor a glob.
    """
    found: dict[Path, Path] = {}  # resolved -> as named, so a file reached twice is rendered once
    missing: list[str] = []
    for arg in paths:
        if any(ch in GLOB_CHARS for ch in arg):
            named = [Path(match) for match in sorted(glob.glob(arg, recursive=True))]
        elif Path(arg).exists():
            named = [Path(arg)]
        else:
            missing.append(arg)
            continue
        for path in named:
            for candidate in walk_folder(path) if path.is_dir() else [path]:
                if is_issue_source(candidate):
                    found.setdefault(candidate.resolve(), candidate)
    if missing:
        raise BatchUsageError("\n".join(f"{arg}: no such file or folder" for arg in missing))
    return sorted(found.values(), key=lambda p: p.as_posix())


def plan_outputs(sources: Sequence[Path], out_dir: Path) -> dict[Path, Path]:
    """<out>/<stem>.pdf per source; sources sharing a stem keep their folders (relative to the common one)."""
    groups: dict[str, list[Path]] = {}
    for source in sources:
        groups.setdefault(source.stem, []).append(source)
    parents = [str(s.resolve().parent) for s in sources]
    root = Path(os.path.commonpath(parents)) if parents else Path()
    outputs: dict[Path, Path] = {}
    for stem, group in groups.items():
        if len(group) == 1:
            outputs[group[0]] = out_dir / f"{stem}.pdf"
            continue
        relative = {s: s.resolve().relative_to(root) for s in group}
        folders = [rel.parent for rel in relative.values()]
        for source, rel in relative.items():
            # x.yaml and x.yml in one folder: only the full name tells them apart
            name = f"{stem}.pdf" if folders.count(rel.parent) == 1 else f"{rel.name}.pdf"
            outputs[source] = out_dir / rel.parent / name
    return outputs


# --- the batch ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchOptions:
    out_dir: Path = Path("out")
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    force: bool = False
    publication: Path | None = None  # absolute
    theme: str | None = None  # a shipped name or an absolute path
    executor: str = "local"  # local | dask
    scheduler: str | None = None
    pdfa: bool = False  # write PDF/A-2b issues (and volume)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one issue. `reason` says why it was rendered ("new", "mytheme.yaml changed", …)."""

    source: Path  # as found
    output: Path
    status: Status
    reason: str = ""
    pages: int = 0
    seconds: float = 0.0
    messages: tuple[str, ...] = ()  # for a failure: `path:line:col: message` lines, or the error
    retried: int = 0  # times a worker process died rendering it before this outcome


@dataclass
class BatchReport:
    outcomes: list[Outcome] = field(default_factory=list)
    wall: float = 0.0
    workers: int = 0
    interrupted: bool = False
    peak_rss: dict[int, int] = field(default_factory=dict)  # worker pid -> bytes
    records: dict[Path, IssueRecord] = field(default_factory=dict)  # source -> its up-to-date PDF's record
    warnings: list[str] = field(default_factory=list)
    manifest_error: str | None = None  # the manifest could not be written (the PDFs are still there)

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status is status)

    @property
    def failed(self) -> int:
        return self.count(Status.FAILED)


class Progress:
    """Receives outcomes as they happen. This base reports nothing (API use); ConsoleProgress prints."""

    def start(self, total: int, to_render: int, workers: int) -> None:
        """Called once, before any outcome: `to_render` of `total` issues will be rendered."""

    def update(self, outcome: Outcome) -> None:
        """Called once per issue: unchanged ones first, then each as its render finishes."""

    def finish(self) -> None:
        """Called once at the end, also after an interruption."""


def display_path(path: str | Path, names: dict[str, str] | None = None) -> str:
    """How a path is shown: as the user named the issue, else relative to the working folder when inside it."""
    text = str(path)
    if names and text in names:
        return names[text]
    with contextlib.suppress(ValueError):
        return str(Path(text).relative_to(Path.cwd()))
    return text


def failure_messages(result: JobResult, names: dict[str, str]) -> tuple[str, ...]:
    """`path:line:col: message` lines with the paths shown as the user wrote them."""
    if result.error:
        return (f"{display_path(result.source, names)}: {result.error}",)
    shown = [Diagnostic(SourcePos(display_path(d.pos.file, names), d.pos.line, d.pos.col) if d.pos else None,
                        d.message, d.hint) for d in result.diagnostics]
    lines = tuple(d.format() if d.pos else f"{display_path(result.source, names)}: {d.format()}"
                  for d in sort_diagnostics(shown))
    return lines or (f"{display_path(result.source, names)}: failed without a message",)


def stale_reason(record: IssueRecord | None, job: RenderJob, settings: dict[str, str | None],
                 hasher: Callable[[str | Path], str | None]) -> str | None:
    """Why `job` must be rendered again, or None when its PDF is up to date."""
    if record is None or record.source != str(job.source):
        return "new"
    changed = [key for key in sorted(settings.keys() | record.settings.keys())
               if record.settings.get(key) != settings.get(key)]
    if changed:
        return f"{', '.join(changed)} changed"
    if not job.output.is_file():
        return "output missing"
    if hasher(job.output) != record.pdf:
        return "output modified"
    for path, digest in sorted(record.inputs.items()):
        if hasher(path) != digest:
            return f"{display_path(path)} changed"
    return None


def publication_used(source: Path, options: BatchOptions) -> Path:
    """The publication file the loader will pick for `source` (the issue itself when it has an inline block)."""
    if options.publication is not None:
        return options.publication
    found = find_publication(source)
    return (found or source).resolve()


def theme_refs_for(publications: Iterable[Path], options: BatchOptions) -> tuple[str, ...]:
    """The themes the workers should warm: --theme, else each publication file's theme."""
    if options.theme:
        return (options.theme,)
    refs: set[str] = set()
    for path in set(publications):
        if path.name == PUBLICATION_FILE or options.publication == path:
            publication, _ = read_publication(path)
            if publication is not None:
                refs.add(str(publication.theme))
    return tuple(sorted(refs))


def render_batch(sources: Sequence[Path], options: BatchOptions, progress: Progress | None = None) -> BatchReport:
    """Render every source whose PDF is missing or out of date (all with `force`); fault-isolated, interruptible.

    The manifest is saved as issues finish and once more at the end, also when interrupted: it only
    ever lists PDFs that were completely written from the inputs it records. Workers start by
    forkserver/spawn, so a script calling this needs the `if __name__ == "__main__":` guard.
    """
    progress = progress or Progress()
    started = time.perf_counter()
    out_dir = options.out_dir.resolve()
    manifest, warning = load_manifest(out_dir)
    report = BatchReport(warnings=[warning] if warning else [])
    outputs = plan_outputs(sources, out_dir)
    names = {str(s.resolve()): str(s) for s in sources}
    hasher = functools.cache(lambda path: hash_file(Path(path)))  # this run's content hashes: each file read once
    todo: dict[Path, tuple[Path, RenderJob, str]] = {}  # absolute source -> (as named, job, why)
    publications: list[Path] = []
    for source in sources:
        job = RenderJob(source.resolve(), outputs[source], options.publication, options.theme, pdfa=options.pdfa)
        publication = publication_used(job.source, options)
        record = manifest.records.get(outputs[source].relative_to(out_dir).as_posix())
        settings = build_settings(options.theme, publication, pdfa=options.pdfa)
        reason = "forced" if options.force else stale_reason(record, job, settings, hasher)
        if reason is None and record is not None:
            report.records[source] = record
            report.outcomes.append(Outcome(source, outputs[source], Status.UNCHANGED, pages=record.pages))
        else:
            todo[job.source] = (source, job, reason or "new")
            publications.append(publication)
    report.workers = max(1, min(options.jobs, len(todo))) if todo else 0
    progress.start(len(sources), len(todo), report.workers)
    for outcome in report.outcomes:
        progress.update(outcome)
    if todo:
        jobs = [job for _, job, _ in todo.values()]
        refs = theme_refs_for(publications, options)
        run = (run_dask(jobs, report.workers, refs, options.scheduler) if options.executor == "dask"
               else run_local(jobs, report.workers, refs))
        done: set[Path] = set()
        last_save = time.perf_counter()
        try:
            with contextlib.closing(run):
                for result in run:
                    source, job, reason = todo[result.source]
                    done.add(job.source)
                    outcome = record_result(result, job, reason, source, manifest, out_dir, names, report)
                    report.outcomes.append(outcome)
                    progress.update(outcome)
                    if time.perf_counter() - last_save >= MANIFEST_SAVE_INTERVAL and not report.manifest_error:
                        save_manifest(manifest, report)
                        last_save = time.perf_counter()
        except KeyboardInterrupt:
            report.interrupted = True
            remove_partial_writes(job for job in jobs if job.source not in done)
        finally:
            save_manifest(manifest, report)
    report.wall = time.perf_counter() - started
    order = {source: i for i, source in enumerate(sources)}
    report.outcomes.sort(key=lambda o: order[o.source])
    progress.finish()
    return report


def save_manifest(manifest: Manifest, report: BatchReport) -> None:
    """Save the manifest; a folder that refuses it is the report's manifest_error, not the end of the batch."""
    try:
        manifest.save()
    except OSError as exc:
        report.manifest_error = (f"cannot write the manifest {manifest.path}: {exc.strerror or exc}; the PDFs written "
                                 "are kept, and the next run renders them again")  # fmt: skip


def record_result(result: JobResult, job: RenderJob, reason: str, source: Path, manifest: Manifest, out_dir: Path,
                  names: dict[str, str], report: BatchReport) -> Outcome:
    """Write a delivered PDF, update the manifest entry, and say what happened to the issue."""
    key = job.output.relative_to(out_dir).as_posix()
    if result.max_rss is not None:
        report.peak_rss[result.pid] = max(result.max_rss, report.peak_rss.get(result.pid, 0))
    if result.record is None:
        manifest.forget(key)  # its PDF, if any, no longer matches its sources
        return Outcome(source, job.output, Status.FAILED, reason, seconds=result.seconds,
                       messages=failure_messages(result, names), retried=result.retried)
    record = result.record
    if result.pdf is not None:
        write_atomically(job.output, result.pdf)
    manifest.set(key, record)
    report.records[source] = record
    return Outcome(source, job.output, Status.RENDERED, reason, record.pages, result.seconds, retried=result.retried)


def remove_partial_writes(jobs: Iterable[RenderJob]) -> None:
    """Temporary files a terminated worker left beside its output (render writes `.<name>.*.tmp`, then renames)."""
    for job in jobs:
        for tmp in job.output.parent.glob(f".{glob.escape(job.output.name)}.*.tmp"):
            tmp.unlink(missing_ok=True)


def volume_issues(report: BatchReport) -> list[VolumeIssue]:
    """The up-to-date PDFs of this run's issues, for the volume (failed ones are left out)."""
    return [VolumeIssue(o.output, r.title, r.year, r.number) for o in report.outcomes
            if o.status is not Status.FAILED and (r := report.records.get(o.source))]


def volume_title(records: Iterable[IssueRecord]) -> str:
    """ "快讯 合订本", or "合订本" when the issues come from several publications."""
    mastheads = {r.masthead for r in records}
    return f"{mastheads.pop()} 合订本" if len(mastheads) == 1 else "合订本"


def bind_volume(report: BatchReport, out_dir: Path, volume: Path, *, pdfa: bool = False) -> str:
    """Merge this run's up-to-date issues into `volume`, unless it already holds exactly them; returns the report line.

    Raises BatchUsageError when there is nothing to bind.
    """
    issues = volume_issues(report)
    if not issues:
        raise BatchUsageError(f"no rendered issue to bind into {volume}")
    title = volume_title(report.records.values())
    manifest, _ = load_manifest(out_dir.resolve())
    key, state = volume_key(issues, title), manifest.volumes.get(str(volume.resolve()), {})
    note = f" ({report.failed} failed issue{'s' * (report.failed != 1)} left out)" if report.failed else ""
    if state.get("key") == key and state.get("pdf") == hash_file(volume):
        return f"volume {display_path(volume)}: unchanged, {len(issues)} issues{note}"
    result = build_volume(issues, volume, title=title, pdfa=pdfa)
    manifest.set_volume(str(volume.resolve()), {"key": key, "pdf": hash_file(volume) or ""})
    save_manifest(manifest, report)
    return f"volume {display_path(volume)}: {result.issues} issues, {result.pages} pages{note}"
