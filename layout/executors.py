"""The worker side of `bulletin batch` (render one issue) and its executors (a process pool, or Dask)."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from layout.build import build_pdf, document_title
from layout.errors import Diagnostic, SourceError, describe_exception
from layout.fileio import process_running
from layout.loader.issue import load_issue
from layout.manifest import IssueRecord, build_settings, hash_file, hash_inputs, issue_inputs
from layout.render import archival, render_loaded
from layout.theme import load_theme
from layout.validate import validate_issue

try:
    import resource
except ImportError:  # Windows: no getrusage; peak memory is then reported as unknown
    resource = None  # type: ignore[assignment]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
MAX_POOL_ATTEMPTS = 2  # an issue whose worker process dies twice is reported as failed, not retried forever


class BatchUsageError(Exception):
    """Arguments that name nothing to render or cannot work (exit 2)."""


# --- the worker side: render one issue -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RenderJob:
    """One issue to render. Paths are absolute: workers may run elsewhere, in another folder."""

    source: Path
    output: Path
    publication: Path | None = None  # --publication
    theme: str | None = None  # --theme: a shipped name or an absolute path
    deliver: bool = False  # return the PDF bytes instead of writing `output` (a remote worker)
    pdfa: bool = False  # --pdfa: write PDF/A-2b


@dataclass(frozen=True, slots=True)
class JobResult:
    source: Path
    record: IssueRecord | None = None  # None: failed
    seconds: float = 0.0
    diagnostics: tuple[Diagnostic, ...] = ()  # the source's problems
    error: str | None = None  # any other failure, with the exception's message
    pdf: bytes | None = None  # when the job asked for delivery
    pid: int = 0
    max_rss: int | None = None  # bytes: this worker process's peak resident memory so far
    retried: int = 0  # how many times a worker died rendering it before this result


_WARM_LOCK = threading.Lock()
_RENDER_LOCK = threading.Lock()  # ReportLab keeps global state: one render at a time in a process


def warm_process(theme_refs: Iterable[str]) -> None:
    """Load each theme and every face of its roles into this process's caches (fonts take most of a cold render).

    Cheap when they are already there and unchanged (layout.caches' rule); a changed theme or font is read again.
    """
    with _WARM_LOCK:
        for ref in theme_refs:
            # A broken theme or font must not kill the worker: the issues using it report it, with positions.
            with contextlib.suppress(Exception):
                theme = load_theme(ref)
                for role in theme.roles:
                    theme.chain(role)


def init_worker(theme_refs: tuple[str, ...], batch_pid: int | None = None) -> None:
    """Process-pool initializer: Ctrl-C is the parent's to handle; the worker exits with the batch process;
    fonts and themes are loaded once here."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if batch_pid is not None:
        exit_with(batch_pid)
    warm_process(theme_refs)


PARENT_POLL = 0.5  # s between checks that the batch process lives, where there is no pidfd to wait on


def exit_with(pid: int) -> None:
    """End this process as soon as process `pid` (the batch) is gone, however it went (kill -9 included).

    A forkserver worker's parent is the forkserver, not the batch, so PR_SET_PDEATHSIG alone (set too: it also
    covers the forkserver dying) would not see the batch die; a daemon thread waits on the batch itself. Its
    renders write atomically, so nothing half-written is left but a temp file the next write clears.
    """
    _set_parent_death_signal()
    threading.Thread(target=_wait_then_exit, args=(pid,), name="exit-with-batch", daemon=True).start()


def _wait_then_exit(pid: int) -> None:
    try:
        fd = os.pidfd_open(pid)  # Linux 5.3+: readable once the process has exited
    except (AttributeError, OSError):
        while process_running(pid):
            time.sleep(PARENT_POLL)
    else:
        select.select([fd], [], [])
    os._exit(1)


def _set_parent_death_signal() -> None:
    """Linux: SIGKILL this process when its parent dies (prctl PR_SET_PDEATHSIG); elsewhere nothing."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)



def peak_rss() -> int | None:
    if resource is None:
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB, macOS bytes


def render_job(job: RenderJob) -> JobResult:
    """Render one issue; never raises: a failure comes back as diagnostics (the source's fault) or an error."""
    started = time.perf_counter()
    pdf: bytes | None = None
    try:
        issue = load_issue(job.source, publication=job.publication)  # inputs are hashed before the render reads them
        theme = validate_issue(issue, job.theme)
        inputs = hash_inputs(issue_inputs(issue, theme))
        with _RENDER_LOCK:
            if job.deliver:  # a remote worker sends the bytes back; the client writes them
                built = build_pdf(issue, theme)
                pdf, pages = (archival(built.pdf) if job.pdfa else built.pdf), built.pages
            else:
                pages = render_loaded(issue, theme, job.output, started=started, pdfa=job.pdfa).pages
        digest = hashlib.sha256(pdf).hexdigest() if pdf is not None else hash_file(job.output)
    except SourceError as exc:
        return JobResult(job.source, seconds=time.perf_counter() - started, diagnostics=tuple(exc.diagnostics),
                         pid=os.getpid(), max_rss=peak_rss())
    except Exception as exc:  # any other failure is this issue's alone: report it, keep the batch going
        return JobResult(job.source, seconds=time.perf_counter() - started, error=describe_exception(exc),
                         pid=os.getpid(), max_rss=peak_rss())
    publication = (issue.publication.source or issue.source).resolve()
    settings = build_settings(job.theme, publication, pdfa=job.pdfa)
    record = IssueRecord(source=str(job.source), settings=settings, inputs=inputs,
                         pdf=digest or "", pages=pages, year=issue.info.year, number=issue.info.number,
                         title=document_title(issue), masthead=issue.publication.masthead)
    return JobResult(job.source, record, time.perf_counter() - started, pdf=pdf, pid=os.getpid(), max_rss=peak_rss())


def render_on_dask(job: RenderJob, theme_refs: tuple[str, ...]) -> JobResult:
    """The Dask task: warm this worker process once (cached), then render and deliver the bytes."""
    warm_process(theme_refs)
    return render_job(job)


# --- executors: yield results as issues finish ---------------------------------------------------------------


def pool_context() -> multiprocessing.context.BaseContext:
    """forkserver where there is one: workers start from a clean, single-threaded process, with layout preloaded."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["layout.executors"])
        return context
    return multiprocessing.get_context("spawn")


def stop_pool(executor: ProcessPoolExecutor, futures: Iterable[Future[JobResult]]) -> None:
    """Cancel what has not started and terminate the workers (their renders write atomically: nothing half-written)."""
    for future in futures:
        future.cancel()
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(executor, "_processes", None) or {}).values()):  # before 3.14 only privately
        process.terminate()


def run_local(jobs: Sequence[RenderJob], workers: int, theme_refs: tuple[str, ...],
              work: Callable[[RenderJob], JobResult] = render_job) -> Generator[JobResult, None, None]:
    """Render in a process pool; a job whose worker died is retried once in a fresh pool (its result says so),
    then reported. Workers exit with this process, however it ends."""
    attempts: dict[Path, int] = {}
    pending = list(jobs)
    while pending:
        executor = ProcessPoolExecutor(max_workers=max(1, min(workers, len(pending))), mp_context=pool_context(),
                                       initializer=init_worker, initargs=(theme_refs, os.getpid()))
        futures: dict[Future[JobResult], RenderJob] = {}
        broken: list[RenderJob] = []
        try:
            futures = {executor.submit(work, job): job for job in pending}
            for future in as_completed(futures):
                job = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(job)
                    continue
                except Exception as exc:  # e.g. a result that could not be sent back
                    result = JobResult(job.source, error=describe_exception(exc))
                yield replace(result, retried=attempts.get(job.source, 0))
        except BaseException:  # Ctrl-C, or the consumer stopped early
            stop_pool(executor, futures)
            raise
        finally:
            executor.shutdown(wait=True, cancel_futures=True)
        pending = []
        for job in sorted(broken, key=lambda j: j.source):
            attempts[job.source] = attempts.get(job.source, 0) + 1
            if attempts[job.source] < MAX_POOL_ATTEMPTS:
                pending.append(job)
            else:
                yield JobResult(job.source, error="the worker process died while rendering it (tried twice)",
                                retried=attempts[job.source] - 1)


def run_dask(jobs: Sequence[RenderJob], workers: int, theme_refs: tuple[str, ...],
             scheduler: str | None) -> Generator[JobResult, None, None]:
    """Render on a Dask cluster (at `scheduler`, else a LocalCluster of `workers` processes); PDFs come back as bytes.

    Workers must see the sources, publication, theme and font files at the same absolute paths
    (a shared file system); the PDFs travel back to this process, which writes them.
    """
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_as_completed
    except ImportError as exc:
        raise BatchUsageError(f"the dask executor needs Dask distributed ({exc.name} is missing): "
                              "pip install 'bulletin[dask]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None)
        client = Client(cluster)
    submitted: list[Any] = []
    try:
        for job in jobs:
            submitted.append(client.submit(render_on_dask, replace(job, deliver=True), theme_refs, pure=False))
        by_key = {future.key: job for future, job in zip(submitted, jobs, strict=True)}
        for future in dask_as_completed(submitted):
            try:
                yield future.result()
            except Exception as exc:  # the task itself failed on the cluster (lost worker, unpicklable result)
                yield JobResult(by_key[future.key].source, error=f"on the Dask cluster: {describe_exception(exc)}")
    except BaseException:
        client.cancel(submitted)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
