"""Viewsets of the portal app on the shared router."""
