-- kp-journal-schema-4.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Journal schema, step 4: a payment that could not start and was charged
-- again. The new attempt is a sale of its own (ready is never sent twice
-- for one order), naming in retry_of the attempt it repeats, so the history
-- shows the cashier one sale with its attempts.

ALTER TABLE sales ADD COLUMN retry_of TEXT;

CREATE INDEX sales_by_retry_of ON sales (retry_of) WHERE retry_of IS NOT NULL;
