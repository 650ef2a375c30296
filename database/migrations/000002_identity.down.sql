DROP TABLE gitsshkeys;
DROP TABLE api_keys;
DROP TABLE organization_members;
DROP TABLE users;
DROP TABLE organizations;
DROP TYPE api_key_scope;
DROP TYPE login_type;
DROP TYPE user_status;
