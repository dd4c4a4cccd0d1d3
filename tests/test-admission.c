/* test-admission.c: connections counted per address and in all (kp-admission.c)
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "kp-admission.h"

typedef struct
{
  KpAdmissionEntry entry;
  const char      *name;
  gboolean         started;
} Connection;

static GPtrArray *started;

static void
start_cb (gpointer owner)
{
  Connection *connection = owner;

  g_assert_false (connection->started);
  connection->started = TRUE;
  g_ptr_array_add (started, connection);
}

static void
test_turns (void)
{
  g_autoptr (KpAdmission) admission = kp_admission_new (4, 2, start_cb);
  Connection a[3] = { { .name = "a0" }, { .name = "a1" }, { .name = "a2" } };
  Connection b = { .name = "b0" };
  Connection c = { .name = "c0" };
  gboolean full = TRUE;

  started = g_ptr_array_new ();

  /* Two of one address are read at a time; the third waits, unread. */
  for (guint i = 0; i < 3; i++)
    kp_admission_add (admission, &a[i].entry, &a[i], "192.0.2.1");
  g_assert_true (a[0].started && a[1].started);
  g_assert_false (a[2].started);
  /* Another address has turns of its own. */
  kp_admission_add (admission, &b.entry, &b, "192.0.2.2");
  g_assert_true (b.started);
  g_assert_cmpuint (kp_admission_get_n (admission), ==, 4);

  /* All four places taken: the oldest idle one is to make room. Once its head is in
   * (served), the next oldest is. */
  g_assert_true (kp_admission_make_room (admission, &full) == &a[0]);
  g_assert_true (full);
  a[0].entry.idle = FALSE;
  g_assert_true (kp_admission_make_room (admission, &full) == &a[1]);

  /* One of the address's ends: the waiting one gets its turn. */
  kp_admission_remove (admission, &a[1].entry);
  g_assert_true (a[2].started);
  g_assert_true (started->pdata[started->len - 1] == &a[2]);
  g_assert_cmpuint (kp_admission_get_n (admission), ==, 3);
  g_assert_true (kp_admission_make_room (admission, &full) == NULL);
  g_assert_false (full);

  /* Full of connections that are all served: nothing to drop, the new one is refused. */
  kp_admission_add (admission, &c.entry, &c, "192.0.2.3");
  a[2].entry.idle = FALSE;
  b.entry.idle = FALSE;
  c.entry.idle = FALSE;
  g_assert_null (kp_admission_make_room (admission, &full));
  g_assert_true (full);

  /* Removed twice is removed once; the oldest is the one first added. */
  kp_admission_remove (admission, &a[1].entry);
  g_assert_true (kp_admission_peek_oldest (admission) == &a[0]);
  kp_admission_remove (admission, &a[0].entry);
  kp_admission_remove (admission, &a[2].entry);
  kp_admission_remove (admission, &b.entry);
  kp_admission_remove (admission, &c.entry);
  g_assert_cmpuint (kp_admission_get_n (admission), ==, 0);
  g_assert_null (kp_admission_peek_oldest (admission));
  g_clear_pointer (&started, g_ptr_array_unref);
}

/* A waiting connection that ends before its turn is never started. */
static void
test_waiting_ends (void)
{
  g_autoptr (KpAdmission) admission = kp_admission_new (8, 1, start_cb);
  Connection first = { .name = "first" };
  Connection waiting = { .name = "waiting" };
  Connection last = { .name = "last" };

  started = g_ptr_array_new ();
  kp_admission_add (admission, &first.entry, &first, "2001:db8::1");
  kp_admission_add (admission, &waiting.entry, &waiting, "2001:db8::1");
  kp_admission_add (admission, &last.entry, &last, "2001:db8::1");
  g_assert_cmpuint (started->len, ==, 1);
  kp_admission_remove (admission, &waiting.entry);
  kp_admission_remove (admission, &first.entry);
  g_assert_false (waiting.started);
  g_assert_true (last.started);
  kp_admission_remove (admission, &last.entry);
  g_clear_pointer (&started, g_ptr_array_unref);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kp/admission/turns", test_turns);
  g_test_add_func ("/kp/admission/waiting-ends", test_waiting_ends);

  return g_test_run ();
}
