"""netgraph: the linked-open-data graph of the city networks Düsseldorf belongs to."""
