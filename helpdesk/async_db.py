"""An asyncio PostgreSQL pool beside Django's, for the few statements that socket consumers
run without leaving their event loop.

Django's ORM is synchronous: from a consumer each query runs in a worker thread. On a busy
process those threads and the event loop take turns on the GIL, and a thread whose answer
has arrived waits for its turn: the worker threads were mostly found waiting there, and
the thread pool, not the CPU, capped the messages a process could take (docs/benchmarks.md).
The hottest write, a visitor's message, is one hand-written statement, so it runs here, on
the same database with Django's own connection parameters, in autocommit.

One pool per event loop (a pool belongs to the loop it was opened on). When a new loop
opens one, the pools of loops that have closed are dropped, and their connections close as
they are collected: a server has one loop for its life, a test run one per test.
"""

import asyncio

from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

_pools: dict[asyncio.AbstractEventLoop, asyncio.Task[AsyncConnectionPool]] = {}


def _parameters(connection) -> tuple[dict, dict]:
    """Django's connection parameters, less what only suits its synchronous connections;
    and the sizes of its pool."""
    parameters = connection.get_connection_params()
    parameters.pop("cursor_factory", None)
    parameters["autocommit"] = True
    # Prepared after the first run, so PostgreSQL plans the statement once per connection,
    # unless the settings say otherwise (a pooler that cannot keep prepared statements).
    options = connection.settings_dict["OPTIONS"]
    parameters["prepare_threshold"] = options.get("prepare_threshold", 0)
    sizes = options.get("pool") if isinstance(options.get("pool"), dict) else {}
    return parameters, {
        "min_size": 1,
        "max_size": sizes.get("max_size", 10),
        "timeout": sizes.get("timeout", 10),
    }


async def pool() -> AsyncConnectionPool | None:
    """This event loop's pool, opened on first use; None unless the database is PostgreSQL."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return None
    loop = asyncio.get_running_loop()
    opening = _pools.get(loop)
    if opening is None:
        for closed in [other for other in _pools if other.is_closed()]:
            del _pools[closed]
        # A task, so that sockets arriving while it opens wait for the same pool.
        opening = _pools[loop] = loop.create_task(_open(*_parameters(connection)))
    try:
        return await opening
    except Exception:
        if _pools.get(loop) is opening:
            del _pools[loop]  # the next caller tries again
        raise


async def _open(parameters: dict, sizes: dict) -> AsyncConnectionPool:
    opened = AsyncConnectionPool(
        kwargs=parameters, connection_class=AsyncConnection, open=False, **sizes
    )
    await opened.open()
    return opened
