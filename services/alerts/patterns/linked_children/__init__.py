"""P04, P06 (a), P17: one adult, vehicle or phone directly linked to several children.

One pattern, three alert types by what the children are linked to: `adult_linked_to_children`,
`vehicle_linked_to_children` and `shared_phone`.
"""
