DROP TABLE calendar_years;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE agencies;
