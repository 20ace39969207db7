// Each person keeps what the reports that mention them (not retracted) say that decides whether
// an alert is raised or how urgent it is, with those reports (issue 17): that they are a young
// person, that they have needs, and the age each gives. Linking keeps them up to date from now
// on (services/network/linking/queries.py MERGE_PERSONS; a retraction or a decision that moves
// reports: services/network/queries.py REFRESH_PERSON_TRAITS), and detection reads them from
// the person instead of from every report that mentions them. People linked before are worked
// out here, 500 to a transaction, so a large store is not changed in one. Safe to re-run: only
// people without `young_reports` are read.
MATCH (p:Person)
WHERE p.young_reports IS NULL
CALL (p) {
  CALL (p) {
    OPTIONAL MATCH (r:Report)-[m:MENTIONS]->(p)
    WHERE NOT coalesce(r.retracted, false)
    RETURN collect(DISTINCT CASE WHEN m.young_person THEN r END) AS young,
           collect(DISTINCT CASE WHEN m.learning_disability OR m.additional_needs THEN r END)
             AS needs,
           collect(DISTINCT CASE WHEN m.age IS NOT NULL THEN {report: r, age: m.age} END) AS aged
  }
  SET p.young_reports = [x IN young | x.id], p.young_reports_at = [x IN young | x.observed_at],
      p.needs_reports = [x IN needs | x.id], p.needs_reports_at = [x IN needs | x.observed_at],
      p.aged_reports = [x IN aged | x.report.id],
      p.aged_reports_at = [x IN aged | x.report.observed_at],
      p.aged_reports_age = [x IN aged | x.age]
} IN TRANSACTIONS OF 500 ROWS;
