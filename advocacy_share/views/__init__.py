"""The advocacy pages and endpoints, one module per area: thin callers of services and
selectors, each gated by ``certification.api.advocacy_access`` on every request."""
