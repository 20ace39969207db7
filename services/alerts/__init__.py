"""Alerts: detects contextual-safeguarding patterns in the graph and delivers alerts."""
