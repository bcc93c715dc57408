DROP TABLE filing_suggestions;
