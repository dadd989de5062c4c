"""Executing the report's notebooks: each with papermill in its own kernel, in parallel if asked.

A notebook that raises (or whose kernel dies or times out) is reported, not raised, so the other
notebooks run. What is stored of a run is made deterministic here: papermill's timings and random
cell ids are stripped, and local paths are replaced by stable names (:func:`path_names`).
"""
from __future__ import annotations

import functools
import json
import os
import re
import sys
import tempfile
import time
import traceback
import uuid
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context
from pathlib import Path
from typing import TypedDict

from .warm_kernel import shutdown_warm_kernel, warm_engine, warm_kernel

__all__ = ["PACKAGE_PARENT", "Job", "Failure", "Result", "strip_runtime", "hide_paths", "hide_text",
           "path_names", "ipc_kernel_manager", "execute_notebook", "execute_all"]

# the folder that holds the package: the repository in a checkout or an editable install,
# site-packages in an installed wheel; tracebacks show paths under it relative to it
PACKAGE_PARENT = Path(__file__).resolve().parents[1]
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Job(TypedDict):
    """One notebook to execute: its path, kernel, papermill parameters and the paths to hide."""

    notebook: str
    kernel: str
    parameters: dict[str, object]
    replace: dict[str, str]


class Failure(TypedDict):
    """Why a notebook failed: exception type and message, the cell's execution count, traceback."""

    ename: str
    evalue: str
    cell: int | None
    traceback: str


class Result(TypedDict):
    """A notebook's run: its file name, stored text (None if nothing was saved), failure, seconds."""

    notebook: str
    text: str | None
    error: Failure | None
    seconds: float


def strip_runtime(nb: dict) -> dict:
    """Remove papermill's timings and other run-dependent metadata."""
    nb = json.loads(json.dumps(nb))
    nb.get("metadata", {}).pop("papermill", None)
    n_error_cells = 0
    for cell in nb.get("cells", []):
        md = cell.get("metadata", {})
        md.pop("papermill", None)
        md.pop("execution", None)
        # papermill gives the cells it adds random ids
        if "injected-parameters" in md.get("tags", []):
            cell["id"] = "injected-parameters"
        if "papermill-error-cell-tag" in md.get("tags", []):
            n_error_cells += 1
            cell["id"] = f"papermill-error-{n_error_cells}"
    return nb


def hide_paths(nb: dict, replace: dict[str, str]) -> dict:
    """Replace local paths (in the injected parameters and anywhere else) by stable names."""
    text = json.dumps(nb, ensure_ascii=False)
    for path, name in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(json.dumps(path, ensure_ascii=False)[1:-1], name)
    result: dict = json.loads(text)
    return result


def hide_text(text: str, replace: dict[str, str]) -> str:
    """:func:`hide_paths` for plain text (a traceback), with the terminal's colour codes removed."""
    text = _ANSI.sub("", text)
    for path, name in sorted(replace.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(path, name)
    return text


def path_names(*, event_dir: Path, event_id: str, figures: Path, notebooks_dir: Path) -> dict[str, str]:
    """Local paths that pages and stored notebooks show by a stable name instead."""
    replace = {str(event_dir): event_id, str(figures): "figures", str(notebooks_dir): "notebooks",
               str(PACKAGE_PARENT) + os.sep: "", sys.prefix: "<python>", sys.base_prefix: "<python>"}
    home = str(Path.home())
    if len(Path(home).parts) > 1:
        replace.setdefault(home, "~")
    return replace


@functools.cache
def ipc_kernel_manager() -> type:
    """A kernel manager whose kernels listen on local IPC sockets instead of TCP ports.

    A kernel on TCP without CurveZMQ keys logs a warning about plain-text traffic at every start;
    kernels of the main job are local, so IPC sockets (files in the temporary folder, removed at
    shutdown) are the transport the warning itself recommends. Set per kernel manager, so no
    process-wide logging or configuration changes.

    jupyter_client also interrupts (SIGINT) every kernel it shuts down. papermill shuts the kernel
    down as soon as the reply to its last request arrives, and a fast transport lets the signal
    land before the kernel's handler has finished, which then logs "KeyboardInterrupt caught in
    kernel" (about one run in ten over IPC). The job only shuts down kernels that are idle, or past
    a timeout, where the shutdown request and the kill after it stop them anyway; so no interrupt
    is sent while shutting down. An interrupt asked for outside a shutdown is sent as usual.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            if self.transport != "ipc":
                return str(super()._ip_default())
            # absolute: the kernel runs in the notebooks' folder, the client does not
            return os.path.join(tempfile.gettempdir(), f"analysis-kernel-{uuid.uuid4().hex[:16]}-ipc")

        async def _async_interrupt_kernel(self) -> None:
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

    return IPCKernelManager


def execute_notebook(job: Job) -> Result:
    """Execute one notebook; return its stored text, and why it failed if it did.

    This is the per-notebook boundary of the main job: an exception raised inside the notebook
    (or a kernel that died or timed out) is reported, so that the other notebooks run and get
    their pages. Runs in-process or in a worker process; the result is plain data.
    """
    import papermill as pm
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    nb_path = Path(job["notebook"])
    start = time.perf_counter()
    error: Failure | None = None
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / nb_path.name
        try:
            km, kc = warm_kernel(job["kernel"], str(nb_path.parent), ipc_kernel_manager())
            pm.execute_notebook(str(nb_path), str(executed), kernel_name=job["kernel"], progress_bar=False,
                                parameters=job["parameters"], cwd=str(nb_path.parent), log_output=False,
                                kernel_manager_class=ipc_kernel_manager(), km=km, kc=kc,
                                engine_name=warm_engine())
        except PapermillExecutionError as exc:
            error = Failure(ename=exc.ename, evalue=exc.evalue, cell=exc.exec_count,
                            traceback="\n".join(exc.traceback))
        except (DeadKernelError, CellTimeoutError) as exc:
            error = Failure(ename=type(exc).__name__, evalue=str(exc), cell=None,
                            traceback="".join(traceback.format_exception(exc)))
        text = None
        if executed.exists():  # papermill saves the notebook up to the failing cell too
            nb = strip_runtime(json.loads(executed.read_text(encoding="utf-8")))
            nb = hide_paths(nb, job["replace"])
            text = json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    if error is not None:
        hide = functools.partial(hide_text, replace=job["replace"])
        error = Failure(ename=hide(error["ename"]), evalue=hide(error["evalue"]), cell=error["cell"],
                        traceback=hide(error["traceback"]))
    return Result(notebook=nb_path.name, text=text, error=error, seconds=time.perf_counter() - start)


def _stored_size(notebook: str) -> int:
    try:
        return os.path.getsize(notebook)
    except OSError:
        return 0


def execute_all(jobs_list: list[Job], *, jobs: int, progress: bool) -> dict[str, Result]:
    """Execute the notebooks, ``jobs`` at a time; results by notebook name."""
    results: dict[str, Result] = {}

    def done(result: Result) -> None:
        results[result["notebook"]] = result
        if progress:
            status = "failed" if result["error"] else "ok"
            print(f"[{len(results)}/{len(jobs_list)}] {result['notebook']}: {status} "
                  f"({result['seconds']:.1f} s)", file=sys.stderr, flush=True)

    if jobs == 1:
        try:
            for job in jobs_list:
                done(execute_notebook(job))
        finally:
            shutdown_warm_kernel()
        return results
    # spawn: workers start clean (no forked threads or event loops), the same on every platform.
    # Longest first, so that a long notebook does not start last while the other workers idle:
    # a stored notebook's size (its charts and tables) is a fair guess of its running time.
    # The order changes only when each page is written, never what is written.
    ordered = sorted(jobs_list, key=lambda job: (-_stored_size(job["notebook"]), job["notebook"]))
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))
    try:
        for future in as_completed([pool.submit(execute_notebook, job) for job in ordered]):
            done(future.result())
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return results
