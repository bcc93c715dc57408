-- The MinHash signature of each case's request core, written when the case is stored, so that
-- screening a large identity cluster reads its members' signatures instead of signing
-- thousands of texts (docs/screening.md, intake benchmark). `text_key` is a stable hash of the
-- text and of the signing scheme: a row whose key no longer matches is signed again.
CREATE TABLE case_signatures (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id),
    text_key BIGINT NOT NULL,
    signature BYTEA NOT NULL
);
