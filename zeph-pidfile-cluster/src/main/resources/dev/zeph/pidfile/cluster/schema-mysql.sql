-- The cluster lock's fencing tokens on MySQL and MariaDB: one row per lock name, its token raised
-- by each new holder right after it locks, in InnoDB, whose row locks order the increment after
-- every transaction that checked an earlier token. The user the lock logs in as needs SELECT,
-- INSERT and UPDATE on it; a user whose transactions check their token needs SELECT. The names
-- compare byte for byte, as lock names do; acquired_at is in UTC.
CREATE TABLE IF NOT EXISTS zeph_lock_fence (
    name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY,
    token BIGINT NOT NULL,
    holder VARCHAR(255) NOT NULL,
    acquired_at DATETIME(6) NOT NULL
) ENGINE = InnoDB;
