"""Review: the gallery page, the review server and the approvals in the ledger."""
