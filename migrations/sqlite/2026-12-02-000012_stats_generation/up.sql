-- A counter that moves with everything the reconsideration statistics and table 四 of the
-- annual report read: a case's agency, a concluded
-- case's agency, disposition and dates, the reconsiderations and suits, the holiday calendar (working
-- days) and the agencies (names). Triggers move it in the transaction of the change, whatever
-- writes it; the server keeps computed statistics tagged with the counter they were read at
-- and serves them again while it has not moved. Filing and handling open cases leave it
-- alone: the statistics count only what has concluded.
CREATE TABLE stats_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation INTEGER NOT NULL
);
INSERT INTO stats_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER stats_cases_insert AFTER INSERT ON cases
WHEN NEW.concluded_on IS NOT NULL OR NEW.disposition IS NOT NULL
BEGIN
    UPDATE stats_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER stats_cases_update AFTER UPDATE ON cases
WHEN OLD.agency_id IS NOT NEW.agency_id
  OR ((OLD.concluded_on IS NOT NULL OR NEW.concluded_on IS NOT NULL
       OR OLD.disposition IS NOT NEW.disposition)
  AND (OLD.disposition IS NOT NEW.disposition
      OR OLD.received_on IS NOT NEW.received_on
      OR OLD.due_on IS NOT NEW.due_on
      OR OLD.concluded_on IS NOT NEW.concluded_on))
BEGIN
    UPDATE stats_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER stats_cases_delete AFTER DELETE ON cases
WHEN OLD.concluded_on IS NOT NULL OR OLD.disposition IS NOT NULL
BEGIN
    UPDATE stats_generation SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER stats_reconsiderations_insert AFTER INSERT ON reconsiderations
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_reconsiderations_update AFTER UPDATE ON reconsiderations
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_reconsiderations_delete AFTER DELETE ON reconsiderations
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_calendar_insert AFTER INSERT ON calendar_years
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_calendar_update AFTER UPDATE ON calendar_years
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_calendar_delete AFTER DELETE ON calendar_years
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_agencies_insert AFTER INSERT ON agencies
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_agencies_update AFTER UPDATE ON agencies
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_agencies_delete AFTER DELETE ON agencies
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_litigations_insert AFTER INSERT ON litigations
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_litigations_update AFTER UPDATE ON litigations
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
CREATE TRIGGER stats_litigations_delete AFTER DELETE ON litigations
BEGIN UPDATE stats_generation SET generation = generation + 1 WHERE id = 1; END;
