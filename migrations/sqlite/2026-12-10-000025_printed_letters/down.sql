ALTER TABLE letters DROP COLUMN printed;
