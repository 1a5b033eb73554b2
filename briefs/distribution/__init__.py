"""Sending released briefs to the people on the organisation's lists, and the log of who
received which version: the private side of the project, which the build never reads."""
