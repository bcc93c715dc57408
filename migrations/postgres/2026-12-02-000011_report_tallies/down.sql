DROP TRIGGER cases_tally_update ON cases;
DROP TRIGGER cases_tally_insert_delete ON cases;
DROP FUNCTION cases_report_tally();
DROP TABLE report_tally_deltas;
DROP TABLE report_tallies;
