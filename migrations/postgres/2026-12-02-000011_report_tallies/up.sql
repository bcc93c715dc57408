-- Table 三 of the annual report, kept as counts: how many cases of each agency, applicant
-- category and disposition were received in one year and concluded in another (9999: not yet
-- concluded; '' : no disposition yet). Any year's table 三 is a sum over these rows: received
-- before the year = carried over, in it = new; concluded in it = counted by disposition, after
-- it (or not yet) = carried forward. A province's report then reads thousands of rows, not a
-- million cases.
--
-- A trigger keeps the counts in the transaction of every change to a case, whatever writes it
-- (the services, `yishen import`, `yishen demo generate`, an operator's SQL), by appending
-- +1/-1 rows to `report_tally_deltas`; a periodic job folds the deltas into `report_tallies`.
-- Appending instead of updating one row per key keeps concurrent filings at one agency from
-- queueing on the same row's lock. `yishen report verify` recounts the cases and compares.
CREATE TABLE report_tallies (
    agency_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    disposition TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    concluded_year INTEGER NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (agency_id, category, disposition, received_year, concluded_year)
);

CREATE TABLE report_tally_deltas (
    id BIGSERIAL PRIMARY KEY,
    agency_id BIGINT NOT NULL,
    category TEXT NOT NULL,
    disposition TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    concluded_year INTEGER NOT NULL,
    n BIGINT NOT NULL
);

INSERT INTO report_tallies (agency_id, category, disposition, received_year, concluded_year, n)
SELECT agency_id, applicant_category, COALESCE(disposition, ''),
       EXTRACT(YEAR FROM received_on)::INTEGER,
       COALESCE(EXTRACT(YEAR FROM concluded_on)::INTEGER, 9999),
       COUNT(*)
FROM cases WHERE received_on IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

CREATE FUNCTION cases_report_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.received_on IS NOT NULL THEN
        INSERT INTO report_tally_deltas (agency_id, category, disposition, received_year, concluded_year, n)
        VALUES (OLD.agency_id, OLD.applicant_category, COALESCE(OLD.disposition, ''),
                EXTRACT(YEAR FROM OLD.received_on)::INTEGER,
                COALESCE(EXTRACT(YEAR FROM OLD.concluded_on)::INTEGER, 9999), -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.received_on IS NOT NULL THEN
        INSERT INTO report_tally_deltas (agency_id, category, disposition, received_year, concluded_year, n)
        VALUES (NEW.agency_id, NEW.applicant_category, COALESCE(NEW.disposition, ''),
                EXTRACT(YEAR FROM NEW.received_on)::INTEGER,
                COALESCE(EXTRACT(YEAR FROM NEW.concluded_on)::INTEGER, 9999), 1);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER cases_tally_insert_delete AFTER INSERT OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION cases_report_tally();
CREATE TRIGGER cases_tally_update AFTER UPDATE ON cases
    FOR EACH ROW
    WHEN (OLD.agency_id IS DISTINCT FROM NEW.agency_id
       OR OLD.applicant_category IS DISTINCT FROM NEW.applicant_category
       OR OLD.disposition IS DISTINCT FROM NEW.disposition
       OR OLD.received_on IS DISTINCT FROM NEW.received_on
       OR OLD.concluded_on IS DISTINCT FROM NEW.concluded_on)
    EXECUTE FUNCTION cases_report_tally();
