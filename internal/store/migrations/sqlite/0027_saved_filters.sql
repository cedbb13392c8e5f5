-- A user's saved filters (保存的筛选): a case list's query string under a name the
-- user chose, shown to that user only. The query is what the list's URL holds (its
-- paging dropped); it is checked by the list's own parser when saved and each time
-- it is shown, so a filter that no longer holds (a region moved out of reach) says so.
CREATE TABLE saved_filters (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX saved_filters_name ON saved_filters(user_id, name);
