-- Table 三 of the annual report, kept as counts: how many cases of each agency, applicant
-- category and disposition were received in one year and concluded in another (9999: not yet
-- concluded; '' : no disposition yet). Any year's table 三 is a sum over these rows: received
-- before the year = carried over, in it = new; concluded in it = counted by disposition, after
-- it (or not yet) = carried forward. A province's report then reads thousands of rows, not a
-- million cases.
--
-- Triggers keep the counts in the transaction of every change to a case, whatever writes it
-- (the services, `yishen import`, `yishen demo generate`, an operator's SQL), by appending
-- +1/-1 rows to `report_tally_deltas`; a periodic job folds the deltas into `report_tallies`.
-- Appending instead of updating one row per key keeps concurrent filings at one agency from
-- queueing on the same row (PostgreSQL). `yishen report verify` recounts the cases and
-- compares.
CREATE TABLE report_tallies (
    agency_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    disposition TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    concluded_year INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (agency_id, category, disposition, received_year, concluded_year)
);

CREATE TABLE report_tally_deltas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    agency_id INTEGER NOT NULL,
    category TEXT NOT NULL,
    disposition TEXT NOT NULL,
    received_year INTEGER NOT NULL,
    concluded_year INTEGER NOT NULL,
    n INTEGER NOT NULL
);

INSERT INTO report_tallies (agency_id, category, disposition, received_year, concluded_year, n)
SELECT agency_id, applicant_category, COALESCE(disposition, ''),
       CAST(substr(received_on, 1, 4) AS INTEGER),
       COALESCE(CAST(substr(concluded_on, 1, 4) AS INTEGER), 9999),
       COUNT(*)
FROM cases WHERE received_on IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER cases_tally_insert AFTER INSERT ON cases WHEN NEW.received_on IS NOT NULL
BEGIN
    INSERT INTO report_tally_deltas (agency_id, category, disposition, received_year, concluded_year, n)
    VALUES (NEW.agency_id, NEW.applicant_category, COALESCE(NEW.disposition, ''),
            CAST(substr(NEW.received_on, 1, 4) AS INTEGER),
            COALESCE(CAST(substr(NEW.concluded_on, 1, 4) AS INTEGER), 9999), 1);
END;

CREATE TRIGGER cases_tally_update AFTER UPDATE ON cases
WHEN OLD.agency_id IS NOT NEW.agency_id
  OR OLD.applicant_category IS NOT NEW.applicant_category
  OR OLD.disposition IS NOT NEW.disposition
  OR OLD.received_on IS NOT NEW.received_on
  OR OLD.concluded_on IS NOT NEW.concluded_on
BEGIN
    INSERT INTO report_tally_deltas (agency_id, category, disposition, received_year, concluded_year, n)
    SELECT OLD.agency_id, OLD.applicant_category, COALESCE(OLD.disposition, ''),
           CAST(substr(OLD.received_on, 1, 4) AS INTEGER),
           COALESCE(CAST(substr(OLD.concluded_on, 1, 4) AS INTEGER), 9999), -1
    WHERE OLD.received_on IS NOT NULL;
    INSERT INTO report_tally_deltas (agency_id, category, disposition, received_year, concluded_year, n)
    SELECT NEW.agency_id, NEW.applicant_category, COALESCE(NEW.disposition, ''),
           CAST(substr(NEW.received_on, 1, 4) AS INTEGER),
           COALESCE(CAST(substr(NEW.concluded_on, 1, 4) AS INTEGER), 9999), 1
    WHERE NEW.received_on IS NOT NULL;
END;

CREATE TRIGGER cases_tally_delete AFTER DELETE ON cases WHEN OLD.received_on IS NOT NULL
BEGIN
    INSERT INTO report_tally_deltas (agency_id, category, disposition, received_year, concluded_year, n)
    VALUES (OLD.agency_id, OLD.applicant_category, COALESCE(OLD.disposition, ''),
            CAST(substr(OLD.received_on, 1, 4) AS INTEGER),
            COALESCE(CAST(substr(OLD.concluded_on, 1, 4) AS INTEGER), 9999), -1);
END;
