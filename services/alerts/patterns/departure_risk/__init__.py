"""P21 departure risk: a young person leaving a home or school with luggage, a passport or money."""
