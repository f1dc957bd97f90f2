__version__ = "0.9.3"  # also part of every cache key: bump when a cached format changes
