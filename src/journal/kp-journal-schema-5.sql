-- kp-journal-schema-5.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Journal schema, step 5: every attempt to print a receipt, so the cashier
-- can see which receipts are missing. A receipt is a sale's (refund_id NULL)
-- or one refund's; kind says why it was printed ('SALE' and 'REFUND' when the
-- payment or refund completed, 'REPRINT' on request). printed is 1 when the
-- printer took the job whole, 0 with reason saying why not.

CREATE TABLE print_attempts (
  id         INTEGER PRIMARY KEY,
  sale_id    INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
  refund_id  TEXT,
  kind       TEXT NOT NULL CHECK (kind IN ('SALE', 'REFUND', 'REPRINT')),
  printed    INTEGER NOT NULL CHECK (printed IN (0, 1)),
  at         TEXT NOT NULL,
  reason     TEXT
);

CREATE INDEX print_attempts_by_sale ON print_attempts (sale_id, refund_id);
CREATE INDEX print_attempts_failed ON print_attempts (id) WHERE printed = 0;
