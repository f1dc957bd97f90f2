__version__ = "0.9.4"  # also part of every cache key: bump when a cached format changes
