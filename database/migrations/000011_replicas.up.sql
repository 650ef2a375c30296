-- Placeholder on branch h-repb only, so 000012 has no gap: the replica
-- registry (branch h-repa) owns 000011. When merging, take h-repa's file.
SELECT 1;
