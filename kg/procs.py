"""Worker processes that die with their parent (no orphans after ``kill -9`` of the parent).

:func:`die_with_parent` is called first thing in a child (a pool initializer, a worker's
main function): Linux's ``prctl(PR_SET_PDEATHSIG, SIGKILL)`` has the kernel kill the child
when the parent thread that started it ends, and a daemon thread polling ``getppid`` covers
the rest (other systems, a parent whose starting thread ended first).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
import time

PR_SET_PDEATHSIG = 1


def _watch(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(0.5)


def die_with_parent(parent: int | None = None, kernel: bool = True) -> None:
    """Make this process end when ``parent`` (default: the current parent) does.

    ``kernel=False`` skips the prctl: for children started from short-lived threads, whose
    end would trigger the signal while the parent lives on.
    """
    parent = parent if parent is not None else os.getppid()
    try:
        if not kernel:
            raise AttributeError
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the prctl
        os._exit(0)
    threading.Thread(target=_watch, args=(parent,), name="die-with-parent", daemon=True).start()
