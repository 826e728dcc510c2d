-- The cluster lock's fencing tokens: one row per lock name, its token raised by each new holder
-- right after it locks. The role the lock logs in as needs SELECT, INSERT and UPDATE on it; a
-- role whose transactions check their token needs SELECT and UPDATE (PostgreSQL asks UPDATE of a
-- row locked FOR SHARE).
CREATE TABLE IF NOT EXISTS zeph_lock_fence (
    name TEXT NOT NULL PRIMARY KEY,
    token BIGINT NOT NULL,
    holder TEXT NOT NULL,
    acquired_at TIMESTAMP WITH TIME ZONE NOT NULL
);
