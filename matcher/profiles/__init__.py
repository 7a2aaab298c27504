"""Applicant profiles: edit your own, see others when allowed, CV upload, data export, deletion."""
