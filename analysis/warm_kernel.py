"""One kernel per worker, reused from notebook to notebook and reset in between.

Starting a kernel and importing pandas, matplotlib, scipy and the package costs about 1.5 s of
the 3 to 8 s a report notebook takes. A worker of the main job therefore keeps its kernel and,
before each notebook, puts it back in the state of a fresh one: the user namespace emptied
and a new history session begun (IPython's ``reset(new_session=True)``, which also puts the
execution count back at 1), figures closed, matplotlib's rcParams, pandas' options, the warning
filters and the working folder restored to what they were when the kernel started. What stays is what makes it fast: the imported modules. A kernel that died, or
refuses the reset, is replaced by a new one.

Outputs equal a fresh kernel's: the test suite compares stored notebooks of serial and parallel
runs, and of runs in this kernel against the notebooks stored in the repository.
"""
from __future__ import annotations

import multiprocessing.util
from typing import Any

__all__ = ["warm_kernel", "shutdown_warm_kernel", "warm_engine"]

# saved once at start: what a fresh kernel has before any notebook ran
_SAVE = """
import builtins as __b, os as __os, warnings as __w
import matplotlib as __m
__b.__analysis_fresh = {"filters": list(__w.filters), "rc": dict(__m.rcParams), "cwd": __os.getcwd()}
del __b, __os, __w, __m
"""
_RESET = """
get_ipython().reset(new_session=True)
import builtins as __b, os as __os, sys as __sys, warnings as __w
__f = __b.__analysis_fresh
if "matplotlib.pyplot" in __sys.modules:
    __sys.modules["matplotlib.pyplot"].close("all")
import matplotlib as __m
with __w.catch_warnings():
    __w.simplefilter("ignore")
    dict.update(__m.rcParams, __f["rc"])
    if "pandas" in __sys.modules:
        __sys.modules["pandas"].reset_option("all")
__w.resetwarnings()
__w.filters[:] = __f["filters"]
__os.chdir(__f["cwd"])
del __b, __os, __sys, __w, __m, __f
"""

_STATE: dict[str, Any] = {}


def _run(kc: Any, code: str, timeout: float = 60) -> bool:
    from jupyter_core.utils import run_sync

    reply = run_sync(kc.execute_interactive)(code, store_history=False, silent=False, timeout=timeout,
                                             output_hook=lambda msg: None)
    return bool(reply["content"]["status"] == "ok")


def shutdown_warm_kernel() -> None:
    """Stop the worker's kernel, if one runs."""
    from jupyter_core.utils import run_sync

    km, kc = _STATE.pop("km", None), _STATE.pop("kc", None)
    _STATE.clear()
    if kc is not None:
        kc.stop_channels()
    if km is not None:
        run_sync(km.shutdown_kernel)(now=False)


def _start(kernel_name: str, cwd: str, manager_class: type) -> None:
    from jupyter_core.utils import run_sync

    km = manager_class(kernel_name=kernel_name)
    run_sync(km.start_kernel)(cwd=cwd)
    kc = km.client()
    kc.start_channels()
    run_sync(kc.wait_for_ready)(timeout=60)
    _STATE.update(km=km, kc=kc, kernel=kernel_name, cwd=cwd)
    if not _run(kc, _SAVE):
        raise RuntimeError("the kernel did not accept the set-up code")
    if not _STATE.get("finalizer"):
        # a worker process shuts its kernel down when it exits
        _STATE["finalizer"] = multiprocessing.util.Finalize(None, shutdown_warm_kernel, exitpriority=10)


def warm_kernel(kernel_name: str, cwd: str, manager_class: type) -> tuple[Any, Any]:
    """The worker's kernel manager and client, reset to a fresh kernel's state.

    Starts a kernel on first use, or when the kernel name or folder changed, the kernel died, or
    the reset failed.
    """
    from jupyter_core.utils import run_sync

    km = _STATE.get("km")
    fresh = km is None or _STATE.get("kernel") != kernel_name or _STATE.get("cwd") != cwd \
        or not run_sync(km.is_alive)()
    if not fresh:
        try:
            fresh = not _run(_STATE["kc"], _RESET)
        except Exception:  # a kernel that cannot run the reset is replaced, whatever went wrong
            fresh = True
    if fresh:
        finalizer = _STATE.get("finalizer")
        if km is not None:
            shutdown_warm_kernel()
        if finalizer is not None:
            _STATE["finalizer"] = finalizer
        _start(kernel_name, cwd, manager_class)
    return _STATE["km"], _STATE["kc"]


def warm_engine() -> str:
    """The name of a papermill engine that runs notebooks on the worker's warm kernel client.

    papermill's own engine makes a new kernel client for every notebook; on a reused kernel such
    clients share the kernel manager's session identity, so the kernel's replies go to the first
    of them and the others wait forever. This engine hands papermill's notebook client the one
    client of :func:`warm_kernel` instead.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    name = "analysis-warm"
    if name in papermill_engines._engines:
        return name

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            kwargs = remove_args(["input_path"], **kwargs)
            kc = kwargs.pop("kc")
            safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
            final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout or kwargs.get("timeout"),
                                        startup_timeout=start_timeout, kernel_name=kernel_name,
                                        log=kwargs.get("log"), log_output=log_output, stdout_file=stdout_file,
                                        stderr_file=stderr_file)
            final_kwargs.pop("log", None)
            client = PapermillNotebookClient(nb_man, **final_kwargs)
            client.kc = kc
            return client.execute()

    papermill_engines.register(name, WarmEngine)
    return name
