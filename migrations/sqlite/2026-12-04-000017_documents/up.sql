-- Documents of a case (uploads by applicants, clerks, handlers and reconsideration bodies).
-- The content lives in the blob store under its SHA-256, one copy per content whatever
-- number of rows name it; a row is what the content is to this case: its purpose, the name
-- it is shown under, the type decided from the content, who added it and when. A row whose
-- `sent_to_applicant` is set was sent to the applicant (released with a reply), who may then
-- read it; what the applicant sent themselves they always may.
-- The blob store is not transactional: a content whose upload failed after it was stored is
-- named by no row and is removed by the purge.
CREATE TABLE documents (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    case_id INTEGER NOT NULL REFERENCES cases (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('identity_proof', 'supporting', 'correction',
        'paper_application', 'envelope', 'opinion', 'provided', 'decision')),
    name TEXT NOT NULL,
    media_type TEXT NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png',
        'application/ofd',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/plain')),
    size BIGINT NOT NULL CHECK (size >= 0),
    sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
    uploaded_by INTEGER NOT NULL REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    sent_to_applicant BOOLEAN NOT NULL DEFAULT FALSE,
    -- Set when the document's retention period ended and it was removed (`yishen documents
    -- purge`): the row and its event stay as the record that it existed.
    purged_at TIMESTAMP
);
CREATE INDEX documents_case ON documents (case_id, id);
CREATE INDEX documents_sha256 ON documents (sha256);

-- Every download of a document (documents carry personal data: identity papers, addresses,
-- third parties' names): who read it and when.
CREATE TABLE document_downloads (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    downloaded_at TIMESTAMP NOT NULL
);
CREATE INDEX document_downloads_document ON document_downloads (document_id);
