// Each place keeps, for each audience of its reports, the earliest report of that audience to
// mention it, to give it a category other than "other" and to give coordinates (issue 17): the
// analyst names a place from these instead of reading its every report. Linking keeps them up to
// date from now on (services/network/linking/queries.py MERGE_LOCATIONS; a retraction:
// REFRESH_PLACES). Places linked before are worked out here from the reports that mention them
// and are not retracted, 500 to a transaction, so a large store is not changed in one. Safe to
// re-run: only places without `said_first` are read.
MATCH (l:Location)
WHERE l.said_first IS NULL
CALL (l) {
  CALL (l) {
    OPTIONAL MATCH (a:Report)-[ma:MENTIONS]->(l)
    WHERE NOT coalesce(a.retracted, false)
    WITH ma, coalesce(a.audiences, []) AS audiences,
         right('000000000000' + toString(a.observed_at.epochSeconds), 12)
           + right('000000000' + toString(a.observed_at.nanosecond), 9) + '|' + a.id AS said
    UNWIND audiences AS audience
    WITH audience, min(said) AS first,
         min(CASE WHEN ma.category <> 'other' THEN said END) AS first_category,
         min(CASE WHEN ma.lat IS NOT NULL THEN said END) AS first_located
    RETURN collect(first + '|' + audience) AS said_first,
           collect(first_category + '|' + audience) AS said_first_category,
           collect(first_located + '|' + audience) AS said_first_located
  }
  SET l.said_first = said_first, l.said_first_category = said_first_category,
      l.said_first_located = said_first_located
} IN TRANSACTIONS OF 500 ROWS;
