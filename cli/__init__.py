"""The `gongkai` command line for clerks."""
