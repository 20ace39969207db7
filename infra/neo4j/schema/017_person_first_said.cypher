// A person keeps, for each audience of their reports, the earliest report of that audience to
// mention them (`said_first`) and to give them a role other than unknown (`said_first_role`), as
// `when|report id|audience` (issue 17; as 014 keeps a place's): the analyst names a person from
// these instead of reading their every report. Linking keeps them up to date from now on
// (services/network/linking/queries.py MERGE_PERSONS; a retraction or a decision that moves
// reports: services/network/queries.py REFRESH_PERSONS). People linked before are worked out
// here from the reports that mention them and are not retracted, 500 to a transaction. Safe to
// re-run: only people without `said_first` are read.
MATCH (p:Person)
WHERE p.said_first IS NULL
CALL (p) {
  CALL (p) {
    OPTIONAL MATCH (a:Report)-[ma:MENTIONS]->(p)
    WHERE NOT coalesce(a.retracted, false)
    WITH ma, coalesce(a.audiences, []) AS audiences,
         right('000000000000' + toString(a.observed_at.epochSeconds), 12)
           + right('000000000' + toString(a.observed_at.nanosecond), 9) + '|' + a.id AS said
    UNWIND audiences AS audience
    WITH audience, min(said) AS first,
         min(CASE WHEN ma.role IS NOT NULL AND ma.role <> 'unknown' THEN said END) AS first_role
    RETURN collect(first + '|' + audience) AS said_first,
           collect(first_role + '|' + audience) AS said_first_role
  }
  SET p.said_first = said_first, p.said_first_role = said_first_role
} IN TRANSACTIONS OF 500 ROWS;
