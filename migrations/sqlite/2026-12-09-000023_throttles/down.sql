DROP TABLE account_events;
DROP TABLE throttles;
