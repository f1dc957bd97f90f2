"""A Site to files: the plan, rendering, the Markdown pass's executor, the output, the
persistent cache, reading aids and the search index."""
