/* test-cart.c: cart maths, limits, item name, parsing and the sale it makes
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "kp-cart-line.h"
#include "kp-cart.h"

typedef struct
{
  guint position;
  guint removed;
  guint added;
} Change;

typedef struct
{
  KpCart     *cart;
  GArray     *changes;        /* Change */
  GHashTable *notifications;  /* property name → count */
} Fixture;

/* What a refused change must leave alone. */
typedef struct
{
  guint   n_lines;
  gint64  total;
  gint64  tax_free;
  gint64  vat;
  gint64  supply;
  gint64  quantity;
  char   *item_name;
  char   *lines;
} Snapshot;

static void
on_items_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     Fixture    *f)
{
  Change change = { position, removed, added };
  KpCart *cart = KP_CART (model);
  gint64 total = 0;

  /* Whoever hears the signal sees the totals already matching the lines. */
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (KpCartLine) line = g_list_model_get_item (model, i);

      total += kp_cart_line_get_amount (line);
    }
  g_assert_cmpint (kp_cart_get_total (cart), ==, total);
  g_assert_cmpuint (kp_cart_get_n_lines (cart), ==, g_list_model_get_n_items (model));

  g_array_append_val (f->changes, change);
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              Fixture    *f)
{
  KpCart *cart = KP_CART (object);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (f->notifications, pspec->name));

  /* Any one notification sees every total consistent. */
  g_assert_cmpint (kp_cart_get_vat (cart), ==,
                   kp_vat_default (kp_cart_get_total (cart), kp_cart_get_tax_free (cart)));
  g_assert_cmpint (kp_cart_get_supply (cart), ==,
                   kp_cart_get_total (cart) - kp_cart_get_tax_free (cart) -
                   kp_cart_get_vat (cart));

  g_hash_table_insert (f->notifications, (gpointer) pspec->name, GUINT_TO_POINTER (count + 1));
}

static guint
n_notifications (Fixture    *f,
                 const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (f->notifications, name));
}

static void
reset_signals (Fixture *f)
{
  g_array_set_size (f->changes, 0);
  g_hash_table_remove_all (f->notifications);
}

static void
assert_change (Fixture *f,
               guint    index,
               guint    position,
               guint    removed,
               guint    added)
{
  Change *change;

  g_assert_cmpuint (index, <, f->changes->len);
  change = &g_array_index (f->changes, Change, index);
  g_assert_cmpuint (change->position, ==, position);
  g_assert_cmpuint (change->removed, ==, removed);
  g_assert_cmpuint (change->added, ==, added);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->cart = kp_cart_new ();
  f->changes = g_array_new (FALSE, FALSE, sizeof (Change));
  f->notifications = g_hash_table_new (g_str_hash, g_str_equal);
  g_signal_connect (f->cart, "items-changed", G_CALLBACK (on_items_changed_cb), f);
  g_signal_connect (f->cart, "notify", G_CALLBACK (on_notify_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->cart, f);
  g_assert_finalize_object (f->cart);
  g_array_unref (f->changes);
  g_hash_table_unref (f->notifications);
}

static void
add (KpCart     *cart,
     const char *name,
     gint64      quantity,
     gint64      unit_price,
     gboolean    tax_free)
{
  g_autoptr (GError) error = NULL;

  gboolean ok = kp_cart_add_line (cart, name, quantity, unit_price, tax_free, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static KpCartLine *
line_at (KpCart *cart,
         guint   position)
{
  g_autoptr (KpCartLine) line = g_list_model_get_item (G_LIST_MODEL (cart), position);

  g_assert_nonnull (line);
  /* The cart holds its own reference. */
  return line;
}

static Snapshot
snapshot (KpCart *cart)
{
  Snapshot s = { 0, };
  GString *lines = g_string_new (NULL);

  s.n_lines = kp_cart_get_n_lines (cart);
  s.total = kp_cart_get_total (cart);
  s.tax_free = kp_cart_get_tax_free (cart);
  s.vat = kp_cart_get_vat (cart);
  s.supply = kp_cart_get_supply (cart);
  s.quantity = kp_cart_get_quantity (cart);
  s.item_name = kp_cart_dup_item_name (cart);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (cart)); i++)
    {
      KpCartLine *line = line_at (cart, i);

      g_string_append_printf (lines, "%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%d\n",
                              kp_cart_line_get_name (line), kp_cart_line_get_quantity (line),
                              kp_cart_line_get_unit_price (line),
                              kp_cart_line_get_tax_free (line));
    }
  s.lines = g_string_free (lines, FALSE);

  return s;
}

static void
assert_unchanged (Fixture  *f,
                  Snapshot *before)
{
  Snapshot after = snapshot (f->cart);

  g_assert_cmpuint (after.n_lines, ==, before->n_lines);
  g_assert_cmpint (after.total, ==, before->total);
  g_assert_cmpint (after.tax_free, ==, before->tax_free);
  g_assert_cmpint (after.vat, ==, before->vat);
  g_assert_cmpint (after.supply, ==, before->supply);
  g_assert_cmpint (after.quantity, ==, before->quantity);
  g_assert_cmpstr (after.item_name, ==, before->item_name);
  g_assert_cmpstr (after.lines, ==, before->lines);
  /* Not even a signal. */
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (f->notifications), ==, 0);

  g_free (after.item_name);
  g_free (after.lines);
}

static void
snapshot_clear (Snapshot *s)
{
  g_clear_pointer (&s->item_name, g_free);
  g_clear_pointer (&s->lines, g_free);
}

/* Tries to add a line that must be refused with @code and a message mentioning
 * @needle (if not NULL), and checks the cart did not move. */
static void
assert_add_refused (Fixture    *f,
                    const char *name,
                    gint64      quantity,
                    gint64      unit_price,
                    int         code,
                    const char *needle)
{
  g_autoptr (GError) error = NULL;
  Snapshot before = snapshot (f->cart);

  reset_signals (f);
  g_assert_false (kp_cart_add_line (f->cart, name, quantity, unit_price, FALSE, &error));
  g_assert_error (error, KP_CART_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpstr (error->message, !=, "");
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));
  assert_unchanged (f, &before);
  snapshot_clear (&before);
}

static void
on_count_cb (GObject    *object,
             GParamSpec *pspec,
             guint      *count)
{
  (*count)++;
}

static void
test_line (void)
{
  g_autoptr (KpCartLine) line = kp_cart_line_new ("Americano", 2, 4500, FALSE);
  g_autofree char *name = NULL;
  gint64 amount = 0;
  guint n_amount = 0;
  guint n_quantity = 0;

  g_object_get (line, "name", &name, "amount", &amount, NULL);
  g_assert_cmpstr (name, ==, "Americano");
  g_assert_cmpint (amount, ==, 9000);
  g_assert_cmpint (kp_cart_line_get_amount (line), ==, 9000);
  g_assert_false (kp_cart_line_get_tax_free (line));

  g_signal_connect (line, "notify::amount", G_CALLBACK (on_count_cb), &n_amount);
  g_signal_connect (line, "notify::quantity", G_CALLBACK (on_count_cb), &n_quantity);

  kp_cart_line_set_quantity (line, 3);
  g_assert_cmpuint (n_quantity, ==, 1);
  g_assert_cmpuint (n_amount, ==, 1);
  g_assert_cmpint (kp_cart_line_get_amount (line), ==, 13500);

  /* Unchanged: no notification. */
  kp_cart_line_set_quantity (line, 3);
  g_object_set (line, "quantity", (gint64) 3, NULL);
  g_assert_cmpuint (n_quantity, ==, 1);
  g_assert_cmpuint (n_amount, ==, 1);

  g_object_set (line, "unit-price", (gint64) 5000, NULL);
  g_assert_cmpuint (n_amount, ==, 2);
  g_assert_cmpint (kp_cart_line_get_amount (line), ==, 15000);

  g_signal_handlers_disconnect_by_data (line, &n_amount);
  g_signal_handlers_disconnect_by_data (line, &n_quantity);
  g_assert_finalize_object (g_steal_pointer (&line));
}

static void
test_totals (Fixture       *f,
             gconstpointer  data)
{
  KpCart *cart = f->cart;
  gint64 total = 0;
  guint n_lines = 0;

  g_assert_cmpuint (kp_cart_get_n_lines (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_total (cart), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (cart)) == KP_TYPE_CART_LINE);

  /* The example: 2 × 1,100 taxable and 1 × 1,000 tax free. */
  add (cart, "Water", 2, 1100, FALSE);
  add (cart, "Apples", 1, 1000, TRUE);
  g_assert_cmpint (kp_cart_get_total (cart), ==, 3200);
  g_assert_cmpint (kp_cart_get_tax_free (cart), ==, 1000);
  g_assert_cmpint (kp_cart_get_vat (cart), ==, 200);
  g_assert_cmpint (kp_cart_get_supply (cart), ==, 2000);
  g_assert_cmpint (kp_cart_get_quantity (cart), ==, 3);
  g_assert_cmpuint (kp_cart_get_n_lines (cart), ==, 2);

  g_object_get (cart, "total", &total, "n-lines", &n_lines, NULL);
  g_assert_cmpint (total, ==, 3200);
  g_assert_cmpuint (n_lines, ==, 2);

  /* VAT is rounded by KakaoPay's rule on the taxable part as a whole. */
  add (cart, "Gum", 1, 500, FALSE);
  g_assert_cmpint (kp_cart_get_total (cart), ==, 3700);
  g_assert_cmpint (kp_cart_get_vat (cart), ==, 245);  /* 2700 / 11 = 245.45 */
  g_assert_cmpint (kp_cart_get_supply (cart), ==, 2455);
  g_assert_cmpint (kp_cart_get_quantity (cart), ==, 4);

  /* All tax free: no VAT. */
  g_assert_true (kp_cart_remove_line (cart, 2, NULL));
  g_assert_true (kp_cart_remove_line (cart, 0, NULL));
  g_assert_cmpint (kp_cart_get_total (cart), ==, 1000);
  g_assert_cmpint (kp_cart_get_tax_free (cart), ==, 1000);
  g_assert_cmpint (kp_cart_get_vat (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_supply (cart), ==, 0);

  /* Changes go through the line's quantity and price. */
  g_assert_true (kp_cart_set_line_quantity (cart, 0, 3, NULL));
  g_assert_true (kp_cart_set_line_unit_price (cart, 0, 1500, NULL));
  g_assert_cmpint (kp_cart_line_get_amount (line_at (cart, 0)), ==, 4500);
  g_assert_cmpint (kp_cart_get_total (cart), ==, 4500);
  g_assert_cmpint (kp_cart_get_quantity (cart), ==, 3);

  /* A line's tax-free flag counts too, whoever changes it. */
  kp_cart_line_set_tax_free (line_at (cart, 0), FALSE);
  g_assert_cmpint (kp_cart_get_tax_free (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_vat (cart), ==, 409);  /* 409.09 */
  g_assert_cmpint (kp_cart_get_supply (cart), ==, 4091);

  g_assert_true (kp_cart_clear (cart, NULL));
  g_assert_cmpuint (kp_cart_get_n_lines (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_total (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_tax_free (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_vat (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_supply (cart), ==, 0);
  g_assert_cmpint (kp_cart_get_quantity (cart), ==, 0);
}

static void
test_notify (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (KpCartLine) removed = NULL;
  KpCartLine *line;
  guint n_amount = 0;

  add (f->cart, "Water", 2, 1100, FALSE);
  g_assert_cmpuint (n_notifications (f, "total"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "vat"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "supply"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "quantity"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "n-lines"), ==, 1);
  /* Nothing tax free yet: no change, no notification. */
  g_assert_cmpuint (n_notifications (f, "tax-free"), ==, 0);

  line = line_at (f->cart, 0);
  g_signal_connect (line, "notify::amount", G_CALLBACK (on_count_cb), &n_amount);

  reset_signals (f);
  g_assert_true (kp_cart_set_line_quantity (f->cart, 0, 3, NULL));
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 3300);
  g_assert_cmpint (kp_cart_get_vat (f->cart), ==, 300);
  g_assert_cmpuint (n_amount, ==, 1);
  g_assert_cmpuint (n_notifications (f, "total"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "vat"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "supply"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "quantity"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "n-lines"), ==, 0);
  /* A quantity change is not a change of the list. */
  g_assert_cmpuint (f->changes->len, ==, 0);

  reset_signals (f);
  g_assert_true (kp_cart_set_line_unit_price (f->cart, 0, 1000, NULL));
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 3000);
  g_assert_cmpuint (n_amount, ==, 2);
  g_assert_cmpuint (n_notifications (f, "total"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "vat"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "quantity"), ==, 0);

  /* The same value again changes nothing and says nothing. */
  reset_signals (f);
  g_assert_true (kp_cart_set_line_quantity (f->cart, 0, 3, NULL));
  g_assert_true (kp_cart_set_line_unit_price (f->cart, 0, 1000, NULL));
  g_assert_cmpuint (n_amount, ==, 2);
  g_assert_cmpuint (g_hash_table_size (f->notifications), ==, 0);

  /* A tax-free line moves tax-free, VAT and supply but not the total. */
  reset_signals (f);
  add (f->cart, "Apples", 1, 1000, TRUE);
  g_assert_cmpuint (n_notifications (f, "tax-free"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "total"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "vat"), ==, 0);
  reset_signals (f);
  kp_cart_line_set_tax_free (line_at (f->cart, 1), FALSE);
  g_assert_cmpuint (n_notifications (f, "tax-free"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "vat"), ==, 1);
  g_assert_cmpuint (n_notifications (f, "total"), ==, 0);
  g_assert_cmpint (kp_cart_get_vat (f->cart), ==, 364);  /* 4000 / 11 = 363.6 */

  /* A line that left the cart no longer moves its totals. */
  removed = g_object_ref (line);
  g_assert_true (kp_cart_remove_line (f->cart, 0, NULL));
  reset_signals (f);
  kp_cart_line_set_quantity (removed, 5);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 1000);
  g_assert_cmpuint (g_hash_table_size (f->notifications), ==, 0);
  g_signal_handlers_disconnect_by_data (removed, &n_amount);
}

static void
test_items_changed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (KpCartLine) item = NULL;

  add (f->cart, "A", 1, 100, FALSE);
  add (f->cart, "B", 1, 200, FALSE);
  add (f->cart, "C", 1, 300, FALSE);
  g_assert_cmpuint (f->changes->len, ==, 3);
  assert_change (f, 0, 0, 0, 1);
  assert_change (f, 1, 1, 0, 1);
  assert_change (f, 2, 2, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->cart)), ==, 3);
  g_assert_cmpstr (kp_cart_line_get_name (line_at (f->cart, 2)), ==, "C");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (f->cart), 3));

  reset_signals (f);
  g_assert_true (kp_cart_remove_line (f->cart, 1, NULL));
  g_assert_cmpuint (f->changes->len, ==, 1);
  assert_change (f, 0, 1, 1, 0);
  g_assert_cmpstr (kp_cart_line_get_name (line_at (f->cart, 0)), ==, "A");
  g_assert_cmpstr (kp_cart_line_get_name (line_at (f->cart, 1)), ==, "C");
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 400);
  g_assert_cmpuint (n_notifications (f, "n-lines"), ==, 1);

  /* The cart does not keep a removed line alive, nor lose one still in use. */
  item = g_list_model_get_item (G_LIST_MODEL (f->cart), 0);
  reset_signals (f);
  g_assert_true (kp_cart_clear (f->cart, NULL));
  g_assert_cmpuint (f->changes->len, ==, 1);
  assert_change (f, 0, 0, 2, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->cart)), ==, 0);
  g_assert_cmpstr (kp_cart_line_get_name (item), ==, "A");
  g_assert_finalize_object (g_steal_pointer (&item));

  /* Clearing an empty cart is no change. */
  reset_signals (f);
  g_assert_true (kp_cart_clear (f->cart, NULL));
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (f->notifications), ==, 0);
}

static void
test_item_name (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *empty = kp_cart_dup_item_name (f->cart);
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  g_autofree char *three = NULL;

  g_assert_null (empty);

  /* One line: its name exactly, inner spaces kept, outer ones dropped on entry. */
  add (f->cart, "  아이스 아메리카노 (L)\u3000", 1, 4500, FALSE);
  one = kp_cart_dup_item_name (f->cart);
  g_assert_cmpstr (one, ==, "아이스 아메리카노 (L)");
  g_assert_cmpstr (kp_cart_line_get_name (line_at (f->cart, 0)), ==, "아이스 아메리카노 (L)");

  add (f->cart, "B", 1, 100, FALSE);
  two = kp_cart_dup_item_name (f->cart);
  g_assert_cmpstr (two, ==, "아이스 아메리카노 (L) and 1 more");

  g_assert_true (kp_cart_clear (f->cart, NULL));
  add (f->cart, "A", 1, 100, FALSE);
  add (f->cart, "B", 1, 100, FALSE);
  add (f->cart, "C", 1, 100, FALSE);
  three = kp_cart_dup_item_name (f->cart);
  g_assert_cmpstr (three, ==, "A and 2 more");
}

static char *
repeat (const char *str,
        guint       times)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < times; i++)
    g_string_append (s, str);

  return g_string_free (s, FALSE);
}

static void
test_item_name_cut (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *hangul_100 = repeat ("가", KP_CART_MAX_NAME_LENGTH);
  g_autofree char *hangul_89 = repeat ("가", KP_CART_MAX_NAME_LENGTH - 11);
  g_autofree char *hangul_88 = repeat ("가", KP_CART_MAX_NAME_LENGTH - 12);
  g_autofree char *decomposed = repeat ("\u1100\u1161", KP_CART_MAX_NAME_LENGTH);
  g_autofree char *a_88 = repeat ("a", 88);
  g_autofree char *name = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *with_mark = NULL;
  g_autofree char *with_space = NULL;

  /* 100 Hangul syllables are 100 characters (300 bytes): allowed, and a one-line
   * cart sends them unchanged. */
  g_assert_cmpuint (strlen (hangul_100), ==, 300);
  add (f->cart, hangul_100, 1, 1000, FALSE);
  name = kp_cart_dup_item_name (f->cart);
  g_assert_cmpstr (name, ==, hangul_100);
  g_clear_pointer (&name, g_free);

  /* With more lines the first name gives way, never the count: " and 2 more" is 11
   * characters, so 89 syllables of the name remain, whole. */
  add (f->cart, "B", 1, 100, FALSE);
  add (f->cart, "C", 1, 100, FALSE);
  name = kp_cart_dup_item_name (f->cart);
  g_assert_true (g_utf8_validate (name, -1, NULL));
  g_assert_cmpint (g_utf8_strlen (name, -1), ==, KP_CART_MAX_NAME_LENGTH);
  expected = g_strconcat (hangul_89, " and 2 more", NULL);
  g_assert_cmpstr (name, ==, expected);
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&expected, g_free);

  /* A longer count takes one more character from the name. */
  for (guint i = 0; i < 8; i++)
    add (f->cart, "D", 1, 100, FALSE);
  name = kp_cart_dup_item_name (f->cart);
  g_assert_cmpint (g_utf8_strlen (name, -1), ==, KP_CART_MAX_NAME_LENGTH);
  expected = g_strconcat (hangul_88, " and 10 more", NULL);
  g_assert_cmpstr (name, ==, expected);
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&expected, g_free);

  /* Decomposed Hangul (jamo, 200 code points) is stored as 100 syllables, so it
   * passes the limit and is cut the same way. */
  g_assert_true (kp_cart_clear (f->cart, NULL));
  add (f->cart, decomposed, 1, 1000, FALSE);
  g_assert_cmpstr (kp_cart_line_get_name (line_at (f->cart, 0)), ==, hangul_100);
  add (f->cart, "B", 1, 100, FALSE);
  add (f->cart, "C", 1, 100, FALSE);
  name = kp_cart_dup_item_name (f->cart);
  expected = g_strconcat (hangul_89, " and 2 more", NULL);
  g_assert_cmpstr (name, ==, expected);
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&expected, g_free);

  /* A combining mark stays with its letter: both go. */
  g_assert_true (kp_cart_clear (f->cart, NULL));
  with_mark = g_strconcat (a_88, "x\u0301bbbbbb", NULL);
  add (f->cart, with_mark, 1, 1000, FALSE);
  add (f->cart, "B", 1, 100, FALSE);
  add (f->cart, "C", 1, 100, FALSE);
  name = kp_cart_dup_item_name (f->cart);
  expected = g_strconcat (a_88, " and 2 more", NULL);
  g_assert_cmpstr (name, ==, expected);
  g_clear_pointer (&name, g_free);
  g_clear_pointer (&expected, g_free);

  /* No space is left dangling before the count. */
  g_assert_true (kp_cart_clear (f->cart, NULL));
  with_space = g_strconcat (a_88, " bbbbbbb", NULL);
  add (f->cart, with_space, 1, 1000, FALSE);
  add (f->cart, "B", 1, 100, FALSE);
  add (f->cart, "C", 1, 100, FALSE);
  name = kp_cart_dup_item_name (f->cart);
  expected = g_strconcat (a_88, " and 2 more", NULL);
  g_assert_cmpstr (name, ==, expected);
}

static void
test_limits_name (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *hangul_100 = repeat ("가", KP_CART_MAX_NAME_LENGTH);
  g_autofree char *hangul_101 = repeat ("가", KP_CART_MAX_NAME_LENGTH + 1);
  g_autofree char *padded = g_strconcat ("   ", hangul_100, " \t ", NULL);

  add (f->cart, "Existing", 1, 1000, FALSE);

  assert_add_refused (f, "", 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, NULL, 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, " \t\u3000 ", 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, "Ice\ncream", 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, "Ice\tcream", 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, "Ice\x7f", 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, "Caf\xe9", 1, 1000, KP_CART_ERROR_INVALID_NAME, NULL);
  assert_add_refused (f, hangul_101, 1, 1000, KP_CART_ERROR_INVALID_NAME, "100");

  /* At the limit, and at the limit once trimmed. */
  add (f->cart, hangul_100, 1, 1000, FALSE);
  add (f->cart, padded, 1, 1000, FALSE);
  g_assert_cmpstr (kp_cart_line_get_name (line_at (f->cart, 2)), ==, hangul_100);
  add (f->cart, "x", 1, 1000, FALSE);
  g_assert_cmpuint (kp_cart_get_n_lines (f->cart), ==, 4);
}

static void
test_limits_quantity (Fixture       *f,
                      gconstpointer  data)
{
  add (f->cart, "Existing", 1, 1000, FALSE);

  assert_add_refused (f, "Gum", 0, 100, KP_CART_ERROR_INVALID_QUANTITY, "1");
  assert_add_refused (f, "Gum", -1, 100, KP_CART_ERROR_INVALID_QUANTITY, "1");
  assert_add_refused (f, "Gum", G_MININT64, 100, KP_CART_ERROR_INVALID_QUANTITY, NULL);
  assert_add_refused (f, "Gum", KP_CART_MAX_QUANTITY + 1, 100,
                      KP_CART_ERROR_INVALID_QUANTITY, "999");
  assert_add_refused (f, "Gum", G_MAXINT64, 100, KP_CART_ERROR_INVALID_QUANTITY, "999");

  add (f->cart, "Gum", 1, 100, FALSE);
  add (f->cart, "Gum", KP_CART_MAX_QUANTITY, 100, FALSE);
  g_assert_cmpint (kp_cart_get_quantity (f->cart), ==, 1 + 1 + 999);
}

static void
test_limits_price (Fixture       *f,
                   gconstpointer  data)
{
  add (f->cart, "Existing", 1, 1000, FALSE);

  assert_add_refused (f, "Gum", 1, 0, KP_CART_ERROR_INVALID_AMOUNT, "₩1");
  assert_add_refused (f, "Gum", 1, -5, KP_CART_ERROR_INVALID_AMOUNT, "₩1");
  assert_add_refused (f, "Gum", 1, G_MININT64, KP_CART_ERROR_INVALID_AMOUNT, NULL);
  assert_add_refused (f, "Gum", 1, KP_CART_MAX_UNIT_PRICE + 1,
                      KP_CART_ERROR_TOO_LARGE, "₩10,000,000");
  assert_add_refused (f, "Gum", 1, G_MAXINT64, KP_CART_ERROR_TOO_LARGE, "₩10,000,000");

  add (f->cart, "Gum", 1, 1, FALSE);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 1001);
  g_assert_true (kp_cart_clear (f->cart, NULL));
  add (f->cart, "TV", 1, KP_CART_MAX_UNIT_PRICE, FALSE);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 10000000);
}

static void
test_limits_line_amount (Fixture       *f,
                         gconstpointer  data)
{
  /* 2 × 5,000,001 = 10,000,002: each value is fine, the product is not. */
  assert_add_refused (f, "Chair", 2, 5000001, KP_CART_ERROR_TOO_LARGE,
                      "line would come to ₩10,000,002");
  assert_add_refused (f, "Chair", 2, 5000001, KP_CART_ERROR_TOO_LARGE, "₩10,000,000");
  assert_add_refused (f, "Chair", KP_CART_MAX_QUANTITY, KP_CART_MAX_UNIT_PRICE,
                      KP_CART_ERROR_TOO_LARGE, "₩10,000,000");

  add (f->cart, "Chair", 2, 5000000, FALSE);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, KP_CART_MAX_TOTAL);
}

/* Tries to change the quantity (or, with @price, the unit price) of the line at
 * @position to @value, which must be refused with @code, leaving the cart as it was. */
static void
assert_set_refused (Fixture  *f,
                    guint     position,
                    gboolean  price,
                    gint64    value,
                    int       code)
{
  g_autoptr (GError) error = NULL;
  Snapshot before = snapshot (f->cart);
  gboolean ok;

  reset_signals (f);
  if (price)
    ok = kp_cart_set_line_unit_price (f->cart, position, value, &error);
  else
    ok = kp_cart_set_line_quantity (f->cart, position, value, &error);
  g_assert_false (ok);
  g_assert_error (error, KP_CART_ERROR, code);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpstr (error->message, !=, "");
  assert_unchanged (f, &before);
  snapshot_clear (&before);
}

static void
test_limits_total (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  add (f->cart, "TV", 1, 9999999, FALSE);
  add (f->cart, "Gum", 1, 1, FALSE);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, KP_CART_MAX_TOTAL);

  /* One won more, by any road, is refused. */
  assert_add_refused (f, "Gum", 1, 1, KP_CART_ERROR_TOO_LARGE, "₩10,000,001");
  assert_add_refused (f, "Gum", 1, 1, KP_CART_ERROR_TOO_LARGE, "₩10,000,000");
  assert_set_refused (f, 1, FALSE, 2, KP_CART_ERROR_TOO_LARGE);
  assert_set_refused (f, 1, TRUE, 2, KP_CART_ERROR_TOO_LARGE);
  assert_set_refused (f, 0, TRUE, KP_CART_MAX_UNIT_PRICE, KP_CART_ERROR_TOO_LARGE);

  /* Making room lets the change through; the line's own amount is not counted
   * twice. */
  g_assert_true (kp_cart_set_line_unit_price (f->cart, 0, 9999998, &error));
  g_assert_no_error (error);
  g_assert_true (kp_cart_set_line_quantity (f->cart, 1, 2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, KP_CART_MAX_TOTAL);
  g_assert_true (kp_cart_remove_line (f->cart, 1, NULL));
  g_assert_true (kp_cart_set_line_unit_price (f->cart, 0, KP_CART_MAX_UNIT_PRICE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, KP_CART_MAX_TOTAL);
}

static void
test_set_line_refused (Fixture       *f,
                       gconstpointer  data)
{
  add (f->cart, "Water", 2, 1100, FALSE);
  add (f->cart, "Apples", 1, 1000, TRUE);

  assert_set_refused (f, 0, FALSE, 0, KP_CART_ERROR_INVALID_QUANTITY);
  assert_set_refused (f, 0, FALSE, -1, KP_CART_ERROR_INVALID_QUANTITY);
  assert_set_refused (f, 0, FALSE, KP_CART_MAX_QUANTITY + 1, KP_CART_ERROR_INVALID_QUANTITY);
  assert_set_refused (f, 1, TRUE, 0, KP_CART_ERROR_INVALID_AMOUNT);
  assert_set_refused (f, 1, TRUE, -1, KP_CART_ERROR_INVALID_AMOUNT);
  assert_set_refused (f, 1, TRUE, KP_CART_MAX_UNIT_PRICE + 1, KP_CART_ERROR_TOO_LARGE);
  /* 999 × 1,100 = 1,098,900 is fine; 999 × 20,000 is not. */
  g_assert_true (kp_cart_set_line_quantity (f->cart, 0, KP_CART_MAX_QUANTITY, NULL));
  assert_set_refused (f, 0, TRUE, 20000, KP_CART_ERROR_TOO_LARGE);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 999 * 1100 + 1000);
}

static void
test_limits_lines (Fixture       *f,
                   gconstpointer  data)
{
  for (guint i = 0; i < KP_CART_MAX_LINES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Item %u", i + 1);

      add (f->cart, name, 1, 1, FALSE);
    }
  g_assert_cmpuint (kp_cart_get_n_lines (f->cart), ==, 100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->cart)), ==, 100);

  assert_add_refused (f, "One more", 1, 1, KP_CART_ERROR_TOO_MANY_LINES, "100");

  /* Room again after a removal. */
  g_assert_true (kp_cart_remove_line (f->cart, 99, NULL));
  add (f->cart, "One more", 1, 1, FALSE);
  g_assert_cmpuint (kp_cart_get_n_lines (f->cart), ==, 100);
}

static void
assert_frozen_error (GError *error)
{
  g_assert_error (error, KP_CART_ERROR, KP_CART_ERROR_FROZEN);
  g_assert_nonnull (strstr (error->message, "payment"));
}

static const char *
line_name (KpCart *cart,
           guint   position)
{
  g_autoptr (KpCartLine) line = g_list_model_get_item (G_LIST_MODEL (cart), position);

  return line != NULL ? kp_cart_line_get_name (line) : NULL;
}

/* A removed line put back where it was (the cashier's undo), with its totals. */
static void
test_insert_line (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KpCartLine) removed = NULL;
  gint64 total;

  add (f->cart, "Water", 2, 1100, FALSE);
  add (f->cart, "Apples", 3, 1000, TRUE);
  add (f->cart, "Gum", 1, 500, FALSE);
  total = kp_cart_get_total (f->cart);

  removed = g_list_model_get_item (G_LIST_MODEL (f->cart), 1);
  g_assert_true (kp_cart_remove_line (f->cart, 1, NULL));
  g_assert_cmpint (kp_cart_get_tax_free (f->cart), ==, 0);
  reset_signals (f);
  g_assert_true (kp_cart_insert_line (f->cart, 1, kp_cart_line_get_name (removed),
                                      kp_cart_line_get_quantity (removed),
                                      kp_cart_line_get_unit_price (removed),
                                      kp_cart_line_get_tax_free (removed), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changes->len, ==, 1);
  assert_change (f, 0, 1, 0, 1);
  g_assert_cmpstr (line_name (f->cart, 0), ==, "Water");
  g_assert_cmpstr (line_name (f->cart, 1), ==, "Apples");
  g_assert_cmpstr (line_name (f->cart, 2), ==, "Gum");
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, total);
  g_assert_cmpint (kp_cart_get_tax_free (f->cart), ==, 3000);
  g_assert_cmpint (kp_cart_get_quantity (f->cart), ==, 6);

  /* Past the end: appended. */
  reset_signals (f);
  g_assert_true (kp_cart_insert_line (f->cart, 42, "Tea", 1, 300, FALSE, NULL));
  assert_change (f, 0, 3, 0, 1);
  g_assert_cmpstr (line_name (f->cart, 3), ==, "Tea");

  /* The same limits as adding, and nothing while frozen. */
  g_assert_false (kp_cart_insert_line (f->cart, 0, "Tea", 0, 300, FALSE, &error));
  g_assert_error (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_QUANTITY);
  g_clear_error (&error);
  kp_cart_freeze (f->cart);
  g_assert_false (kp_cart_insert_line (f->cart, 0, "Tea", 1, 300, FALSE, &error));
  assert_frozen_error (error);
  kp_cart_thaw (f->cart);
  g_assert_cmpuint (kp_cart_get_n_lines (f->cart), ==, 4);
}

/* A line checked is not added; the check says what adding would say. */
static void
test_check_line (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  add (f->cart, "Water", 2, 1100, FALSE);
  reset_signals (f);
  g_assert_true (kp_cart_check_line (f->cart, "Straw", 200, 10, &error));
  g_assert_no_error (error);
  g_assert_false (kp_cart_check_line (f->cart, "Gold", 150, 100000, &error));
  g_assert_error (error, KP_CART_ERROR, KP_CART_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (kp_cart_check_line (f->cart, " ", 1, 10, &error));
  g_assert_error (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_NAME);
  g_clear_error (&error);
  kp_cart_freeze (f->cart);
  g_assert_false (kp_cart_check_line (f->cart, "Straw", 1, 10, &error));
  assert_frozen_error (error);
  kp_cart_thaw (f->cart);
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_cmpuint (kp_cart_get_n_lines (f->cart), ==, 1);
  g_assert_cmpint (kp_cart_get_total (f->cart), ==, 2200);
}

static void
test_frozen (Fixture       *f,
             gconstpointer  data)
{
  Snapshot before;
  gboolean frozen = FALSE;

  add (f->cart, "Water", 2, 1100, FALSE);
  add (f->cart, "Apples", 1, 1000, TRUE);
  g_assert_false (kp_cart_get_frozen (f->cart));

  reset_signals (f);
  kp_cart_freeze (f->cart);
  kp_cart_freeze (f->cart);
  g_assert_cmpuint (n_notifications (f, "frozen"), ==, 1);
  g_object_get (f->cart, "frozen", &frozen, NULL);
  g_assert_true (frozen);

  before = snapshot (f->cart);
  reset_signals (f);
    {
      g_autoptr (GError) e1 = NULL;
      g_autoptr (GError) e2 = NULL;
      g_autoptr (GError) e3 = NULL;
      g_autoptr (GError) e4 = NULL;
      g_autoptr (GError) e5 = NULL;
      g_autoptr (GError) e6 = NULL;

      /* Even a change that would otherwise be invalid says "frozen" first. */
      g_assert_false (kp_cart_add_line (f->cart, "Gum", 1, 500, FALSE, &e1));
      assert_frozen_error (e1);
      g_assert_false (kp_cart_add_line (f->cart, "", 0, 0, FALSE, &e2));
      assert_frozen_error (e2);
      g_assert_false (kp_cart_remove_line (f->cart, 0, &e3));
      assert_frozen_error (e3);
      g_assert_false (kp_cart_clear (f->cart, &e4));
      assert_frozen_error (e4);
      g_assert_false (kp_cart_set_line_quantity (f->cart, 0, 5, &e5));
      assert_frozen_error (e5);
      g_assert_false (kp_cart_set_line_unit_price (f->cart, 1, 900, &e6));
      assert_frozen_error (e6);
    }
  assert_unchanged (f, &before);
  snapshot_clear (&before);

  reset_signals (f);
  kp_cart_thaw (f->cart);
  g_assert_cmpuint (n_notifications (f, "frozen"), ==, 1);
  g_assert_false (kp_cart_get_frozen (f->cart));
  kp_cart_thaw (f->cart);
  g_assert_cmpuint (n_notifications (f, "frozen"), ==, 1);

  add (f->cart, "Gum", 1, 500, FALSE);
  g_assert_true (kp_cart_set_line_quantity (f->cart, 0, 5, NULL));
  g_assert_true (kp_cart_clear (f->cart, NULL));
  g_assert_cmpuint (kp_cart_get_n_lines (f->cart), ==, 0);
}

static void
test_parse_amount (void)
{
  struct { const char *text; gint64 value; } good[] = {
    { "12300", 12300 },
    { "12,300", 12300 },
    { " 12,300 ", 12300 },
    { "\t12300\n", 12300 },
    { "₩12,300", 12300 },
    { "₩ 12,300", 12300 },
    { "12,300원", 12300 },
    { "12300 원", 12300 },
    { "₩12,300원", 12300 },
    { "\u300012,300\u3000", 12300 },       /* ideographic spaces */
    { "１２，３００", 12300 },              /* full-width, from a Korean input method */
    { "￦12,300", 12300 },                  /* full-width won sign */
    { "1", 1 },
    { "999", 999 },
    { "1,000", 1000 },
    { "1,234,567", 1234567 },
    { "10,000,000", 10000000 },
    { "10000000", 10000000 },
    { "012,300", 12300 },
  };
  struct { const char *text; int code; const char *needle; } bad[] = {
    { "", KP_CART_ERROR_INVALID_AMOUNT, NULL },
    { "   ", KP_CART_ERROR_INVALID_AMOUNT, NULL },
    { "₩", KP_CART_ERROR_INVALID_AMOUNT, NULL },
    { "원", KP_CART_ERROR_INVALID_AMOUNT, NULL },
    { "0", KP_CART_ERROR_INVALID_AMOUNT, "₩1" },
    { "000", KP_CART_ERROR_INVALID_AMOUNT, "₩1" },
    { "₩0", KP_CART_ERROR_INVALID_AMOUNT, "₩1" },
    { "-1", KP_CART_ERROR_INVALID_AMOUNT, "negative" },
    { "-1,000", KP_CART_ERROR_INVALID_AMOUNT, "negative" },
    { "-₩1,000", KP_CART_ERROR_INVALID_AMOUNT, "negative" },
    { "₩-1,000", KP_CART_ERROR_INVALID_AMOUNT, "negative" },
    { "−1000", KP_CART_ERROR_INVALID_AMOUNT, "negative" },  /* U+2212 */
    { "12.5", KP_CART_ERROR_INVALID_AMOUNT, "decimals" },
    { "12,300.00", KP_CART_ERROR_INVALID_AMOUNT, "decimals" },
    { "12.300", KP_CART_ERROR_INVALID_AMOUNT, "decimals" },
    { "abc", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "12a", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "1e5", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "0x10", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "+100", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "12 300", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "$100", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "₩₩100", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "100원원", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "Caf\xe9", KP_CART_ERROR_INVALID_AMOUNT, "digits" },
    { "1,23,00", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { "12,30", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { "1,2345", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { "1234,567", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { ",123", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { "123,", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { "1,,000", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { ",", KP_CART_ERROR_INVALID_AMOUNT, "commas" },
    { "10,000,001", KP_CART_ERROR_TOO_LARGE, "₩10,000,000" },
    { "10000001", KP_CART_ERROR_TOO_LARGE, "₩10,000,000" },
    { "9223372036854775807", KP_CART_ERROR_TOO_LARGE, "₩10,000,000" },
    { "99999999999999999999999", KP_CART_ERROR_TOO_LARGE, "₩10,000,000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 value = -1;

      g_test_message ("accept \"%s\"", good[i].text);
      g_assert_true (kp_cart_parse_amount (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, good[i].value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 value = -7;

      g_autofree char *escaped = g_strescape (bad[i].text, NULL);

      g_test_message ("refuse \"%s\"", escaped);
      g_assert_false (kp_cart_parse_amount (bad[i].text, &value, &error));
      g_assert_error (error, KP_CART_ERROR, bad[i].code);
      g_test_message ("  %s", error->message);
      g_assert_cmpstr (error->message, !=, "");
      if (bad[i].needle != NULL)
        g_assert_nonnull (strstr (error->message, bad[i].needle));
      g_assert_cmpint (value, ==, -7);
    }

  /* The output is optional, and so is the error. */
  g_assert_true (kp_cart_parse_amount ("100", NULL, NULL));
  g_assert_false (kp_cart_parse_amount ("x", NULL, NULL));
}

static void
test_parse_quantity (void)
{
  struct { const char *text; gint64 value; } good[] = {
    { "1", 1 },
    { "3", 3 },
    { " 12 ", 12 },
    { "999", 999 },
    { "007", 7 },
    { "３", 3 },
  };
  struct { const char *text; const char *needle; } bad[] = {
    { "", NULL },
    { "  ", NULL },
    { "0", "1" },
    { "-1", "1" },
    { "−2", "1" },
    { "1.5", "whole" },
    { "2.0", "whole" },
    { "1,000", "whole" },
    { "abc", "whole" },
    { "3개", "whole" },
    { "+3", "whole" },
    { "1000", "999" },
    { "99999999999999999999", "999" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 value = -1;

      g_test_message ("accept \"%s\"", good[i].text);
      g_assert_true (kp_cart_parse_quantity (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpint (value, ==, good[i].value);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 value = -7;

      g_autofree char *escaped = g_strescape (bad[i].text, NULL);

      g_test_message ("refuse \"%s\"", escaped);
      g_assert_false (kp_cart_parse_quantity (bad[i].text, &value, &error));
      g_assert_error (error, KP_CART_ERROR, KP_CART_ERROR_INVALID_QUANTITY);
      g_test_message ("  %s", error->message);
      g_assert_cmpstr (error->message, !=, "");
      if (bad[i].needle != NULL)
        g_assert_nonnull (strstr (error->message, bad[i].needle));
      g_assert_cmpint (value, ==, -7);
    }
}

static void
assert_new_sale_line (const KpJournalNewSale *sale,
                      guint                   position,
                      const char             *name,
                      gint64                  quantity,
                      gint64                  unit_price,
                      gboolean                tax_free)
{
  const KpJournalLine *line = g_ptr_array_index (sale->lines, position);

  g_assert_cmpuint (line->position, ==, position);
  g_assert_cmpstr (line->name, ==, name);
  g_assert_cmpint (line->quantity, ==, quantity);
  g_assert_cmpint (line->unit_price, ==, unit_price);
  g_assert_cmpint (line->tax_free, ==, tax_free);
  g_assert_cmpint (line->amount, ==, quantity * unit_price);
}

static void
test_to_new_sale (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (KpJournalNewSale) empty = kp_cart_to_new_sale (f->cart);
  g_autoptr (KpJournalNewSale) one = NULL;
  g_autoptr (KpJournalNewSale) two = NULL;

  /* Nothing to charge: no lines, no name, nothing owed. */
  g_assert_nonnull (empty);
  g_assert_null (empty->item_name);
  g_assert_cmpuint (empty->lines->len, ==, 0);
  g_assert_cmpint (empty->total_amount, ==, 0);
  g_assert_cmpint (empty->quantity, ==, 0);

  /* One line: its name is the item_name unchanged. */
  add (f->cart, " 아이스 아메리카노 ", 2, 4500, FALSE);
  one = kp_cart_to_new_sale (f->cart);
  g_assert_cmpstr (one->item_name, ==, "아이스 아메리카노");
  g_assert_cmpint (one->quantity, ==, 2);
  g_assert_cmpint (one->total_amount, ==, 9000);
  g_assert_cmpint (one->tax_free_amount, ==, 0);
  g_assert_cmpint (one->vat_amount, ==, 818);
  g_assert_cmpuint (one->lines->len, ==, 1);
  assert_new_sale_line (one, 0, "아이스 아메리카노", 2, 4500, FALSE);

  /* Two lines: the first name and how many more; the totals are the cart's, VAT by
   * KakaoPay's rule on the taxable part only. */
  add (f->cart, "생수", 1, 1000, TRUE);
  reset_signals (f);
  two = kp_cart_to_new_sale (f->cart);
  g_assert_cmpstr (two->item_name, ==, "아이스 아메리카노 and 1 more");
  g_assert_cmpint (two->quantity, ==, 3);
  g_assert_cmpint (two->total_amount, ==, 10000);
  g_assert_cmpint (two->tax_free_amount, ==, 1000);
  g_assert_cmpint (two->vat_amount, ==, kp_vat_default (10000, 1000));
  g_assert_cmpint (two->vat_amount, ==, kp_cart_get_vat (f->cart));
  g_assert_cmpuint (two->lines->len, ==, 2);
  assert_new_sale_line (two, 0, "아이스 아메리카노", 2, 4500, FALSE);
  assert_new_sale_line (two, 1, "생수", 1, 1000, TRUE);

  /* Who charges it, with which merchant and nonce, is the checkout's to say. */
  g_assert_null (two->terminal_id);
  g_assert_null (two->partner_user_id);
  g_assert_null (two->cid);
  g_assert_null (two->dialect);
  g_assert_null (two->nonce);
  g_assert_null (two->retry_of);

  /* Reading the cart does not change it, and the sale is a copy: the cart may move on. */
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (f->notifications), ==, 0);
  g_assert_true (kp_cart_clear (f->cart, NULL));
  g_assert_cmpuint (two->lines->len, ==, 2);
  assert_new_sale_line (two, 1, "생수", 1, 1000, TRUE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/kp/cart/line", test_line);
  g_test_add_func ("/kp/cart/parse-amount", test_parse_amount);
  g_test_add_func ("/kp/cart/parse-quantity", test_parse_quantity);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/kp/cart/totals", test_totals);
  ADD ("/kp/cart/notify", test_notify);
  ADD ("/kp/cart/items-changed", test_items_changed);
  ADD ("/kp/cart/item-name", test_item_name);
  ADD ("/kp/cart/item-name-cut", test_item_name_cut);
  ADD ("/kp/cart/limits-name", test_limits_name);
  ADD ("/kp/cart/limits-quantity", test_limits_quantity);
  ADD ("/kp/cart/limits-price", test_limits_price);
  ADD ("/kp/cart/limits-line-amount", test_limits_line_amount);
  ADD ("/kp/cart/limits-total", test_limits_total);
  ADD ("/kp/cart/limits-lines", test_limits_lines);
  ADD ("/kp/cart/set-line-refused", test_set_line_refused);
  ADD ("/kp/cart/frozen", test_frozen);
  ADD ("/kp/cart/insert-line", test_insert_line);
  ADD ("/kp/cart/check-line", test_check_line);
  ADD ("/kp/cart/to-new-sale", test_to_new_sale);
#undef ADD

  return g_test_run ();
}
