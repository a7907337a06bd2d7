"""Worker processes that never outlive natplan, and a clean Ctrl-C.

:func:`worker_pool` is a :class:`~concurrent.futures.ProcessPoolExecutor`
whose workers

- ask the kernel to kill them when their parent dies, however it dies
  (``prctl(PR_SET_DEATHSIG)`` on Linux), and also watch their parent's pid
  once a second (other systems, and the short window before the ``prctl``);
- ignore SIGINT: a Ctrl-C at the terminal reaches the whole process group,
  and the main process alone decides what happens (no tracebacks from
  workers).

:func:`stop_pool` ends a pool at once, killing workers that are still busy
(``shutdown(wait=True)`` would wait for a long layout to finish).

:func:`terminate_on_signals` turns SIGTERM into :class:`Terminated` in the
main process, so that ``finally`` blocks run and pools are stopped.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


class Terminated(BaseException):
    """SIGTERM arrived (see :func:`terminate_on_signals`). A BaseException, like KeyboardInterrupt, so that
    ``except Exception`` does not swallow it."""


def _die_with_parent(parent: int) -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="natplan-parent-watch", daemon=True).start()


def _worker_init(parent: int, initializer, initargs) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def worker_pool(max_workers: int | None = None, initializer=None, initargs=(), **kw) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process and leave Ctrl-C to it (see the module)."""
    return ProcessPoolExecutor(max_workers=max_workers, initializer=_worker_init,
                               initargs=(os.getpid(), initializer, tuple(initargs)), **kw)


def stop_pool(pool: ProcessPoolExecutor | None) -> None:
    """Cancel what has not started, kill what is running, and reap the workers."""
    if pool is None:
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        if p.is_alive():
            p.kill()
    for p in processes:
        p.join(timeout=5)


def terminate_on_signals() -> None:
    """In the main process: SIGTERM raises :class:`Terminated` (SIGINT raises KeyboardInterrupt as usual,
    restored here in case a library replaced the handler)."""
    def on_term(signum, frame):
        raise Terminated()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, signal.default_int_handler)
