-- Group event sign-ups ride the bookings table (the same stored, idempotent, tagged path): the
-- YCLIENTS activity id (NULL for an individual booking) and the seats taken (1 for a booking).
ALTER TABLE bookings ADD COLUMN activity_id BIGINT;
ALTER TABLE bookings ADD COLUMN seats BIGINT NOT NULL DEFAULT 1;
