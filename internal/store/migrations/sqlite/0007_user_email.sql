-- An email address for notifications sent over SMTP.
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
