-- Screening follows an applicant's identity cluster through its keyed hashes, each look-up the
-- newest 500 cases sharing one hash (yishen_store's `flag::cluster_members`). These indexes
-- ended in the row's position in the heap, not in the case id, so a person with 2,000
-- applications had all 2,000 rows fetched from the heap and sorted to keep the newest 500
-- (0.31 ms on average on a 34,200-case probe, against 0.04 ms after), a cost that grows with
-- the applicant's history, where the screening of a filing is bounded whatever the history
-- (docs/screening.md, intake benchmark). With the case id as the index's last column the
-- newest 500 are read from the index, in order. SQLite's indexes end in the rowid,
-- which is the case id in both tables, so its tree needs nothing (its migration of this name).
-- The indexes are built while the migration holds the tables: seconds at 10⁶ cases.
CREATE INDEX cases_id_number_hash_newest ON cases (id_number_hash, id);
DROP INDEX cases_id_number_hash;
ALTER INDEX cases_id_number_hash_newest RENAME TO cases_id_number_hash;

CREATE INDEX case_applicants_phone_newest ON case_applicants (phone_hash, case_id) WHERE phone_hash IS NOT NULL;
DROP INDEX case_applicants_phone;
ALTER INDEX case_applicants_phone_newest RENAME TO case_applicants_phone;

CREATE INDEX case_applicants_email_newest ON case_applicants (email_hash, case_id) WHERE email_hash IS NOT NULL;
DROP INDEX case_applicants_email;
ALTER INDEX case_applicants_email_newest RENAME TO case_applicants_email;

CREATE INDEX case_applicants_address_newest ON case_applicants (address_hash, case_id) WHERE address_hash IS NOT NULL;
DROP INDEX case_applicants_address;
ALTER INDEX case_applicants_address_newest RENAME TO case_applicants_address;
