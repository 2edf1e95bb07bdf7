"""Demo data: one believable company, its counterparties and their stories, so
every path of the policy can be shown, tested and demonstrated end to end."""
