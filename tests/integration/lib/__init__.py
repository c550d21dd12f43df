"""Helpers for the integration suite (imported as `lib.<module>`)."""
