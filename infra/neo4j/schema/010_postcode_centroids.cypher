// Postcode centroids from the ONS Postcode Directory (`tessera geo load FILE`, issue 18): reference
// data, not intelligence. A place with a postcode is located at its centroid (centroid_lat and
// centroid_lon), kept apart from the coordinates a report gives (each report's own, on its
// MENTIONS), so the map can place every place a caller may see.
CREATE CONSTRAINT postcode_centroid IF NOT EXISTS FOR (c:PostcodeCentroid) REQUIRE c.postcode IS UNIQUE;
CREATE INDEX location_postcode IF NOT EXISTS FOR (l:Location) ON (l.postcode);
