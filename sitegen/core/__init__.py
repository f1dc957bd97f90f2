"""The model and what everything else stands on: messages, files, YAML with lines, names, the
sources' text, articles and pages, guides, and the configuration."""
