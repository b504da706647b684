"""The real-time channel's core: subscriptions, the live board, and the fan-out to sockets.

The transport (Socket.IO) lives in `waaah.web.sockets`; nothing here imports it.
"""
