DROP INDEX letters_pending;
ALTER TABLE letters DROP COLUMN pending;
