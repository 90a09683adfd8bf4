"""Warm kernels: each build worker starts the project's kernel once and runs briefing after briefing in it,
so kernel start-up and the imports of pandas, matplotlib and the package are paid once per worker rather
than once per briefing.

Isolation between briefings is kept: before each notebook the kernel's namespace is wiped (``%reset -f``),
figures are closed, matplotlib's settings restored and the working folder set, so a name defined by one
briefing is not visible in the next. A kernel that died (a crash, a timeout, a kill) is replaced by a new
one before the next briefing. Modules stay imported: that is the saving, and the package's code holds no
state between calls.

``ENGINE`` is registered with papermill as an execution engine; ``execute`` in ``analysis.pipeline.execute``
passes ``engine_name=ENGINE``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
from typing import Any

ENGINE = "analysis-warm"

_kernels: dict[str, Any] = {}  # kernel name -> a started jupyter_client KernelManager, one per process

RESET = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys
_os.chdir({cwd!r})
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
if "matplotlib" in _sys.modules:
    _sys.modules["matplotlib"].rcdefaults()
del _os, _sys
get_ipython().run_line_magic("reset", "-f")
"""


def kernel(name: str, cwd: str) -> Any:
    """This process's kernel ``name``, started if there is none or the last one died.

    An asynchronous manager, as nbclient's own: its client lets nbclient notice a kernel that dies
    mid-cell (a blocking client would wait for a reply that never comes)."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync

    km = _kernels.get(name)
    if km is not None and not run_sync(km.is_alive)():
        with contextlib.suppress(Exception):
            run_sync(km.cleanup_resources)()
        km = None
    if km is None:
        km = AsyncKernelManager(kernel_name=name)
        run_sync(km.start_kernel)(cwd=cwd)
        _kernels[name] = km
    return km


def _reset(km: Any, cwd: str, timeout: float) -> None:
    """Wipe the kernel's namespace and state left by the last briefing, through a client of our own.

    The client is the manager's own (it asks the manager whether the kernel lives): a bare client judges by
    heartbeats, and a kernel just started on a busy machine may not have sent one yet."""
    from jupyter_core.utils import run_sync

    kc = km.client()
    kc.start_channels()
    try:
        run_sync(kc.wait_for_ready)(timeout=timeout)
        reply = run_sync(kc.execute_interactive)(RESET.format(cwd=cwd), store_history=False, timeout=timeout)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue', '')}")
    finally:
        kc.stop_channels()


STARTS = 3  # attempts at starting a kernel that dies while it starts


def ready(name: str, cwd: str, timeout: float) -> Any:
    """This process's kernel ``name``, started if needed and reset for the next briefing.

    A kernel can die while it starts: jupyter_client picks free ports, releases them and hands them to
    the kernel, and another kernel starting at the same moment (the other build worker) may take one
    first (jupyter_client issues 154 and 276). A new kernel gets new ports, so up to ``STARTS`` are tried
    before the briefing fails."""
    from jupyter_core.utils import run_sync

    attempt = 1
    while True:
        km = kernel(name, cwd)
        try:
            _reset(km, cwd, timeout)
            return km
        except RuntimeError:
            if attempt >= STARTS or run_sync(km.is_alive)():
                raise  # a live kernel that cannot reset, or one that dies every time: the briefing fails
            attempt += 1


def shutdown() -> None:
    """Stop this process's kernels (at exit, and when a build ends)."""
    from jupyter_core.utils import run_sync

    while _kernels:
        _, km = _kernels.popitem()
        with contextlib.suppress(Exception):
            run_sync(km.shutdown_kernel)(now=True)


atexit.register(shutdown)  # the build's own process (--jobs 1, and --watch between rounds)
# A pool worker leaves through multiprocessing, which runs its finalizers but not atexit.
_finalizer = __import__("multiprocessing.util").util.Finalize(None, shutdown, exitpriority=10)


def _engine() -> type:
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import Engine
    from papermill.log import logger
    from papermill.utils import merge_kwargs, remove_args

    class WarmEngine(Engine):
        """papermill's nbclient engine, on this process's warm kernel."""

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None, start_timeout: int = 60,
                                     execution_timeout: int | None = None, **kwargs: Any) -> Any:
            cwd = os.getcwd()  # papermill runs the engine inside the notebook's working folder
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            km = ready(kernel_name, cwd, start_timeout)
            client = PapermillNotebookClient(nb_man, km=km, **merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
                log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file))
            try:
                return client.execute()  # the kernel is not the client's: it stays up for the next briefing
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()
                    client.kc = None

    return WarmEngine


def register() -> None:
    """Make ``ENGINE`` known to papermill in this process (once)."""
    from papermill.engines import papermill_engines

    if ENGINE not in papermill_engines._engines:
        papermill_engines.register(ENGINE, _engine())
