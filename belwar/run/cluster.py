"""Reaching Dask: an embedded loopback cluster (``dask="local"``) or an existing
``dask.distributed`` scheduler at an address (``tcp://host:8786``), for
:mod:`belwar.run.execution` to send work to.

Dask is an optional extra: ``pip install 'belwar[dask]'``. Reaching a scheduler takes at most
``DASK_TIMEOUT`` seconds to connect and as long again to register: an address that does not
answer as a scheduler is bad input, not a hang.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from belwar.errors import InputError, input_error
from belwar.optional import require
from belwar.run import options
from belwar.run.memory import worker_environment
from belwar.run.options import default_workers

DASK_TIMEOUT = 10  # seconds to connect to a scheduler, and again to register with it


def local_cluster(workers: int) -> Any:
    """A ``distributed.LocalCluster`` of ``workers`` single-threaded processes, listening on
    loopback only, its HTTP endpoints on a free port (never a fixed one that may be taken).
    Its logs are silenced: what goes wrong reaches the user as belwar's own message.

    Dask starts workers with ``MALLOC_TRIM_THRESHOLD_`` set low, which turns off glibc's
    adaptive mmap threshold: every block's quarter-megabyte temporaries are then mapped and
    unmapped afresh, and the engine runs 2.3 to 2.6 times slower (measured). These workers get
    the command line's own tuning instead (:mod:`belwar.run.memory`)."""

    dask = require("dask", extra="dask")
    LocalCluster = require("distributed", extra="dask").LocalCluster

    environ = {
        f"distributed.nanny.pre-spawn-environ.{name}": value
        for name, value in worker_environment().items()
    }
    # Ctrl-C is ignored while the cluster starts, so the worker processes it spawns inherit
    # that and never see SIGINT (a Ctrl-C at the terminal goes to the whole process group, and
    # the workers would print tracebacks); the parent stops them when it is interrupted. A
    # Ctrl-C in that second of start-up is lost (a blocked mask is not inherited by them).
    main = threading.current_thread() is threading.main_thread()
    handler = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        with dask.config.set(environ):
            return LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
                silence_logs=logging.CRITICAL,
            )
    finally:
        if main:
            signal.signal(signal.SIGINT, handler)


@contextmanager
def dask_client(address: str) -> Iterator[Any]:
    """A ``distributed.Client`` for ``address``, or for an embedded loopback ``LocalCluster``
    (one single-threaded worker process per core) when it is "local"; closed on exit.
    An address that is not a scheduler's, or does not answer within ``DASK_TIMEOUT`` seconds
    to connect and as long to register, is bad input."""
    address = options.check_dask(address) or "local"
    try:
        from distributed import Client  # noqa: PLC0415 - optional extra
    except ImportError:
        raise input_error(
            "the dask extra is not installed: pip install 'belwar[dask]'", key="dask"
        ) from None
    cluster = None
    try:
        if address == "local":
            cluster = local_cluster(default_workers())
            client = Client(cluster)
        else:
            _probe(address)
            try:
                client = Client(address, timeout=DASK_TIMEOUT)
            except Exception as exc:  # whatever the comm layer raises
                raise _unreachable(address, exc) from None
        with client:
            yield client
    finally:
        if cluster is not None:
            with contextlib.suppress(Exception):  # a cluster stopped early may not close cleanly
                cluster.close()


def _probe(address: str) -> None:
    """Connect to ``address`` and exchange distributed's handshake, within ``DASK_TIMEOUT``
    seconds in all: ``Client`` bounds only the connect, so a listener that accepts and never
    answers would hang it, and one that answers junk makes it read a length of exabytes."""
    import asyncio  # noqa: PLC0415 - only the Dask path needs asyncio

    from distributed.comm.core import connect  # noqa: PLC0415 - optional extra
    from distributed.security import Security  # noqa: PLC0415 - optional extra

    async def handshake() -> None:
        arguments = Security().get_connection_args("client")
        comm = await connect(address, timeout=DASK_TIMEOUT, **arguments)
        await comm.close()

    async def bounded() -> None:
        await asyncio.wait_for(handshake(), DASK_TIMEOUT)

    try:
        asyncio.run(bounded())
    except (Exception, MemoryError) as exc:  # junk may fail anywhere in the comm
        raise _unreachable(address, exc) from None


def _unreachable(address: str, exc: BaseException) -> InputError:
    if isinstance(exc, TimeoutError):
        why = f"no answer within {DASK_TIMEOUT} s"
    elif isinstance(exc, OSError):
        why = str(exc) or type(exc).__name__
    else:  # junk: a length of exabytes, a malformed frame, an unexpected message
        why = "it does not answer as a Dask scheduler"
    return input_error(f"cannot reach the Dask scheduler at {address}: {why}", key="dask")
