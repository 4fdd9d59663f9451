"""The daemon: the scheduler and its jobs (watch, requests, refresh, resolve), the mention
grammar, reply texts and status — composing the same pipeline functions the CLI uses."""
