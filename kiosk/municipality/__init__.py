"""What the municipality's strategist needs: participation figures (`reports`, `door_counts`),
their charts and spreadsheet export, and the report page (`views`).
"""
