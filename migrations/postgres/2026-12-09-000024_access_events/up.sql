-- Who saw an applicant's personal data in full, or the dossier of their applications, when,
-- and in which case (个人信息保护法 access log), for the agency's administrator.
CREATE TABLE access_events (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    case_id BIGINT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('personal_data', 'dossier')),
    at TIMESTAMP NOT NULL
);
CREATE INDEX access_events_case ON access_events (case_id, at);
CREATE INDEX access_events_at ON access_events (at);
