-- kp-journal-schema-2.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Journal schema, step 2: history by day. The local day of creation
-- ("2026-11-25") becomes a column, filled in for existing rows from
-- created_at (stored with the local offset, so its first ten characters are
-- the local date), and indexed with the creation order; the state gets an
-- index for the start-up reconciliation query.

ALTER TABLE sales ADD COLUMN created_day TEXT;

UPDATE sales SET created_day = substr (created_at, 1, 10);

CREATE INDEX sales_by_day ON sales (created_day, id);

CREATE INDEX sales_by_state ON sales (state);
