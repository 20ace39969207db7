"""Alert delivery: the live stream and signed webhooks, each filtered by handling codes."""
