"""Drivers of the live voting benchmark (benchmarks/live_voting.py): the requests and Socket.IO
frames of the real contest pages (phones, screens, moderator), the servers, and the old
socket-only workload."""
