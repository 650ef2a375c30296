DROP TABLE idpsync_settings;
DROP TABLE user_login_conversions;
DROP TABLE user_links;
