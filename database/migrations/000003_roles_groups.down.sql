DROP VIEW group_members_expanded;
DROP TABLE group_members;
DROP TABLE groups;
DROP TABLE custom_roles;
