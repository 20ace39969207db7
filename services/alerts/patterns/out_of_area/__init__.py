"""P09 found out of area, and county lines suspected.

One pattern, two alert types: `found_out_of_area`, and `county_lines_suspected` when there are
signs of exploitation (drugs, cash, adults present, a raid, a drugs house).
"""
