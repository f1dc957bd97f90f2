"""Sources to a Site: reading and validating every file, translations, new articles,
and the Site each language's pages are made from."""
