-- name: ReserveLoginAttempt :one
-- Takes an attempt on a key or refuses it, in one statement on the key's row
-- lock (see login_limits_reserve in the migrations); granted when the
-- returned reservation is the one passed in.
SELECT reservation, blocked_until
FROM login_limits_reserve(sqlc.arg(key)::text, sqlc.arg(now)::timestamptz, sqlc.arg(hold_until)::timestamptz,
    sqlc.arg(reservation)::uuid, sqlc.arg(free_failures)::int);

-- name: FailLoginAttempt :exec
-- Settles an attempt as a failure. Past the free failures the key is
-- blocked for base_delay_ms doubled per further failure, up to
-- max_delay_ms. forget_after must not be before the longest block.
-- async_commit turns synchronous_commit off for this statement's own
-- transaction (as for every counter write; see migration 000012): no login
-- waits on a WAL flush for a counter.
UPDATE login_limits SET
    in_flight = GREATEST(in_flight - 1, 0),
    failures = failures + 1,
    blocked_until = CASE WHEN failures + 1 >= sqlc.arg(free_failures)::int
        THEN sqlc.arg(now)::timestamptz + LEAST(
            sqlc.arg(base_delay_ms)::float8 * power(2, LEAST(failures + 1 - sqlc.arg(free_failures)::int, 40)),
            sqlc.arg(max_delay_ms)::float8) * interval '1 millisecond'
        ELSE blocked_until END,
    forget_after = sqlc.arg(forget_after)::timestamptz
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
WHERE key = sqlc.arg(key)::text;

-- name: SucceedLoginAttempt :exec
-- Settles an attempt as a success: the key's failures are cleared.
UPDATE login_limits SET
    in_flight = GREATEST(in_flight - 1, 0),
    failures = 0,
    blocked_until = sqlc.arg(now)::timestamptz,
    forget_after = sqlc.arg(now)::timestamptz
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
WHERE key = sqlc.arg(key)::text;

-- name: ReleaseLoginAttempt :exec
-- Gives an attempt back without a verdict.
UPDATE login_limits SET in_flight = GREATEST(in_flight - 1, 0)
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
WHERE key = sqlc.arg(key)::text;

-- name: DeleteForgottenLoginLimits :execrows
DELETE FROM login_limits
WHERE forget_after < sqlc.arg(now)::timestamptz AND hold_until < sqlc.arg(now)::timestamptz;

-- name: AddRateLimitCounts :many
-- Adds a replica's requests since its last sync to the window's counts and
-- returns the deployment-wide totals, one statement per sync. Keys come
-- sorted, so replicas lock rows in the same order.
INSERT INTO rate_limit_counts (key, window_start, count)
SELECT unnest(sqlc.arg(keys)::text[]), sqlc.arg(window_start)::timestamptz, unnest(sqlc.arg(deltas)::int[])
FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
ON CONFLICT (key, window_start) DO UPDATE SET count = rate_limit_counts.count + EXCLUDED.count
RETURNING key, count;

-- name: DeleteRateLimitCountsBefore :execrows
DELETE FROM rate_limit_counts WHERE window_start < sqlc.arg(before)::timestamptz;
