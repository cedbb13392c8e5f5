-- An image is kept redrawn, without its metadata, unless a clerk keeps the original
-- as evidence; the attachment says which it is. Files kept before were kept as they
-- came, but not by anyone's choice: they stay unmarked.
ALTER TABLE case_attachments ADD COLUMN kept_original INTEGER NOT NULL DEFAULT 0;
