DROP VIEW workspaces_expanded;
DROP TABLE workspace_build_parameters;
DROP TABLE workspace_builds;
DROP TABLE workspaces;
DROP TYPE build_reason;
