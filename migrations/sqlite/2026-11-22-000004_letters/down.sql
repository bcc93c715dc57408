DROP TABLE letter_series;
DROP TABLE letters;
