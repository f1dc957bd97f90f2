"""The builder's parts that sit above the quality checks: loading the sites of a build
(builder/load.py) and the findings it reports across pages and languages
(builder/findings.py). `sitegen.pipeline.Builder` runs them in its steps."""
