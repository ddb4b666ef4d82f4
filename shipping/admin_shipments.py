"""Preparing and shipping orders."""
