"""File exports and imports: xlsx, csv, manifests."""
