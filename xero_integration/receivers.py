"""Reacts to what the approval engine announces."""
