// Every entity but a person or a place (a car, a phone, a handle, a group) keeps, for each
// audience of its reports, the earliest report of that audience to mention it (issue 17;
// `said_first`, `when|report id|audience`, as 014 keeps a place's): the analyst names it from
// these instead of reading its every report. Linking keeps them up to date from now on
// (services/network/linking/queries.py KEEP_FIRST_SAID; a retraction: REFRESH_FIRST_SAID).
// Entities linked before are worked out here from the reports that mention them and are not
// retracted, 500 to a transaction. Safe to re-run: only entities without `said_first` are read.
MATCH (x:Entity)
WHERE NOT x:Person AND NOT x:Location AND x.said_first IS NULL
CALL (x) {
  CALL (x) {
    OPTIONAL MATCH (a:Report)-[:MENTIONS]->(x)
    WHERE NOT coalesce(a.retracted, false)
    WITH coalesce(a.audiences, []) AS audiences,
         right('000000000000' + toString(a.observed_at.epochSeconds), 12)
           + right('000000000' + toString(a.observed_at.nanosecond), 9) + '|' + a.id AS said
    UNWIND audiences AS audience
    WITH audience, min(said) AS first
    RETURN collect(first + '|' + audience) AS said_first
  }
  SET x.said_first = said_first
} IN TRANSACTIONS OF 500 ROWS;
