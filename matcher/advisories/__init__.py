"""Travel advisories: import formats and adapters (ours, US State Department, UK FCDO)."""
