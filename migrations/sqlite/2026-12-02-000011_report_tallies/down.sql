DROP TRIGGER cases_tally_delete;
DROP TRIGGER cases_tally_update;
DROP TRIGGER cases_tally_insert;
DROP TABLE report_tally_deltas;
DROP TABLE report_tallies;
