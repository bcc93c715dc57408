-- A letter is numbered, checked and recorded in the transaction of the action that issues it,
-- and its PDF is rendered after that transaction commits: `pending` holds the values it prints
-- (JSON: variant, number, fields) until the PDF and its SHA-256 are stored, so that the write
-- lock is never held while a PDF is compressed. Whoever needs the PDF first (the renderer that
-- follows the commits, a download, the verification page) renders it from exactly these values.
ALTER TABLE letters ADD COLUMN pending TEXT;
CREATE INDEX letters_pending ON letters (id) WHERE pending IS NOT NULL;
