"""Helpers every rule module may use: tolerant property reads (props) and policy options (options)."""
