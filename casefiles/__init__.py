"""casefiles: a terminal case-file browser for prosecutions of human-rights defenders."""

__version__ = "0.1.0"
