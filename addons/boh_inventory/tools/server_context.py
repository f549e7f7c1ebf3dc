"""Context switches that only server code can turn on.

A client sends a context with every XML-RPC or JSON-RPC call, and Odoo passes it on to the
model methods; a switch read as ``env.context.get("boh_...")`` would therefore be a switch
anyone can flip from outside. The suite's own switches carry ``SERVER`` as their value
instead: an object that exists only in this process, which no RPC message can contain.
"""

#: The value of a server-only context switch. Identity is what counts, never equality.
SERVER = object()


def server_switches(*keys: str) -> dict:
    """Context entries that turn the server-only switches ``keys`` on."""
    return dict.fromkeys(keys, SERVER)


def switched_on(env, key: str) -> bool:
    """Whether server code turned the switch ``key`` on for ``env`` (a client cannot)."""
    return env.context.get(key) is SERVER
