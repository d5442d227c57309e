"""The checks, one module per group of arguments; importing this package registers them all."""

from bubblewatch.claims.checks import macro, markets, platforms

__all__ = ["macro", "markets", "platforms"]
