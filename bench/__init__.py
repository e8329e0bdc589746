"""Performance harness (``make bench``); see bench/README.md. Not part of the application."""
