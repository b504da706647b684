"""The agent protocol over MCP: 19 tools (docs/mcp.md) on streamable HTTP, the legacy RPC route, stdio.

`schemas` holds the tool definitions, `validation` checks arguments, `tools` dispatches to the
handlers in `work_tools` and `hub_tools`, `http` serves them, `bridge` is `waaah mcp`.
"""
