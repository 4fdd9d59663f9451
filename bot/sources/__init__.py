"""Where threads come from: one package per platform behind the interface in base.py,
handed out by registry.py. Nothing outside this package knows a platform's JSON."""
