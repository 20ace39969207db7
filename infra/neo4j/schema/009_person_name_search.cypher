// Person search by any word of a name, nickname or alias (issue 18): each report's mention of a
// person keeps what that report called them (name as given, nicknames and aliases normalised),
// so a hit can be kept only when the report it came from is one the caller may see. No stop
// words: "Will" and "An" are names.
CREATE FULLTEXT INDEX mention_names IF NOT EXISTS
FOR ()-[m:MENTIONS]-() ON EACH [m.name, m.nicknames]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-no-stop-words'}};
