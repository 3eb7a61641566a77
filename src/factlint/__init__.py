"""factlint: a citation and fact-validation linter for Markdown briefs."""

__version__ = "0.1.0"
