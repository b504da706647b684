"""`waaah agent run`: a supervisor next to a git repository that puts coding-agent CLIs to work.

It talks to the hub only over its public API (the `/mcp/tools/{name}` route and REST under `/admin`),
so runners on many machines can serve one hub. Nothing here imports the server's internals.
"""
