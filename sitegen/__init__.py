__version__ = "0.7.0"  # also part of every cache key: bump when a cached format changes
