-- kp-journal-schema-6.sql
--
-- Copyright 2026 The KakaoPay POS authors
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- Journal schema, step 6: the outbox the shop database is fed from
-- (src/shop/kp-shop-replicator.c). Every change to a sale, its lines,
-- transitions, refunds, receipt prints and the day closes adds a row here,
-- written by the triggers below in the transaction of the change itself, so
-- no write can forget it and none is sent that did not commit.
--
-- seq orders the changes and, with the terminal id, is the change's key in
-- the shop database: AUTOINCREMENT so that a number is never used twice,
-- even once sent rows are removed. A payload is the row as it is after the
-- change (a delete names the row), as JSON keyed by column, with the sale
-- named by its partner_order_id: the shop database knows no local ids. The
-- pg_token and the callback nonce stay in the journal.
--
-- The rows already in the journal are written to the outbox by this step
-- (backfill): a terminal that joins a shop database brings its history.

CREATE TABLE outbox (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  kind    TEXT NOT NULL,
  payload TEXT NOT NULL CHECK (json_valid (payload)),
  created TEXT NOT NULL,
  sent_at TEXT
);

CREATE INDEX outbox_unsent ON outbox (seq) WHERE sent_at IS NULL;

-- The journal file's own identity, so the shop database can refuse a
-- second journal sending under the same terminal id.
CREATE TABLE outbox_origin (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  id  TEXT NOT NULL
);

INSERT INTO outbox_origin (one, id) VALUES (1, lower (hex (randomblob (16))));

-- The payloads, one view per table.
CREATE VIEW outbox_sales AS
SELECT id,
       json_object ('partner_order_id', partner_order_id, 'partner_user_id', partner_user_id,
                    'terminal_id', terminal_id, 'cid', cid, 'dialect', dialect,
                    'state', state, 'item_name', item_name, 'quantity', quantity,
                    'total_amount', total_amount, 'tax_free_amount', tax_free_amount,
                    'vat_amount', vat_amount, 'tid', tid, 'aid', aid,
                    'payment_method_type', payment_method_type,
                    'card_info', json (card_info), 'created_at', created_at,
                    'created_day', coalesce (created_day, substr (created_at, 1, 10)),
                    'updated_at', updated_at, 'approved_at', approved_at,
                    'expires_at', expires_at, 'refunded_amount', refunded_amount,
                    'retry_of', retry_of) AS payload
FROM sales;

CREATE VIEW outbox_sale_lines AS
SELECT l.sale_id, l.position,
       json_object ('partner_order_id', s.partner_order_id, 'position', l.position,
                    'name', l.name, 'quantity', l.quantity, 'unit_price', l.unit_price,
                    'tax_free', l.tax_free, 'amount', l.amount) AS payload
FROM sale_lines l JOIN sales s ON s.id = l.sale_id;

CREATE VIEW outbox_transitions AS
SELECT t.id,
       json_object ('id', t.id, 'partner_order_id', s.partner_order_id,
                    'from_state', t.from_state, 'to_state', t.to_state, 'at', t.at,
                    'detail', t.detail) AS payload
FROM transitions t JOIN sales s ON s.id = t.sale_id;

CREATE VIEW outbox_refunds AS
SELECT r.id,
       json_object ('refund_id', r.refund_id, 'partner_order_id', s.partner_order_id,
                    'seq', r.seq, 'state', r.state, 'cancel_amount', r.cancel_amount,
                    'cancel_tax_free_amount', r.cancel_tax_free_amount,
                    'cancel_vat_amount', r.cancel_vat_amount,
                    'cancel_available_amount', r.cancel_available_amount,
                    'lines', json (r.lines_json), 'aid', r.aid,
                    'created_at', r.created_at, 'created_day', r.created_day,
                    'completed_at', r.completed_at, 'completed_day', r.completed_day,
                    'canceled_at', r.canceled_at, 'detail', r.detail) AS payload
FROM refunds r JOIN sales s ON s.id = r.sale_id;

CREATE VIEW outbox_print_attempts AS
SELECT p.id,
       json_object ('id', p.id, 'partner_order_id', s.partner_order_id,
                    'refund_id', p.refund_id, 'kind', p.kind, 'printed', p.printed,
                    'at', p.at, 'reason', p.reason) AS payload
FROM print_attempts p JOIN sales s ON s.id = p.sale_id;

CREATE VIEW outbox_day_closes AS
SELECT day,
       json_object ('day', day, 'closed_at', closed_at, 'terminal_id', terminal_id,
                    'report', json (report), 'hash', hash) AS payload
FROM day_closes;

-- The history there is, in an order the shop database can apply: sales
-- before what belongs to them.
INSERT INTO outbox (kind, payload, created)
SELECT kind, payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT 1 AS k, id AS n, 0 AS m, 'sale' AS kind, payload FROM outbox_sales
      UNION ALL
      SELECT 2, sale_id, position, 'line', payload FROM outbox_sale_lines
      UNION ALL
      SELECT 3, id, 0, 'transition', payload FROM outbox_transitions
      UNION ALL
      SELECT 4, id, 0, 'refund', payload FROM outbox_refunds
      UNION ALL
      SELECT 5, id, 0, 'print', payload FROM outbox_print_attempts
      UNION ALL
      SELECT 6, 0, 0, 'day-close', payload FROM outbox_day_closes)
ORDER BY k, n, m;

CREATE TRIGGER sales_outbox_insert AFTER INSERT ON sales
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'sale', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_sales WHERE id = NEW.id;
END;

CREATE TRIGGER sales_outbox_update AFTER UPDATE ON sales
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'sale', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_sales WHERE id = NEW.id;
END;

CREATE TRIGGER sales_outbox_delete AFTER DELETE ON sales
BEGIN
  INSERT INTO outbox (kind, payload, created)
  VALUES ('sale-delete', json_object ('partner_order_id', OLD.partner_order_id),
          strftime ('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER sale_lines_outbox_insert AFTER INSERT ON sale_lines
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'line', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_sale_lines WHERE sale_id = NEW.sale_id AND position = NEW.position;
END;

CREATE TRIGGER sale_lines_outbox_update AFTER UPDATE ON sale_lines
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'line-delete',
         json_object ('partner_order_id', s.partner_order_id, 'position', OLD.position),
         strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM sales s WHERE s.id = OLD.sale_id
    AND (OLD.sale_id IS NOT NEW.sale_id OR OLD.position IS NOT NEW.position);
  INSERT INTO outbox (kind, payload, created)
  SELECT 'line', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_sale_lines WHERE sale_id = NEW.sale_id AND position = NEW.position;
END;

-- A sale's lines go with it (ON DELETE CASCADE): the sale-delete says so.
CREATE TRIGGER sale_lines_outbox_delete AFTER DELETE ON sale_lines
WHEN EXISTS (SELECT 1 FROM sales WHERE id = OLD.sale_id)
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'line-delete',
         json_object ('partner_order_id', s.partner_order_id, 'position', OLD.position),
         strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM sales s WHERE s.id = OLD.sale_id;
END;

CREATE TRIGGER transitions_outbox_insert AFTER INSERT ON transitions
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'transition', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_transitions WHERE id = NEW.id;
END;

CREATE TRIGGER transitions_outbox_update AFTER UPDATE ON transitions
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'transition', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_transitions WHERE id = NEW.id;
END;

CREATE TRIGGER transitions_outbox_delete AFTER DELETE ON transitions
BEGIN
  INSERT INTO outbox (kind, payload, created)
  VALUES ('transition-delete', json_object ('id', OLD.id),
          strftime ('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER refunds_outbox_insert AFTER INSERT ON refunds
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'refund', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_refunds WHERE id = NEW.id;
END;

CREATE TRIGGER refunds_outbox_update AFTER UPDATE ON refunds
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'refund', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_refunds WHERE id = NEW.id;
END;

CREATE TRIGGER refunds_outbox_delete AFTER DELETE ON refunds
BEGIN
  INSERT INTO outbox (kind, payload, created)
  VALUES ('refund-delete', json_object ('refund_id', OLD.refund_id),
          strftime ('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

CREATE TRIGGER print_attempts_outbox_insert AFTER INSERT ON print_attempts
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'print', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_print_attempts WHERE id = NEW.id;
END;

CREATE TRIGGER print_attempts_outbox_update AFTER UPDATE ON print_attempts
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'print', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_print_attempts WHERE id = NEW.id;
END;

CREATE TRIGGER print_attempts_outbox_delete AFTER DELETE ON print_attempts
BEGIN
  INSERT INTO outbox (kind, payload, created)
  VALUES ('print-delete', json_object ('id', OLD.id),
          strftime ('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;

-- day_closes rows are never changed nor removed (schema 3).
CREATE TRIGGER day_closes_outbox_insert AFTER INSERT ON day_closes
BEGIN
  INSERT INTO outbox (kind, payload, created)
  SELECT 'day-close', payload, strftime ('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM outbox_day_closes WHERE day = NEW.day;
END;
