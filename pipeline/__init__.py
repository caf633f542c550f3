"""ThaiMinutes: scanned Thai meeting minutes (รายงานการประชุม) to a queryable dataset."""

from __future__ import annotations

#: Written to ``documents.pipeline_version``; bump on any change to a required column
#: or to extraction behaviour that should invalidate the ledger.
PIPELINE_VERSION = "0.2.9"
