-- Case lists read newest registered first (登记时间, ties by id): walked down this
-- index a page costs its own rows. cases_created leads with created_at too, but its
-- figure columns stand between it and the id that breaks ties.
CREATE INDEX cases_registered ON cases(created_at, id);
