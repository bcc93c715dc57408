DROP TRIGGER stats_litigations ON litigations;
DROP TRIGGER stats_agencies ON agencies;
DROP TRIGGER stats_calendar ON calendar_years;
DROP TRIGGER stats_reconsiderations ON reconsiderations;
DROP TRIGGER stats_cases_delete ON cases;
DROP TRIGGER stats_cases_update ON cases;
DROP TRIGGER stats_cases_insert ON cases;
DROP FUNCTION stats_generation_bump();
DROP TABLE stats_generation;
