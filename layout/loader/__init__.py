"""Source loader: YAML -> the typed model. `issue.load_issue` is the entry point; the publication, blocks and
scalar texts each have their own module."""
