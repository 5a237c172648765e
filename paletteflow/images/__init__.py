"""Images in and out: reading sources within caps, decoding, encoding (`io`, `png`), the decoded
base image and its analysis kept per process (`cache`), and the demo's own logo (`sample`)."""
