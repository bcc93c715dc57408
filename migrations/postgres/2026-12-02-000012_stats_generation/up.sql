-- A counter that moves with everything the reconsideration statistics and table 四 of the
-- annual report read: a case's agency, a concluded
-- case's agency, disposition and dates, the reconsiderations and suits, the holiday calendar (working
-- days) and the agencies (names). Triggers move it in the transaction of the change, whatever
-- writes it; the server keeps computed statistics tagged with the counter they were read at
-- and serves them again while it has not moved. Filing and handling open cases leave it
-- alone (no lock on its row): the statistics count only what has concluded.
CREATE TABLE stats_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO stats_generation (id, generation) VALUES (1, 0);

CREATE FUNCTION stats_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE stats_generation SET generation = generation + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER stats_cases_insert AFTER INSERT ON cases FOR EACH ROW
    WHEN (NEW.concluded_on IS NOT NULL OR NEW.disposition IS NOT NULL)
    EXECUTE FUNCTION stats_generation_bump();
CREATE TRIGGER stats_cases_update AFTER UPDATE ON cases FOR EACH ROW
    WHEN (OLD.agency_id IS DISTINCT FROM NEW.agency_id
      OR ((OLD.concluded_on IS NOT NULL OR NEW.concluded_on IS NOT NULL
           OR OLD.disposition IS DISTINCT FROM NEW.disposition)
      AND (OLD.disposition IS DISTINCT FROM NEW.disposition
           OR OLD.received_on IS DISTINCT FROM NEW.received_on
           OR OLD.due_on IS DISTINCT FROM NEW.due_on
           OR OLD.concluded_on IS DISTINCT FROM NEW.concluded_on)))
    EXECUTE FUNCTION stats_generation_bump();
CREATE TRIGGER stats_cases_delete AFTER DELETE ON cases FOR EACH ROW
    WHEN (OLD.concluded_on IS NOT NULL OR OLD.disposition IS NOT NULL)
    EXECUTE FUNCTION stats_generation_bump();
CREATE TRIGGER stats_reconsiderations AFTER INSERT OR UPDATE OR DELETE ON reconsiderations
    FOR EACH STATEMENT EXECUTE FUNCTION stats_generation_bump();
CREATE TRIGGER stats_calendar AFTER INSERT OR UPDATE OR DELETE ON calendar_years
    FOR EACH STATEMENT EXECUTE FUNCTION stats_generation_bump();
CREATE TRIGGER stats_agencies AFTER INSERT OR UPDATE OR DELETE ON agencies
    FOR EACH STATEMENT EXECUTE FUNCTION stats_generation_bump();
CREATE TRIGGER stats_litigations AFTER INSERT OR UPDATE OR DELETE ON litigations
    FOR EACH STATEMENT EXECUTE FUNCTION stats_generation_bump();
