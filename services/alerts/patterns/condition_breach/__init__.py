"""P22 protective condition breach: the subject of an order where or with whom it forbids."""
