DROP TABLE agency_seals;
