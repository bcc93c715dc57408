CREATE INDEX cases_id_number_hash_alone ON cases (id_number_hash);
DROP INDEX cases_id_number_hash;
ALTER INDEX cases_id_number_hash_alone RENAME TO cases_id_number_hash;

CREATE INDEX case_applicants_phone_alone ON case_applicants (phone_hash) WHERE phone_hash IS NOT NULL;
DROP INDEX case_applicants_phone;
ALTER INDEX case_applicants_phone_alone RENAME TO case_applicants_phone;

CREATE INDEX case_applicants_email_alone ON case_applicants (email_hash) WHERE email_hash IS NOT NULL;
DROP INDEX case_applicants_email;
ALTER INDEX case_applicants_email_alone RENAME TO case_applicants_email;

CREATE INDEX case_applicants_address_alone ON case_applicants (address_hash) WHERE address_hash IS NOT NULL;
DROP INDEX case_applicants_address;
ALTER INDEX case_applicants_address_alone RENAME TO case_applicants_address;
