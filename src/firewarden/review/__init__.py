"""Review, approval and publishing workflow: policy, states, use cases and the audit log."""
