// Each place keeps the areas its reports give (issue 17): every area given, and the earliest and
// the latest report giving any, and the latest giving a local authority. Linking keeps them up
// to date from now on (services/network/linking/queries.py MERGE_LOCATIONS; a retraction:
// REFRESH_PLACE_AREAS), and detection reads them from the place instead of from every report
// that mentions it. Places linked before are worked out here from the reports that mention them
// and are not retracted, 500 to a transaction, so a large store is not changed in one. Safe to
// re-run: only places without `areas` are read.
MATCH (l:Location)
WHERE l.areas IS NULL
CALL (l) {
  CALL (l) {
    OPTIONAL MATCH (a:Report)-[ma:MENTIONS]->(l)
    WHERE NOT coalesce(a.retracted, false)
      AND (ma.local_authority IS NOT NULL OR ma.police_force_area IS NOT NULL)
    WITH a, ma ORDER BY a.observed_at, a.id
    WITH collect(CASE WHEN a IS NOT NULL
                   THEN {report: a, la: ma.local_authority, pfa: ma.police_force_area} END) AS given
    RETURN reduce(acc = [], g IN given
                  | reduce(more = acc, x IN [g.la, g.pfa]
                           | CASE WHEN x IS NULL OR x IN more THEN more ELSE more + x END)) AS areas,
           head(given) AS first, last(given) AS latest,
           last([g IN given WHERE g.la IS NOT NULL]) AS la_latest
  }
  SET l.areas = areas,
      l.area_first_report = first.report.id, l.area_first_at = first.report.observed_at,
      l.area_latest_report = latest.report.id, l.area_latest_at = latest.report.observed_at,
      l.area_latest_la = latest.la, l.area_latest_pfa = latest.pfa,
      l.la_latest_report = la_latest.report.id, l.la_latest_at = la_latest.report.observed_at,
      l.la_latest = la_latest.la
} IN TRANSACTIONS OF 500 ROWS;
