"""The link stage: canonical form, classification, fetching, CourtListener."""
