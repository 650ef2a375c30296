-- Login-failure counters and API request counts, kept here so that every
-- replica counts against the same limits and a restart forgets nothing.
-- Their writes commit without waiting for the WAL flush (synchronous_commit
-- off, per transaction): a database crash may lose the last fraction of a
-- second of counts, and no login waits on a disk flush for them.

-- One row per login-limit key (client address, or address and account).
-- in_flight attempts are reserved until hold_until, so that a replica that
-- dies mid-login cannot leave a key held; forget_after is when the key's
-- failures are forgotten (never before blocked_until).
CREATE TABLE login_limits (
    key text PRIMARY KEY,
    failures integer NOT NULL,
    blocked_until timestamptz NOT NULL,
    forget_after timestamptz NOT NULL,
    in_flight integer NOT NULL,
    hold_until timestamptz NOT NULL,
    -- The last granted reservation, by which a reserve tells whether it
    -- was granted.
    reservation uuid NOT NULL
);
CREATE INDEX login_limits_forget_after ON login_limits (forget_after);

-- login_limits_reserve takes an attempt on a key or refuses it, in one
-- statement on the key's row lock, so concurrent guesses on every replica
-- are counted together. The key is read as of p_now: expired reservations
-- no longer count, and a key with nothing in flight past forget_after
-- starts again from zero. An attempt is granted when the failures plus the
-- attempts in flight are under the free failures, or when nothing is in
-- flight and the block has passed; the row returned carries p_reservation
-- exactly when it was granted.
CREATE FUNCTION login_limits_reserve(p_key text, p_now timestamptz, p_hold_until timestamptz,
    p_reservation uuid, p_free_failures integer)
RETURNS SETOF login_limits
-- plpgsql, not sql: its plan is kept for the session, where a sql
-- function's INSERT would be planned on every call.
LANGUAGE plpgsql AS $$
BEGIN
-- A counter update lost to a database crash costs little; waiting for the
-- WAL flush on every login costs every login (see queries/limits.sql).
PERFORM set_config('synchronous_commit', 'off', true);
RETURN QUERY
INSERT INTO login_limits AS l (key, failures, blocked_until, forget_after, in_flight, hold_until, reservation)
VALUES (p_key, 0, p_now, p_now, 1, p_hold_until, p_reservation)
ON CONFLICT (key) DO UPDATE SET (failures, blocked_until, forget_after, in_flight, hold_until, reservation) = (
    SELECT g.failures, g.blocked_until, g.forget_after,
        CASE WHEN g.granted THEN g.in_flight + 1 ELSE g.in_flight END,
        CASE WHEN g.granted THEN GREATEST(l.hold_until, p_hold_until) ELSE l.hold_until END,
        CASE WHEN g.granted THEN p_reservation ELSE l.reservation END
    FROM (
        SELECT s.*, (s.failures + s.in_flight < p_free_failures
            OR (s.in_flight = 0 AND s.blocked_until <= p_now)) AS granted
        FROM (
            SELECT f.in_flight,
                CASE WHEN f.forgotten THEN 0 ELSE l.failures END AS failures,
                CASE WHEN f.forgotten THEN p_now ELSE l.blocked_until END AS blocked_until,
                CASE WHEN f.forgotten THEN p_now ELSE l.forget_after END AS forget_after
            FROM (
                SELECT i.in_flight, (i.in_flight = 0 AND l.forget_after <= p_now) AS forgotten
                FROM (SELECT CASE WHEN l.hold_until > p_now THEN l.in_flight ELSE 0 END AS in_flight) i
            ) f
        ) s
    ) g
)
RETURNING *;
END
$$;

-- Requests per caller (user or client address) per fixed window, added to
-- in batches by each replica.
CREATE TABLE rate_limit_counts (
    key text NOT NULL,
    window_start timestamptz NOT NULL,
    count integer NOT NULL,
    PRIMARY KEY (key, window_start)
);
CREATE INDEX rate_limit_counts_window_start ON rate_limit_counts (window_start);
