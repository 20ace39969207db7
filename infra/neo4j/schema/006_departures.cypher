// A young person leaving a home or school (YoungPersonDeparted, P21): one node per departure.
CREATE CONSTRAINT departure_id IF NOT EXISTS FOR (d:Departure) REQUIRE d.id IS UNIQUE;
