"""How many examples a property test draws: its own number in CI, fewer under benchmarks/mutation.py."""

from hypothesis import settings


def examples(n: int) -> int:
    """`n` in the default profile; scaled down with the profile's own number (40 of 300 under mutation)."""
    return max(10, n * settings().max_examples // 300)
