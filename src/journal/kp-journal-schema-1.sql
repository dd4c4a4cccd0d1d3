-- kp-journal-schema-1.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Journal schema, step 1: the base tables. A shipped step never changes;
-- later changes are new steps. Run in one transaction by kp-journal-schema.c,
-- which then sets user_version to 1.

-- One row per sale. Amounts are KRW integers; times are ISO 8601 text with
-- the local offset ("2026-11-25T10:15:00+09:00"); absent values are NULL.
CREATE TABLE sales (
  id                  INTEGER PRIMARY KEY,
  partner_order_id    TEXT NOT NULL UNIQUE,
  partner_user_id     TEXT NOT NULL,
  terminal_id         TEXT NOT NULL,
  cid                 TEXT NOT NULL,
  dialect             TEXT NOT NULL CHECK (dialect IN ('online', 'legacy')),
  state               TEXT NOT NULL,
  item_name           TEXT NOT NULL,
  quantity            INTEGER NOT NULL CHECK (quantity >= 1),
  total_amount        INTEGER NOT NULL CHECK (total_amount >= 1),
  tax_free_amount     INTEGER NOT NULL CHECK (tax_free_amount BETWEEN 0 AND total_amount),
  vat_amount          INTEGER NOT NULL
                      CHECK (vat_amount BETWEEN 0 AND total_amount - tax_free_amount),
  tid                 TEXT,
  aid                 TEXT,
  pg_token            TEXT,
  nonce               TEXT NOT NULL,
  payment_method_type TEXT,
  card_info           TEXT CHECK (card_info IS NULL OR json_valid (card_info)),
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  approved_at         TEXT,
  expires_at          TEXT,
  refunded_amount     INTEGER NOT NULL DEFAULT 0
                      CHECK (refunded_amount BETWEEN 0 AND total_amount)
);

-- The cart lines of a sale; amount = quantity * unit_price.
CREATE TABLE sale_lines (
  sale_id    INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
  position   INTEGER NOT NULL,
  name       TEXT NOT NULL,
  quantity   INTEGER NOT NULL,
  unit_price INTEGER NOT NULL,
  tax_free   INTEGER NOT NULL CHECK (tax_free IN (0, 1)),
  amount     INTEGER NOT NULL,
  PRIMARY KEY (sale_id, position)
);

-- Every state change, appended in the transaction that makes it. The row
-- recording a sale's creation has a NULL from_state.
CREATE TABLE transitions (
  id         INTEGER PRIMARY KEY,
  sale_id    INTEGER NOT NULL REFERENCES sales (id) ON DELETE CASCADE,
  from_state TEXT,
  to_state   TEXT NOT NULL,
  at         TEXT NOT NULL,
  detail     TEXT
);

CREATE INDEX transitions_by_sale ON transitions (sale_id, id);

-- The last partner_order_id sequence number used per terminal and local day
-- (YYYYMMDD). Bumped in the transaction that inserts the sale and never
-- decremented, so an order id is never reused.
CREATE TABLE order_sequences (
  terminal_id TEXT NOT NULL,
  day         TEXT NOT NULL,
  last        INTEGER NOT NULL,
  PRIMARY KEY (terminal_id, day)
) WITHOUT ROWID;
