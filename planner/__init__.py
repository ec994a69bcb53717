"""planner: turn an internship invitation into a dated plan."""

__version__ = "0.1.0"
