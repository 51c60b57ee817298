"""Keep BLAS single-threaded while fitting many tiny models.

ETS fits call the L-BFGS-B optimizer thousands of times on 3-8 parameters; with OpenBLAS's
default thread pool every call pays a thread hand-off, which on a busy 2-core host made fits
up to 8x slower (25 s vs 3 s for 200 fits). ``threadpoolctl`` (a declared dependency) limits
the pool at run time; should it be missing this is a no-op and operators can set
``OPENBLAS_NUM_THREADS=1`` in the worker environment instead. The limit is process-wide:
enter it from one thread at a time (the forecast run gives each series its own process).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any


def single_threaded_blas() -> AbstractContextManager[Any]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
