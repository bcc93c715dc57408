DROP TABLE reading_room_events;
DROP TABLE reading_room_documents;
DROP TABLE reading_room_entries;
