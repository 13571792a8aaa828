from tests.console.conftest import aloop

__all__ = ["aloop"]
