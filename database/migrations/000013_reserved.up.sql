-- Placeholder: version 13 is reserved for another branch (migrations must
-- run without gaps). Replace this file with the real 000013 when it lands.
SELECT 1;
