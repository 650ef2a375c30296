DROP FUNCTION login_limits_reserve;
DROP TABLE rate_limit_counts;
DROP TABLE login_limits;
