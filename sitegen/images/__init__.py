"""Images: reading, checking (SVG allow-list, metadata, size) and encoding them."""
