"""Connectors to external tools, sync runs, webhooks and outbound delivery.

Models live in integrations/models/sync.py.
"""
