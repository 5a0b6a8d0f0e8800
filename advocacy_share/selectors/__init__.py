"""Reads of the advocacy layer: feed, leaderboards, links. No writes."""
