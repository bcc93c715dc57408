-- The redaction log: one row per box burned into a released copy of the information provided
-- (条例37). Each says where (page, and the rectangle in hundredths of a point from the page's
-- top-left, exact integers), on which ground (a withheld_* code of the letter's catalogue), who
-- released it and when, from which content to which. The reply's withheld parts are read from
-- here, so the letter and the released file say the same. What lay under a box is never kept.
CREATE TABLE redactions (
    id BIGSERIAL PRIMARY KEY NOT NULL,
    case_id BIGINT NOT NULL REFERENCES cases (id),
    source_document_id BIGINT NOT NULL REFERENCES documents (id),
    released_document_id BIGINT NOT NULL REFERENCES documents (id),
    box_no INTEGER NOT NULL CHECK (box_no >= 1),
    page INTEGER NOT NULL CHECK (page >= 1),
    x_centipoints BIGINT NOT NULL CHECK (x_centipoints >= 0),
    y_centipoints BIGINT NOT NULL CHECK (y_centipoints >= 0),
    width_centipoints BIGINT NOT NULL CHECK (width_centipoints > 0),
    height_centipoints BIGINT NOT NULL CHECK (height_centipoints > 0),
    ground TEXT NOT NULL CHECK (ground LIKE 'withheld_%'),
    source_sha256 TEXT NOT NULL CHECK (length(source_sha256) = 64),
    released_sha256 TEXT NOT NULL CHECK (length(released_sha256) = 64),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX redactions_case ON redactions (case_id, released_document_id, box_no);
