-- The values a letter prints, kept after its PDF is rendered: the letter's event carries
-- their hash, so `yishen audit verify` can tell when what a letter says was changed.
ALTER TABLE letters ADD COLUMN printed TEXT;
