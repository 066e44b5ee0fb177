"""Named errors of the pipeline stages."""
from __future__ import annotations


class PipelineError(Exception):
    """Base class: a stage could not do its work on one document."""


class ExtractionError(PipelineError):
    """The bytes could not be turned into text blocks and tables (corrupt, unsupported)."""


class ReportParseError(PipelineError):
    """The document was read but is not a parseable annual report."""
