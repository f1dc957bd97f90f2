__version__ = "0.9.5"  # also part of every cache key: bump when a cached format changes
