"""The reading room's pages: one module per page, each an async Datasette view that reads
through bot/store/reading/ and renders a template of bot/web/templates/threadbot/."""
