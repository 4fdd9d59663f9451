"""Documents a link points to: turning fetched bytes into text and metadata."""
