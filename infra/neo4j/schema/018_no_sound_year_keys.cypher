// A person's blocking keys no longer hold a name's sound with the year of birth alone
// (`sound_year:<sound>:<year>`, issue 17): in a large population tens of people share one, so it
// made a quarter to a third of every mention's candidate reads (services/network/matching.py
// `_name_keys`; bench/RESULTS.md, "One blocking key fewer"). Nothing reads those keys any more;
// this removes them and their HAS_KEY links, 1,000 to a transaction. Safe to re-run: it finds
// none the second time.
MATCH (k:MatchKey)
WHERE k.key STARTS WITH 'sound_year:'
CALL (k) {
  DETACH DELETE k
} IN TRANSACTIONS OF 1000 ROWS;
