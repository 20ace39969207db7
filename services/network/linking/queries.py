"""Cypher of the linking worker: linking a batch of reports, replay and retraction. Values
are always $parameters.

Every entity node also carries the label Entity (ids are unique across kinds: `person:...`,
`location:...`), so links and analyst queries can reach any kind through one index. Labels,
relationship types and shared properties are those schemas/graph.py declares; a link's type comes
from its LinkType enum, never from request text. A statement reads an evidence entry's field at
the position schemas/graph.py gives it, passed as `$evidence` (`evidence_fields()`).
"""

# ---------------------------------------------------------------- linking (a batch, one tx)
# Every statement takes the rows of a whole batch of reports; each row names its report.

# A report is written once: `written` says it already was (a redelivery, or a replay without
# --wipe), so nothing an analyst's split or a retraction changed since is undone. A retraction
# that arrived first left the node without a type: it is filled in, and `retracted` says to
# link nothing.
MERGE_REPORTS = """
UNWIND $reports AS report
MERGE (r:Report {id: report.id})
WITH r, report, r.type IS NOT NULL AS written
FOREACH (_ IN CASE WHEN written THEN [] ELSE [1] END |
  SET r.type = report.type,
      r.source_agency = report.source_agency,
      r.submitted_by = report.submitted_by,
      r.observed_at = datetime(report.observed_at),
      r.reported_at = datetime(report.reported_at),
      r.narrative = report.narrative,
      r.grading = report.grading,
      r.source_evaluation = report.source_evaluation,
      r.intelligence_assessment = report.intelligence_assessment,
      r.handling_code = report.handling_code,
      r.handling_agencies = report.handling_agencies,
      r.handling_roles = report.handling_roles,
      r.audiences = report.audiences,
      r.evidence = report.evidence,
      r.source_protected = report.source_protected,
      r.police_incident_ref = report.police_incident_ref,
      r.items = report.items,
      r.screened_on = report.screened_on,
      r.screening_outcome = report.screening_outcome,
      r.screening_risk_level = report.screening_risk_level,
      r.screening_review_date = report.screening_review_date)
WITH report, written, r.retracted IS NOT NULL AS retracted
RETURN collect(CASE WHEN NOT written AND NOT retracted THEN report.id END) AS fresh
"""

# A person keeps what the reports that mention them say that decides whether an alert is raised
# or how urgent it is, with those reports: that they are a young person, that they have needs,
# and the age each gives. They also keep, for each audience of their reports, the earliest report
# of that audience to mention them (`said_first`) and to give them a role other than unknown
# (`said_first_role`), as MERGE_LOCATIONS keeps a place's, so the analyst names a person as that
# report does without reading their every report. A retraction or a decision that moves reports
# works all of them out again (services/network/queries.py REFRESH_PERSONS). Each is set
# in its own clause, from what the mention kept, so a batch's rows for one person are taken in
# turn.
MERGE_PERSONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (p:Person {id: row.id})
ON CREATE SET p:Entity, p.kind = 'person', p.name = row.name, p.name_key = row.name_key,
              p.names = [], p.nicknames = [], p.phones = [], p.handles = [], p.audiences = [],
              p.role = row.role, p.gender = row.gender, p.learning_disability = false,
              p.looked_after = false, p.additional_needs = false,
              p.young_reports = [], p.young_reports_at = [], p.needs_reports = [],
              p.needs_reports_at = [], p.aged_reports = [], p.aged_reports_at = [],
              p.aged_reports_age = []
SET p.names = p.names + [n IN row.names WHERE NOT n IN p.names],
    p.nicknames = p.nicknames + [n IN row.nicknames WHERE NOT n IN p.nicknames],
    p.phones = p.phones + [n IN row.phones WHERE NOT n IN p.phones],
    p.handles = p.handles + [n IN row.handles WHERE NOT n IN p.handles],
    p.identifiers = coalesce(p.identifiers, [])
      + [n IN row.identifiers WHERE NOT n IN coalesce(p.identifiers, [])],
    p.home_postcodes = coalesce(p.home_postcodes, [])
      + [n IN row.home_postcodes WHERE NOT n IN coalesce(p.home_postcodes, [])],
    p.home_addresses = coalesce(p.home_addresses, [])
      + [n IN row.home_addresses WHERE NOT n IN coalesce(p.home_addresses, [])],
    p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences],
    p.date_of_birth = coalesce(p.date_of_birth, row.date_of_birth),
    p.birth_year = coalesce(p.birth_year, row.birth_year),
    p.home_local_authority = coalesce(p.home_local_authority, row.home_local_authority),
    p.learning_disability = p.learning_disability OR row.learning_disability,
    p.looked_after = p.looked_after OR row.looked_after,
    p.additional_needs = p.additional_needs OR row.additional_needs,
    p.role = CASE WHEN p.role = 'unknown' THEN row.role ELSE p.role END
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.young_person = row.young_person, m.age = row.age, m.name = row.name,
              m.nicknames = row.nicknames, m.date_of_birth = row.date_of_birth,
              m.role = row.role, m.gender = row.gender,
              m.home_local_authority = row.home_local_authority,
              m.home_address = row.home_address, m.home_postcode = row.home_postcode,
              m.nhs_number = row.nhs_number, m.upn = row.upn, m.pnc_id = row.pnc_id,
              m.pnd_id = row.pnd_id, m.la_child_id = row.la_child_id,
              m.learning_disability = row.learning_disability,
              m.looked_after = row.looked_after, m.additional_needs = row.additional_needs
FOREACH (_ IN CASE WHEN m.young_person AND NOT r.id IN coalesce(p.young_reports, [])
                   THEN [1] ELSE [] END |
  SET p.young_reports = coalesce(p.young_reports, []) + r.id,
      p.young_reports_at = coalesce(p.young_reports_at, []) + r.observed_at)
FOREACH (_ IN CASE WHEN (m.learning_disability OR m.additional_needs)
                        AND NOT r.id IN coalesce(p.needs_reports, [])
                   THEN [1] ELSE [] END |
  SET p.needs_reports = coalesce(p.needs_reports, []) + r.id,
      p.needs_reports_at = coalesce(p.needs_reports_at, []) + r.observed_at)
FOREACH (_ IN CASE WHEN m.age IS NOT NULL AND NOT r.id IN coalesce(p.aged_reports, [])
                   THEN [1] ELSE [] END |
  SET p.aged_reports = coalesce(p.aged_reports, []) + r.id,
      p.aged_reports_at = coalesce(p.aged_reports_at, []) + r.observed_at,
      p.aged_reports_age = coalesce(p.aged_reports_age, []) + m.age)
WITH r, p, m, row,
     right('000000000000' + toString(r.observed_at.epochSeconds), 12)
       + right('000000000' + toString(r.observed_at.nanosecond), 9) + '|' + r.id AS said
SET p.said_first = reduce(acc = coalesce(p.said_first, []), a IN r.audiences
      | CASE WHEN any(e IN acc WHERE substring(e, 59) = a AND left(e, 58) <= said)
             THEN acc ELSE [e IN acc WHERE substring(e, 59) <> a] + (said + '|' + a) END)
FOREACH (_ IN CASE WHEN m.role IS NOT NULL AND m.role <> 'unknown' THEN [1] ELSE [] END |
  SET p.said_first_role = reduce(acc = coalesce(p.said_first_role, []), a IN r.audiences
      | CASE WHEN any(e IN acc WHERE substring(e, 59) = a AND left(e, 58) <= said)
             THEN acc ELSE [e IN acc WHERE substring(e, 59) <> a] + (said + '|' + a) END))
WITH p, row
UNWIND row.keys AS key
MERGE (k:MatchKey {key: key})
MERGE (p)-[:HAS_KEY]->(k)
"""

# A place keeps the areas its reports give (on their MENTIONS): every one given, and the earliest
# and the latest report giving any (and the latest giving a local authority), so detection reads
# them from the place instead of from its every report. It also keeps, for each audience of its
# reports, the earliest report of that audience to mention it (`said_first`), to give it a
# category other than "other" (`said_first_category`) and to give coordinates
# (`said_first_located`), as `when|report id|audience` (when: epoch seconds and nanoseconds, 21
# characters, then the report's 36: the first 58 sort as the reports do by observed_at, then id,
# and the audience starts at the 60th, so nothing splits an entry and no audience's characters
# can be taken for either). The earliest report a caller may see of each kind is the earliest of
# those their audiences hold, so the analyst names a place as that report does without reading
# its every report. A retraction works all of them out again (REFRESH_PLACES). Each is compared
# and set in its own clause, so a batch's rows for one place are taken one after another, from
# what the mention kept.
MERGE_LOCATIONS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (l:Location {id: row.id})
ON CREATE SET l:Entity, l.kind = 'location', l.name = row.name, l.postcode = row.postcode,
              l.category = row.category, l.audiences = [], l.latest_links = [],
              l.latest_links_spans = [],
              l.local_authority = row.local_authority,
              l.police_force_area = row.police_force_area, l.lat = row.lat, l.lon = row.lon
SET l.audiences = l.audiences + [a IN r.audiences WHERE NOT a IN l.audiences],
    l.local_authority = coalesce(l.local_authority, row.local_authority),
    l.police_force_area = coalesce(l.police_force_area, row.police_force_area),
    l.lat = coalesce(l.lat, row.lat), l.lon = coalesce(l.lon, row.lon)
FOREACH (_ IN CASE WHEN row.category IN ['care_home', 'school'] THEN [1] ELSE [] END |
  SET l:Placement)
MERGE (r)-[m:MENTIONS {part: row.part}]->(l)
ON CREATE SET m.name = row.name, m.category = row.category, m.lat = row.lat, m.lon = row.lon,
              m.local_authority = row.local_authority,
              m.police_force_area = row.police_force_area
WITH r, l, m,
     right('000000000000' + toString(r.observed_at.epochSeconds), 12)
       + right('000000000' + toString(r.observed_at.nanosecond), 9) + '|' + r.id AS said
SET l.said_first = reduce(acc = coalesce(l.said_first, []), a IN r.audiences
      | CASE WHEN any(e IN acc WHERE substring(e, 59) = a AND left(e, 58) <= said)
             THEN acc ELSE [e IN acc WHERE substring(e, 59) <> a] + (said + '|' + a) END)
FOREACH (_ IN CASE WHEN m.category <> 'other' THEN [1] ELSE [] END |
  SET l.said_first_category = reduce(acc = coalesce(l.said_first_category, []), a IN r.audiences
      | CASE WHEN any(e IN acc WHERE substring(e, 59) = a AND left(e, 58) <= said)
             THEN acc ELSE [e IN acc WHERE substring(e, 59) <> a] + (said + '|' + a) END))
FOREACH (_ IN CASE WHEN m.lat IS NOT NULL THEN [1] ELSE [] END |
  SET l.said_first_located = reduce(acc = coalesce(l.said_first_located, []), a IN r.audiences
      | CASE WHEN any(e IN acc WHERE substring(e, 59) = a AND left(e, 58) <= said)
             THEN acc ELSE [e IN acc WHERE substring(e, 59) <> a] + (said + '|' + a) END))
WITH r, l, m, [x IN [m.local_authority, m.police_force_area] WHERE x IS NOT NULL] AS given
WHERE size(given) > 0
SET l.areas = reduce(acc = coalesce(l.areas, []), x IN given
                     | CASE WHEN x IN acc THEN acc ELSE acc + x END)
FOREACH (_ IN CASE WHEN l.area_first_at IS NULL OR r.observed_at < l.area_first_at
                        OR (r.observed_at = l.area_first_at AND r.id < l.area_first_report)
                   THEN [1] ELSE [] END |
  SET l.area_first_report = r.id, l.area_first_at = r.observed_at)
FOREACH (_ IN CASE WHEN l.area_latest_at IS NULL OR r.observed_at > l.area_latest_at
                        OR (r.observed_at = l.area_latest_at AND r.id > l.area_latest_report)
                   THEN [1] ELSE [] END |
  SET l.area_latest_report = r.id, l.area_latest_at = r.observed_at,
      l.area_latest_la = m.local_authority, l.area_latest_pfa = m.police_force_area)
FOREACH (_ IN CASE WHEN m.local_authority IS NOT NULL
                        AND (l.la_latest_at IS NULL OR r.observed_at > l.la_latest_at
                             OR (r.observed_at = l.la_latest_at AND r.id > l.la_latest_report))
                   THEN [1] ELSE [] END |
  SET l.la_latest_report = r.id, l.la_latest_at = r.observed_at,
      l.la_latest = m.local_authority)
"""

# Any entity but a person or a place (a car, a phone, a handle, a group) keeps, for each audience
# of its reports, the earliest report of that audience to mention it (`said_first`, as
# MERGE_LOCATIONS keeps a place's), so the analyst names it as that report does without reading
# its every report. For a batch's rows of them, after their mentions are written (a new mention
# locked the entity, so two workers' batches queue); a retraction: REFRESH_FIRST_SAID.
KEEP_FIRST_SAID = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (x:Entity {id: row.id})
WITH r, x,
     right('000000000000' + toString(r.observed_at.epochSeconds), 12)
       + right('000000000' + toString(r.observed_at.nanosecond), 9) + '|' + r.id AS said
SET x.said_first = reduce(acc = coalesce(x.said_first, []), a IN r.audiences
      | CASE WHEN any(e IN acc WHERE substring(e, 59) = a AND left(e, 58) <= said)
             THEN acc ELSE [e IN acc WHERE substring(e, 59) <> a] + (said + '|' + a) END)
"""

# A place with a postcode is located at the postcode's centroid (`tessera geo load`), once: for
# the linking step, with the rows MERGE_LOCATIONS wrote (issue 18). Reference data, so the centroid
# is kept apart from what reports say (their coordinates stay on their MENTIONS).
LOCATE_PLACES_BY_POSTCODE = """
UNWIND $rows AS row
MATCH (l:Location {id: row.id})
WHERE l.postcode IS NOT NULL AND l.centroid_lat IS NULL
MATCH (c:PostcodeCentroid {postcode: l.postcode})
SET l.centroid_lat = c.lat, l.centroid_lon = c.lon
"""

MERGE_VEHICLES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (v:Vehicle {id: row.id})
ON CREATE SET v:Entity, v.kind = 'vehicle', v.name = row.name, v.vrm = row.vrm,
              v.vrm_format = row.vrm_format, v.audiences = [], v.latest_links = [],
              v.latest_links_spans = []
SET v.audiences = v.audiences + [a IN r.audiences WHERE NOT a IN v.audiences],
    v.make = coalesce(v.make, row.make), v.model = coalesce(v.model, row.model),
    v.colour = coalesce(v.colour, row.colour)
MERGE (r)-[m:MENTIONS {part: row.part}]->(v)
ON CREATE SET m.name = row.name
"""

MERGE_PHONES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (p:Phone {id: row.id})
ON CREATE SET p:Entity, p.kind = 'phone', p.name = row.name, p.e164 = row.e164, p.audiences = [],
              p.latest_links = [], p.latest_links_spans = []
SET p.audiences = p.audiences + [a IN r.audiences WHERE NOT a IN p.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(p)
ON CREATE SET m.name = row.name
"""

MERGE_HANDLES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (h:Handle {id: row.id})
ON CREATE SET h:Entity, h.kind = 'handle', h.name = row.name, h.platform = row.platform,
              h.handle = row.handle, h.audiences = [], h.latest_links = [],
              h.latest_links_spans = []
SET h.audiences = h.audiences + [a IN r.audiences WHERE NOT a IN h.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(h)
ON CREATE SET m.name = row.name
"""

MERGE_GROUPS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MERGE (g:Group {id: row.id})
ON CREATE SET g:Entity, g.kind = 'group', g.name = row.name, g.audiences = [],
              g.latest_links = [], g.latest_links_spans = []
SET g.audiences = g.audiences + [a IN r.audiences WHERE NOT a IN g.audiences]
MERGE (r)-[m:MENTIONS {part: row.part}]->(g)
ON CREATE SET m.name = row.name
"""

# A link of each type, one statement a type (graph.py's LINK_WRITES picks one by LinkType). With
# the type a parameter (`$($type)`), one statement served every type, but its MERGE was slow
# against what its own transaction had created, which is where a batch's new people and places
# are (2026-12-03: 500 such links took 16.5 s against 12 to 100 ms typed; 56 to 59% of the
# linking time; bench/RESULTS.md).
MERGE_SEEN_AT_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:SEEN_AT]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_APPROACHED_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:APPROACHED]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_ASSOCIATES_WITH_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:ASSOCIATES_WITH]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_FOUND_WITH_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:FOUND_WITH]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_IN_VEHICLE_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:IN_VEHICLE]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_VEHICLE_SEEN_AT_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:VEHICLE_SEEN_AT]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_USES_PHONE_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:USES_PHONE]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_CONTACTED_BY_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:CONTACTED_BY]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_HAS_HANDLE_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:HAS_HANDLE]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_LINKED_ONLINE_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:LINKED_ONLINE]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_PLACED_AT_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:PLACED_AT]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_FREQUENTS_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:FREQUENTS]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_TENANT_OF_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:TENANT_OF]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_MEMBER_OF_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:MEMBER_OF]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_GROUP_ACTIVE_AT_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:GROUP_ACTIVE_AT]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_PHONE_SEIZED_AT_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:PHONE_SEIZED_AT]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_NO_CONTACT_WITH_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:NO_CONTACT_WITH]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_EXCLUDED_FROM_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:EXCLUDED_FROM]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

MERGE_ATTENDS_LINKS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (a:Entity {id: row.source})
MATCH (b:Entity {id: row.target})
MERGE (a)-[l:ATTENDS]->(b)
ON CREATE SET l.report_ids = [], l.evidence = [], l.detail_entries = [], l.count = 0,
              l.first_seen = r.observed_at, l.last_seen = r.observed_at
WITH r, l, row
WHERE NOT r.id IN l.report_ids
SET l.report_ids = l.report_ids + r.id,
    l.evidence = l.evidence + r.evidence,
    l.detail_entries = CASE WHEN row.detail = '' THEN coalesce(l.detail_entries, [])
                            ELSE coalesce(l.detail_entries, []) + (r.id + ' ' + row.detail) END,
    l.count = l.count + 1,
    l.first_seen = CASE WHEN r.observed_at < l.first_seen THEN r.observed_at ELSE l.first_seen END,
    l.last_seen = CASE WHEN r.observed_at > l.last_seen THEN r.observed_at ELSE l.last_seen END
"""

# Missing episodes, protective orders and premises status: facts, keyed by their report.
# A missing report starts the episode it started before (a replay), else the episode a found
# report linked earlier knows only by its end, when that end is the first after this start and no
# other episode of the child began in between (reports can be linked out of order: a home's late
# report), else an episode of its own.
MERGE_MISSING_STARTED = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
CALL (p, row) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(known:MissingEpisode)
  WHERE known.reported_by = row.report_id
     OR (known.started_at IS NULL AND known.ended_at >= datetime(row.started_at)
         AND NOT EXISTS { MATCH (:MissingEpisode {id: row.id}) }
         AND NOT EXISTS { MATCH (p)-[:WENT_MISSING]->(other:MissingEpisode)
                          WHERE other.started_at > datetime(row.started_at)
                            AND other.started_at <= known.ended_at })
  WITH known ORDER BY known.reported_by = row.report_id DESC, known.ended_at, known.id
  RETURN collect(known.id)[0] AS known_id
}
MERGE (e:MissingEpisode {id: coalesce(known_id, row.id)})
ON CREATE SET e.started_at = datetime(row.started_at), e.reported_by = r.id,
              e.police_risk_grading = row.police_risk_grading, e.audiences = r.audiences
ON MATCH SET e.started_at = coalesce(e.started_at, datetime(row.started_at)),
             e.reported_by = coalesce(e.reported_by, r.id),
             e.police_risk_grading = coalesce(e.police_risk_grading, row.police_risk_grading),
             e.audiences = e.audiences + [a IN r.audiences WHERE NOT a IN e.audiences],
             e.duration_hours = CASE WHEN e.ended_at IS NULL THEN null
                                     ELSE duration.inSeconds(
                                            coalesce(e.started_at, datetime(row.started_at)),
                                            e.ended_at).seconds / 3600.0 END
MERGE (p)-[:WENT_MISSING]->(e)
WITH e, row
OPTIONAL MATCH (l:Location {id: row.placement})
FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (e)-[:MISSING_FROM]->(l))
"""

# A young person leaving, with what they took; the places they left from, for and by.
MERGE_DEPARTURES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
MERGE (d:Departure {id: row.id})
ON CREATE SET d.left_at = datetime(row.left_at),
              d.expected_back = CASE WHEN row.expected_back IS NULL THEN null
                                     ELSE datetime(row.expected_back) END,
              d.meeting = row.meeting, d.carrying = row.carrying, d.money_gbp = row.money_gbp,
              d.transport = row.transport, d.escorted = row.escorted, d.report_id = r.id,
              d.audiences = r.audiences
MERGE (p)-[:DEPARTED]->(d)
WITH d, row
CALL (d, row) {
  OPTIONAL MATCH (l:Location {id: row.left_from})
  FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (d)-[:LEFT_FROM]->(l))
}
CALL (d, row) {
  OPTIONAL MATCH (l:Location {id: row.going_to})
  FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (d)-[:HEADING_TO]->(l))
}
CALL (d, row) {
  OPTIONAL MATCH (l:Location {id: row.departure_point})
  FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (d)-[:LEAVING_BY]->(l))
}
"""

# A found report ends the episode it ended before (a replay), else the child's latest open
# episode that began before the child was found, else an episode known only by its end.
# The adapter sends at most one row per child in a statement, so rows never race for one episode.
END_MISSING_EPISODES = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (p:Person {id: row.child})
CALL (p, row) {
  OPTIONAL MATCH (p)-[:WENT_MISSING]->(open:MissingEpisode)
  WHERE open.ended_by = row.report_id
     OR (open.ended_at IS NULL AND open.started_at <= datetime(row.found_at))
  WITH open ORDER BY open.ended_by = row.report_id DESC, open.started_at DESC
  RETURN collect(open.id)[0] AS found_id
}
MERGE (e:MissingEpisode {id: coalesce(found_id, row.new_id)})
ON CREATE SET e.audiences = r.audiences
SET e.ended_at = datetime(row.found_at), e.ended_by = r.id,
    e.circumstances = row.circumstances, e.condition = row.condition,
    e.items = r.items,
    e.audiences = e.audiences + [a IN r.audiences WHERE NOT a IN e.audiences],
    e.duration_hours = CASE WHEN e.started_at IS NULL THEN null
                            ELSE duration.inSeconds(e.started_at, datetime(row.found_at))
                                 .seconds / 3600.0 END
MERGE (p)-[:WENT_MISSING]->(e)
WITH e, row
OPTIONAL MATCH (l:Location {id: row.place})
FOREACH (_ IN CASE WHEN l IS NULL THEN [] ELSE [1] END | MERGE (e)-[:FOUND_AT]->(l))
WITH DISTINCT e, row
CALL (e, row) {
  UNWIND row.companions AS companion
  MATCH (c:Person {id: companion})
  MERGE (e)-[:FOUND_WITH_PERSON]->(c)
}
"""

MERGE_ORDERS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (s:Person {id: row.subject})
MERGE (o:ProtectiveOrder {id: row.id})
ON CREATE SET o.kind = row.kind, o.issued_on = date(row.issued_on),
              o.expires_on = CASE WHEN row.expires_on IS NULL THEN null
                                  ELSE date(row.expires_on) END,
              o.radius_m = row.radius_m, o.report_id = r.id, o.audiences = r.audiences
MERGE (s)-[:SUBJECT_OF]->(o)
WITH o, row
CALL (o, row) {
  UNWIND row.protected AS pid
  MATCH (p:Person {id: pid})
  MERGE (o)-[:PROTECTS]->(p)
}
CALL (o, row) {
  UNWIND row.areas AS lid
  MATCH (l:Location {id: lid})
  MERGE (o)-[:EXCLUDES]->(l)
}
CALL (o, row) {
  OPTIONAL MATCH (c:Location {id: row.centre})
  FOREACH (_ IN CASE WHEN c IS NULL THEN [] ELSE [1] END | MERGE (o)-[:CENTRED_ON]->(c))
}
"""

# Status only ever turns on; the first report that gave it is kept, with its time.
# Each status keeps the reports that said it, so a retraction can take its part back.
SET_PLACE_STATUS = """
UNWIND $rows AS row
MATCH (r:Report {id: row.report_id})
MATCH (l:Location {id: row.id})
SET l.drugs_house = coalesce(l.drugs_house, false) OR row.drugs_house,
    l.vulnerable_tenant = coalesce(l.vulnerable_tenant, false) OR row.vulnerable_tenant,
    l.cuckooing_suspected = coalesce(l.cuckooing_suspected, false) OR row.cuckooing,
    l.multiple_callers = coalesce(l.multiple_callers, false) OR row.multiple_callers,
    l.drugs_house_reports = CASE WHEN row.drugs_house
      THEN [x IN coalesce(l.drugs_house_reports, []) WHERE x <> r.id] + r.id
      ELSE l.drugs_house_reports END,
    l.vulnerable_tenant_reports = CASE WHEN row.vulnerable_tenant
      THEN [x IN coalesce(l.vulnerable_tenant_reports, []) WHERE x <> r.id] + r.id
      ELSE l.vulnerable_tenant_reports END,
    l.cuckooing_reports = CASE WHEN row.cuckooing
      THEN [x IN coalesce(l.cuckooing_reports, []) WHERE x <> r.id] + r.id
      ELSE l.cuckooing_reports END,
    l.multiple_callers_reports = CASE WHEN row.multiple_callers
      THEN [x IN coalesce(l.multiple_callers_reports, []) WHERE x <> r.id] + r.id
      ELSE l.multiple_callers_reports END
FOREACH (_ IN CASE WHEN row.drugs_house AND (l.drugs_house_since IS NULL
                        OR r.observed_at < l.drugs_house_since) THEN [1] ELSE [] END |
  SET l.drugs_house_since = r.observed_at, l.drugs_house_report = r.id)
"""

MERGE_POSSIBLE_SAME_AS = """
UNWIND $rows AS row
MATCH (a:Person {id: row.source})
MATCH (b:Person {id: row.target})
WHERE NOT (a)-[:NOT_SAME_AS]-(b)
MERGE (a)-[c:POSSIBLE_SAME_AS]->(b)
ON CREATE SET c.id = row.id, c.score = row.score, c.reasons = row.reasons,
              c.report_id = row.report_id, c.status = 'pending'
"""

# The batch's match keys, in one statement: which are too common to find candidates with (more
# people have them than $max_sharing: the degree, from the store), and the rare ones locked until
# the transaction ends (the keys come sorted, so workers take them in one order): a worker given a
# mention of the same new person on another partition waits, then reads the person this batch
# wrote, instead of creating a second one. One row: the common keys, and the rare keys someone
# has with how many have each (a key no one has yet finds no one, so it is left out). A row a key
# cost the driver more than the statement (about 7,800 keys a batch of 500 reports).
CLAIM_MATCH_KEYS = """
UNWIND $keys AS key
MERGE (k:MatchKey {key: key})
WITH k, key, COUNT { (k)<-[:HAS_KEY]-() } AS sharing
WITH k, key, sharing, sharing > $max_sharing AS common
FOREACH (_ IN CASE WHEN common THEN [] ELSE [1] END | SET k.locked = true)
WITH key, common, sharing WHERE sharing > 0
RETURN collect(CASE WHEN common THEN key END) AS common,
       collect(CASE WHEN NOT common THEN key END) AS rare,
       collect(CASE WHEN NOT common THEN sharing END) AS sharing
"""

# For each mention of the batch, the `$limit` people it shares the most of its rare blocking
# keys with, weighed by rarity (`$weights`: each key's pool.key_weight, from CLAIM_MATCH_KEYS'
# `sharing`), then by how many, then by id: the order PersonPool.candidates ranks them in, so
# the pool built from this read gives each mention the candidates one query per mention would.
# Each person once, with the keys they share with the mentions that ranked them. Reading only
# these, not everyone sharing a weak key (a date of birth, an initial and surname sound), keeps
# a mention's read small as the graph grows. `different_from`: the people analysts said each is
# not (a split's NOT_SAME_AS, a candidate rejected as `different`). A person an analyst's `same`
# merged into another (labelled Merged) is no one: the one it was merged into has its names and
# keys.
PEOPLE_SHARING_KEYS = """
UNWIND range(0, size($mentions) - 1) AS mention
UNWIND $mentions[mention] AS key
MATCH (:MatchKey {key: key})<-[:HAS_KEY]-(p:Person)
WHERE NOT p:Merged
WITH mention, p, collect(key) AS keys
WITH mention, p, keys, reduce(weight = 0, k IN keys | weight + $weights[k]) AS weight
ORDER BY weight DESC, size(keys) DESC, p.id
WITH mention, collect({person: p, keys: keys})[..$limit] AS ranked
UNWIND ranked AS found
WITH found.person AS p, collect(found.keys) AS lists
WITH p, reduce(acc = [], keys IN lists | acc + [k IN keys WHERE NOT k IN acc]) AS keys
RETURN collect({
  id: p.id, names: p.names, nicknames: p.nicknames,
  date_of_birth: p.date_of_birth, birth_year: p.birth_year, phones: p.phones, handles: p.handles,
  identifiers: coalesce(p.identifiers, []), home_postcodes: coalesce(p.home_postcodes, []),
  home_addresses: coalesce(p.home_addresses, []), keys: keys,
  different_from: [(p)-[:NOT_SAME_AS]-(o:Person) | o.id]
    + [(p)-[:POSSIBLE_SAME_AS {status: 'rejected'}]-(o:Person) | o.id],
  pending: [(p)-[:POSSIBLE_SAME_AS {status: 'pending'}]-(o:Person)
            WHERE NOT o:Merged | o.id]}) AS people
"""

# People by id (open candidates of the people above that share none of the batch's keys), in
# the columns PEOPLE_SHARING_KEYS gives.
PEOPLE_BY_IDS = """
UNWIND $ids AS person_id
MATCH (p:Person {id: person_id})
WHERE NOT p:Merged
WITH p, [] AS keys
RETURN collect({
  id: p.id, names: p.names, nicknames: p.nicknames,
  date_of_birth: p.date_of_birth, birth_year: p.birth_year, phones: p.phones, handles: p.handles,
  identifiers: coalesce(p.identifiers, []), home_postcodes: coalesce(p.home_postcodes, []),
  home_addresses: coalesce(p.home_addresses, []), keys: keys,
  different_from: [(p)-[:NOT_SAME_AS]-(o:Person) | o.id]
    + [(p)-[:POSSIBLE_SAME_AS {status: 'rejected'}]-(o:Person) | o.id],
  pending: [(p)-[:POSSIBLE_SAME_AS {status: 'pending'}]-(o:Person)
            WHERE NOT o:Merged | o.id]}) AS people
"""

# What reports written before mention, for their entities.linked events again.
ENTITIES_OF_REPORTS = """
UNWIND $report_ids AS report_id
MATCH (:Report {id: report_id})-[:MENTIONS]->(e:Entity)
WITH report_id, collect(DISTINCT [e.kind, e.id]) AS entities
RETURN collect({report_id: report_id, entities: entities}) AS reports
"""

# ---------------------------------------------------------------- replay

# Report-derived data only: audit entries and analysts' decisions are kept and re-applied.
DELETE_GRAPH_BATCH = """
MATCH (n)
WHERE n:Report OR n:Entity OR n:MatchKey OR n:MissingEpisode OR n:ProtectiveOrder
   OR n:Departure
WITH n LIMIT $batch
DETACH DELETE n
RETURN count(*) AS deleted
"""

DECISIONS_IN_ORDER = """
MATCH (d:ResolutionDecision)
RETURN d.id AS id, d.candidate_id AS candidate_id, d.decision AS decision,
       d.person_a AS person_a, d.person_b AS person_b, d.report_ids AS report_ids,
       d.reason AS reason, d.decided_by AS decided_by, d.agency AS agency,
       toString(d.decided_at) AS decided_at
ORDER BY d.decided_at, d.id
"""

# ---------------------------------------------------------------- retraction (one transaction)

# The report is kept, marked; the first retraction's who, when and why stand. A retraction that
# arrives before its report leaves a node the report fills in later (see MERGE_REPORTS).
MARK_RETRACTED = """
MERGE (r:Report {id: $retraction.report_id})
SET r.retracted = true,
    r.retraction_id = coalesce(r.retraction_id, $retraction.id),
    r.retracted_at = coalesce(r.retracted_at, datetime($retraction.at)),
    r.retracted_by = coalesce(r.retracted_by, $retraction.by),
    r.retracted_by_agency = coalesce(r.retracted_by_agency, $retraction.agency),
    r.retraction_reason = coalesce(r.retraction_reason, $retraction.reason)
WITH r
OPTIONAL MATCH (r)-[:MENTIONS]->(x:Entity)
RETURN collect(DISTINCT x.id) AS mentioned
"""

# A retracted report's part in premises' statuses: each stands on the reports that remain, and
# drugs-house status dates from the earliest of them. (Statuses written before the reports
# behind them were kept have no lists, and stay.)
WITHDRAW_PLACE_STATUS = """
MATCH (:Report {id: $report_id})-[:MENTIONS]->(l:Location)
WHERE $report_id IN coalesce(l.drugs_house_reports, []) + coalesce(l.vulnerable_tenant_reports, [])
                    + coalesce(l.cuckooing_reports, []) + coalesce(l.multiple_callers_reports, [])
SET l.drugs_house_reports = [x IN coalesce(l.drugs_house_reports, []) WHERE x <> $report_id],
    l.vulnerable_tenant_reports =
      [x IN coalesce(l.vulnerable_tenant_reports, []) WHERE x <> $report_id],
    l.cuckooing_reports = [x IN coalesce(l.cuckooing_reports, []) WHERE x <> $report_id],
    l.multiple_callers_reports =
      [x IN coalesce(l.multiple_callers_reports, []) WHERE x <> $report_id]
SET l.drugs_house = size(l.drugs_house_reports) > 0,
    l.vulnerable_tenant = size(l.vulnerable_tenant_reports) > 0,
    l.cuckooing_suspected = size(l.cuckooing_reports) > 0,
    l.multiple_callers = size(l.multiple_callers_reports) > 0
WITH l
CALL (l) {
  OPTIONAL MATCH (s:Report) WHERE s.id IN l.drugs_house_reports
  WITH s ORDER BY s.observed_at, s.id
  RETURN collect(s)[0] AS first
}
SET l.drugs_house_since = first.observed_at, l.drugs_house_report = first.id
"""

# A link joins two entities its report mentions (MENTIONS stay after a retraction and move
# with a split), so every link citing the report is found from them.
WITHDRAW_LINKS = """
MATCH (r:Report {id: $report_id})-[:MENTIONS]->(:Entity)-[l]->(:Entity)
WHERE $report_id IN coalesce(l.report_ids, [])
WITH DISTINCT l
SET l.report_ids = [x IN l.report_ids WHERE x <> $report_id],
    l.evidence = [e IN l.evidence WHERE split(e, '|')[$evidence.report_id] <> $report_id],
    l.detail_entries = [x IN coalesce(l.detail_entries, []) WHERE left(x, 36) <> $report_id]
SET l.count = size(l.report_ids)
WITH l
CALL (l) {
  MATCH (r:Report) WHERE r.id IN l.report_ids
  RETURN min(r.observed_at) AS first, max(r.observed_at) AS last
}
SET l.first_seen = first, l.last_seen = last
WITH l WHERE l.count = 0
DELETE l
"""

# The areas reports give each place, worked out again from the reports that mention it and are
# not retracted (as MERGE_LOCATIONS keeps them): for the places a retraction touched, and by the
# schema migration for places linked before they were kept. The place is locked (written) before
# its reports are read, so a report another worker links to it meanwhile is either read here or
# added after this is written, never lost between the two.
REFRESH_PLACES = """
UNWIND $ids AS id
MATCH (l:Location {id: id})
SET l.areas = []
WITH l
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
WITH l
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
"""

# What KEEP_FIRST_SAID keeps, worked out again from the reports that mention each entity and are
# not retracted: for the entities a retraction touched (a place's is REFRESH_PLACES's). The
# entity is locked (written) before its reports are read.
REFRESH_FIRST_SAID = """
UNWIND $ids AS id
MATCH (x:Entity {id: id})
WHERE NOT x:Person AND NOT x:Location
SET x.said_first = []
WITH x
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
"""

# Who may see each entity: the audiences of the reports that mention it and are not retracted
# (none left: nobody). Run for the entities a retraction touched.
REFRESH_AUDIENCES = """
UNWIND $ids AS id
MATCH (x:Entity {id: id})
CALL (x) {
  OPTIONAL MATCH (r:Report)-[:MENTIONS]->(x)
  WHERE r.retracted IS NULL
  WITH collect(r.audiences) AS lists
  RETURN reduce(acc = [], a IN reduce(flat = [], l IN lists | flat + l)
                | CASE WHEN a IN acc THEN acc ELSE acc + a END) AS audiences
}
SET x.audiences = audiences
"""
