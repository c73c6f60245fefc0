"""The use cases: open the store, record lines, keep the tables, answer the clerk's questions."""
