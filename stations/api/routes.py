"""Viewsets of the stations app on the shared router."""
