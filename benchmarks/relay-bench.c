/* relay-bench.c: kakaopay-relay under load, against a baseline in the same run
 *
 *   relay-bench RELAY_EXE [TERMINALS] [CALLBACKS] [CONCURRENCY]
 *
 * Environment: KP_BENCH_RELAYS=N runs N relay processes (terminal t connects to relay
 * t mod N, its callbacks go to the next relay: another process); KP_BENCH_DATABASE=
 * CONNINFO gives them `database=` (KP_BENCH_POSTGRES_PID, the postmaster's pid, adds
 * PostgreSQL's CPU to the figures); KP_BENCH_HOSTILE=1 adds, during every phase, 200
 * idle connections that never finish their request and a thread firing bad requests.
 *
 * Starts the relay on loopback, connects TERMINALS relay clients (WebSocket), fires
 * CALLBACKS customer redirects with CONCURRENCY in flight, and prints callbacks/s and
 * the push latency (callback request sent → event handed to the terminal's listener).
 * The terminals run on 32 threads of their own (as they would be separate machines),
 * so the load generator's main loop does not poll their sockets.
 * The baseline is a plain GET of the relay's trivial /health handler: same server,
 * same libsoup client, same one-request-per-connection rule. Then the same again with
 * one request at a time, for latency without queueing.
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "kp-approval-listener.h"
#include "kp-relay-client.h"

#define TERMINAL_THREADS 32
#define MAX_RELAYS       8
#define IDLE_CONNECTIONS 200

typedef struct
{
  SoupSession        *session;
  GMutex              lock;         /* sent_at, push, n_received, n_unexpected */
  GHashTable         *sent_at;      /* order id → gint64 µs, owned */
  GArray             *push;         /* gdouble ms: request sent → event at the listener */
  GArray             *round_trip;   /* gdouble ms: request sent → response read */
  char               *url;          /* the first relay's */
  char               *urls[MAX_RELAYS];
  guint               n_relays;
  guint               n_terminals;
  guint               n_callbacks;
  guint               n_latency;
  gint                n_connected;  /* atomic */
  guint               in_flight;
  guint               n_ok;
  guint               n_failed;
  guint               n_received;
  guint               n_unexpected;
} Bench;

typedef struct
{
  Bench  *bench;
  gint64  sent;
} Request;

/* A thread with its share of the terminals and their listener. */
typedef struct
{
  Bench        *bench;
  guint         first;
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
} Worker;

static char *
terminal_name (guint t)
{
  return g_strdup_printf ("B%04u", t);
}

static char *
terminal_token (guint t)
{
  g_autofree char *seed = g_strdup_printf ("bench terminal %u", t);

  /* 64 hex digits of no pattern: the relay refuses guessable tokens */
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, seed, -1);
}

/* Another in every run: a database keeps the orders of the runs before. */
static guint32 run_tag;

static char *
order_name (guint round,
            guint i,
            guint n_terminals)
{
  return g_strdup_printf ("B%04u-%08x-%u-%u", i % n_terminals, run_tag, round, i);
}

static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
percentile (GArray *values,
            gdouble p)
{
  guint index;

  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_doubles);
  index = MIN (values->len - 1, (guint) (p / 100.0 * values->len));
  return g_array_index (values, gdouble, index);
}

/* CPU seconds (user + system) used so far by @pid, from /proc. */
static gdouble
process_cpu (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *after_name;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (after_name = strrchr (text, ')')) == NULL)
    return 0;
  fields = g_strsplit (after_name + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  /* Fields 14 and 15 of stat(5), utime and stime, are 11 and 12 after the name. */
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) /
         sysconf (_SC_CLK_TCK);
}

/* CPU seconds of the postmaster @pid and its children (the backends). */
static gdouble
postgres_cpu (GPid pid)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;
  gdouble total;

  if (pid == 0)
    return 0;
  total = process_cpu (pid);
  dir = g_dir_open ("/proc", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *text = NULL;
      const char *after_name;
      int ppid = 0;

      if (!g_ascii_isdigit (name[0]))
        continue;
      path = g_strdup_printf ("/proc/%s/stat", name);
      if (!g_file_get_contents (path, &text, NULL, NULL) ||
          (after_name = strrchr (text, ')')) == NULL)
        continue;
      /* ") S PPID …" */
      if (sscanf (after_name + 2, "%*c %d", &ppid) == 1 && ppid == pid)
        total += process_cpu (atoi (name));
    }
  return total;
}

/* Peak resident memory of @pid in KiB (VmHWM). */
static guint64
process_peak_rss (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) ||
      (line = strstr (text, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtoull (line + strlen ("VmHWM:"), NULL, 10);
}

static GPid relay_pids[MAX_RELAYS];
static guint n_relay_pids;
static GPid postgres_pid;
static gdouble phase_relay_cpu;
static gdouble phase_postgres_cpu;
static gdouble phase_own_cpu;
static gint64 phase_start;

static gdouble
relays_cpu (void)
{
  gdouble total = 0;

  for (guint i = 0; i < n_relay_pids; i++)
    total += process_cpu (relay_pids[i]);
  return total;
}

static void
phase_begin (void)
{
  phase_relay_cpu = relays_cpu ();
  phase_postgres_cpu = postgres_cpu (postgres_pid);
  phase_own_cpu = process_cpu (getpid ());
  phase_start = g_get_monotonic_time ();
}

/* Where the CPU went during the phase: the relay, and this process (the phones'
 * requests and the terminals). */
static void
phase_end (guint n)
{
  gdouble seconds = (g_get_monotonic_time () - phase_start) / 1e6;
  gdouble relay = relays_cpu () - phase_relay_cpu;
  gdouble postgres = postgres_cpu (postgres_pid) - phase_postgres_cpu;
  gdouble own = process_cpu (getpid ()) - phase_own_cpu;

  g_print ("    CPU: relay%s %.0f %% (%.0f µs per request, so one core would take ~%.0f/s), "
           "load generator and terminals %.0f %%",
           n_relay_pids > 1 ? "s" : "", 100 * relay / seconds, 1e6 * relay / MAX (n, 1),
           relay > 0 ? n / relay : 0, 100 * own / seconds);
  if (postgres_pid != 0)
    g_print (", PostgreSQL %.0f %% (%.0f µs per request)", 100 * postgres / seconds,
             1e6 * postgres / MAX (n, 1));
  g_print ("\n");
}

static void
on_callback_cb (KpApprovalListener *listener,
                const char         *order_id,
                KpCallbackKind      kind,
                const char         *pg_token,
                Bench              *bench)
{
  gint64 now = g_get_monotonic_time ();
  gpointer sent;

  kp_approval_listener_forget (listener, order_id);
  g_mutex_lock (&bench->lock);
  if (g_hash_table_lookup_extended (bench->sent_at, order_id, NULL, &sent))
    {
      bench->n_received++;
      g_array_append_val (bench->push, (gdouble) { (now - *(gint64 *) sent) / 1000.0 });
    }
  else
    bench->n_unexpected++;
  g_mutex_unlock (&bench->lock);
}

static void
on_response_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autofree Request *request = user_data;
  Bench *bench = request->bench;
  g_autoptr (GBytes) body = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK)
    bench->n_ok++;
  else
    bench->n_failed++;
  g_array_append_val (bench->round_trip,
                      (gdouble) { (g_get_monotonic_time () - request->sent) / 1000.0 });
  bench->in_flight--;
}

static void
send_get (Bench      *bench,
          const char *url,
          const char *order_id)
{
  g_autoptr (SoupMessage) msg = soup_message_new ("GET", url);
  Request *request = g_new0 (Request, 1);

  request->bench = bench;
  request->sent = g_get_monotonic_time ();
  if (order_id != NULL)
    {
      gint64 *sent = g_new (gint64, 1);

      *sent = request->sent;
      g_mutex_lock (&bench->lock);
      g_hash_table_replace (bench->sent_at, g_strdup (order_id), sent);
      g_mutex_unlock (&bench->lock);
    }
  bench->in_flight++;
  soup_session_send_and_read_async (bench->session, msg, G_PRIORITY_DEFAULT, NULL,
                                    on_response_cb, request);
}

static void
reset (Bench *bench)
{
  g_mutex_lock (&bench->lock);
  g_array_set_size (bench->push, 0);
  bench->n_received = bench->n_unexpected = 0;
  g_mutex_unlock (&bench->lock);
  g_array_set_size (bench->round_trip, 0);
  bench->n_ok = bench->n_failed = 0;
}

static guint
received (Bench *bench)
{
  guint n;

  g_mutex_lock (&bench->lock);
  n = bench->n_received;
  g_mutex_unlock (&bench->lock);
  return n;
}

static void
on_state_notify_cb (KpRelayClient *client,
                    GParamSpec    *pspec,
                    Bench         *bench)
{
  if (kp_relay_client_get_state (client) == KP_RELAY_STATE_WEBSOCKET)
    g_atomic_int_inc (&bench->n_connected);
}

/* Every sale this worker's terminals will see, expected up front. */
static void
expect_orders (Bench              *bench,
               KpApprovalListener *listener,
               guint               t,
               guint               round,
               guint               n)
{
  g_autofree char *token = terminal_token (t);

  for (guint i = t; i < n; i += bench->n_terminals)
    {
      g_autofree char *order = order_name (round, i, bench->n_terminals);
      g_autofree char *nonce = kp_relay_nonce (token, order);

      kp_approval_listener_expect (listener, order, nonce);
    }
}

static gpointer
worker_main (gpointer user_data)
{
  Worker *worker = user_data;
  Bench *bench = worker->bench;
  g_autoptr (KpApprovalListener) listener = NULL;
  g_autoptr (GPtrArray) clients = g_ptr_array_new_with_free_func (g_object_unref);

  g_main_context_push_thread_default (worker->context);
  listener = kp_approval_listener_new ();
  g_signal_connect (listener, "callback", G_CALLBACK (on_callback_cb), bench);
  for (guint t = worker->first; t < bench->n_terminals; t += TERMINAL_THREADS)
    {
      g_autofree char *name = terminal_name (t);
      g_autofree char *token = terminal_token (t);
      KpRelayClient *client = kp_relay_client_new (bench->urls[t % bench->n_relays], name,
                                                   token, listener);

      expect_orders (bench, listener, t, 1, bench->n_callbacks);
      expect_orders (bench, listener, t, 2, bench->n_latency);
      g_signal_connect (client, "notify::state", G_CALLBACK (on_state_notify_cb), bench);
      g_ptr_array_add (clients, client);
    }
  /* 25 at a time per thread (the relay bounds handshakes in progress). */
  for (guint i = 0; i < clients->len; i++)
    {
      kp_relay_client_start (clients->pdata[i]);
      if (i % 25 == 24)
        while (g_main_context_iteration (worker->context, FALSE))
          ;
    }
  g_main_loop_run (worker->loop);

  for (guint i = 0; i < clients->len; i++)
    kp_relay_client_stop (clients->pdata[i]);
  g_clear_pointer (&clients, g_ptr_array_unref);
  g_clear_object (&listener);
  g_main_context_pop_thread_default (worker->context);
  return NULL;
}

/* @n plain GETs of /health, @concurrency at a time. */
static void
run_baseline (Bench *bench,
              guint  n,
              guint  concurrency)
{
  char *urls[MAX_RELAYS] = { NULL };
  gint64 start;
  gdouble seconds;

  for (guint r = 0; r < bench->n_relays; r++)
    urls[r] = g_strdup_printf ("%s/health", bench->urls[r]);
  reset (bench);
  phase_begin ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      while (bench->in_flight >= concurrency)
        g_main_context_iteration (NULL, TRUE);
      send_get (bench, urls[i % bench->n_relays], NULL);
    }
  for (guint r = 0; r < bench->n_relays; r++)
    g_free (urls[r]);
  while (bench->in_flight > 0)
    g_main_context_iteration (NULL, TRUE);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_print ("  baseline GET /health   %6u requests  %8.0f req/s   round trip p50 %6.2f ms  "
           "p99 %6.2f ms  (%u failed)\n",
           n, n / seconds, percentile (bench->round_trip, 50), percentile (bench->round_trip, 99),
           bench->n_failed);
  phase_end (n);
}

/* @n customer redirects spread over the terminals, @concurrency at a time. */
static void
run_callbacks (Bench *bench,
               guint  n,
               guint  concurrency,
               guint  round)
{
  gint64 start, deadline;
  gdouble seconds;

  reset (bench);
  phase_begin ();
  start = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = terminal_name (i % bench->n_terminals);
      g_autofree char *token = terminal_token (i % bench->n_terminals);
      g_autofree char *order = order_name (round, i, bench->n_terminals);
      g_autofree char *secret = kp_relay_nonce (token, order);
      g_autofree char *nonce = kp_callback_link_nonce (secret, KP_CALLBACK_APPROVE, order,
                                                       G_MAXINT32);
      /* Taken by the relay after the terminal's: another process when there are several. */
      const char *relay = bench->urls[(i % bench->n_terminals + 1) % bench->n_relays];
      g_autofree char *url = g_strdup_printf ("%s/t/%s/approve/%s?n=%s&pg_token=pg", relay,
                                              name, order, nonce);

      while (bench->in_flight >= concurrency)
        g_main_context_iteration (NULL, TRUE);
      send_get (bench, url, order);
    }
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while ((bench->in_flight > 0 || received (bench) < bench->n_ok) &&
         g_get_monotonic_time () < deadline)
    {
      if (bench->in_flight > 0)
        g_main_context_iteration (NULL, TRUE);
      else
        g_usleep (100);
    }
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_print ("  relay callbacks        %6u requests  %8.0f cb/s    round trip p50 %6.2f ms  "
           "p99 %6.2f ms  (%u failed)\n",
           n, bench->n_received / seconds, percentile (bench->round_trip, 50),
           percentile (bench->round_trip, 99), bench->n_failed);
  g_print ("  push latency (request sent → event at the terminal)    "
           "p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n",
           percentile (bench->push, 50), percentile (bench->push, 99),
           percentile (bench->push, 100));
  phase_end (n);
  g_mutex_lock (&bench->lock);
  g_print ("  delivered %u of %u, %u unexpected\n", bench->n_received, n, bench->n_unexpected);
  g_hash_table_remove_all (bench->sent_at);
  g_mutex_unlock (&bench->lock);
}

/* Until the relay's database is online (/health answers 200). */
static void
wait_online (const char *url)
{
  g_autoptr (SoupSession) session = soup_session_new ();
  g_autofree char *health = g_strdup_printf ("%s/health", url);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (SoupMessage) msg = soup_message_new ("GET", health);
      g_autoptr (GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);

      if (soup_message_get_status (msg) == SOUP_STATUS_OK)
        return;
      g_usleep (50000);
    }
  g_error ("%s never came online", url);
}

/* Idle connections that never finish their request, and bad requests one after the
 * other, on a thread of their own, for as long as the benchmark runs. */
typedef struct
{
  GSocketAddress *address;
  GSocketAddress *source;     /* 127.0.0.2 */
  GThread        *thread;
  gint            stop;       /* atomic */
  guint           n_bad;
  guint           n_idle_opened;
} Hostile;

static GSocket *
hostile_connect (Hostile *hostile)
{
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, NULL);

  g_socket_set_timeout (socket, 2);
  /* From an address of its own, as an attacker's would be: the relay's limits per
   * address then bear on it, not on the customers. */
  if (socket == NULL || !g_socket_bind (socket, hostile->source, TRUE, NULL) ||
      !g_socket_connect (socket, hostile->address, NULL, NULL))
    g_clear_object (&socket);
  return socket;
}

static gpointer
hostile_main (gpointer user_data)
{
  static const char * const bad[] = {
    "GET /t/B0000/approve/X1?n=4102444800.0123456789abcdef0123456789abcdef&pg_token=x "
    "HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /t/NOBODY/approve/X1?n=1 HTTP/1.1\r\nHost: x\r\n\r\n",
    "GET /t/B0000/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n\r\n",
    "POST /t/B0000/approve/X HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 not http at all\r\n\r\n",
  };
  Hostile *hostile = user_data;
  GSocket *idle[IDLE_CONNECTIONS] = { NULL };
  char buffer[4096];

  while (!g_atomic_int_get (&hostile->stop))
    {
      GSocket *socket;

      /* Keep every idle connection open: one the relay closed is opened again. */
      for (guint i = 0; i < IDLE_CONNECTIONS; i++)
        {
          if (idle[i] != NULL &&
              g_socket_condition_check (idle[i], G_IO_IN | G_IO_HUP | G_IO_ERR) == 0)
            continue;
          g_clear_object (&idle[i]);
          idle[i] = hostile_connect (hostile);
          if (idle[i] != NULL)
            {
              g_socket_send (idle[i], "GET / HTTP/1.1\r\nHost:", 21, NULL, NULL);
              hostile->n_idle_opened++;
            }
        }
      for (guint i = 0; i < 20 && !g_atomic_int_get (&hostile->stop); i++)
        {
          const char *request = bad[hostile->n_bad % G_N_ELEMENTS (bad)];

          socket = hostile_connect (hostile);
          if (socket == NULL)
            continue;
          g_socket_send (socket, request, strlen (request), NULL, NULL);
          while (g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL) > 0)
            ;
          g_object_unref (socket);
          hostile->n_bad++;
        }
    }
  for (guint i = 0; i < IDLE_CONNECTIONS; i++)
    g_clear_object (&idle[i]);
  return NULL;
}

static void
hostile_start (Hostile    *hostile,
               const char *url)
{
  g_autoptr (GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);

  g_autoptr (GInetAddress) other = g_inet_address_new_from_string ("127.0.0.2");

  hostile->address = g_inet_socket_address_new (loopback, g_uri_get_port (uri));
  hostile->source = g_inet_socket_address_new (other, 0);
  hostile->thread = g_thread_new ("hostile", hostile_main, hostile);
  g_usleep (G_USEC_PER_SEC);
}

static void
hostile_stop (Hostile *hostile)
{
  g_atomic_int_set (&hostile->stop, TRUE);
  g_thread_join (hostile->thread);
  g_print ("  hostile: %u bad requests answered or refused, %u idle connections opened\n",
           hostile->n_bad, hostile->n_idle_opened);
  g_clear_object (&hostile->address);
  g_clear_object (&hostile->source);
}

int
main (int   argc,
      char *argv[])
{
  guint n_terminals = argc > 2 ? atoi (argv[2]) : 1000;
  guint n_callbacks = argc > 3 ? atoi (argv[3]) : 10000;
  guint concurrency = argc > 4 ? atoi (argv[4]) : 64;
  g_autoptr (GString) config = g_string_new ("[relay]\nmax-connections=1024\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  GSubprocess *relays[MAX_RELAYS] = { NULL };
  g_autofree char *dir = NULL;
  g_autofree char *config_path = NULL;
  const char *database = g_getenv ("KP_BENCH_DATABASE");
  Hostile hostile = { NULL };
  struct rlimit limit;
  Bench bench = { NULL };
  Worker workers[TERMINAL_THREADS] = { { NULL } };
  gint64 start, deadline;

  setlocale (LC_ALL, "");
  run_tag = g_random_int ();
  if (argc < 2)
    {
      g_printerr ("usage: relay-bench RELAY_EXE [TERMINALS] [CALLBACKS] [CONCURRENCY]\n");
      return 2;
    }

  /* A socket per terminal here and in the relay. */
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
      getrlimit (RLIMIT_NOFILE, &limit);
    }
  if (limit.rlim_cur < n_terminals + 256)
    g_printerr ("warning: only %lu file descriptors for %u terminals\n",
                (unsigned long) limit.rlim_cur, n_terminals);

  dir = g_dir_make_tmp ("kp-relay-bench-XXXXXX", &error);
  g_assert_no_error (error);
  config_path = g_build_filename (dir, "relay.conf", NULL);
  if (database != NULL)
    g_string_append_printf (config, "database=%s\n", database);
  for (guint i = 0; i < n_terminals; i++)
    {
      g_autofree char *token = terminal_token (i);

      g_string_append_printf (config, "[terminal B%04u]\ntoken=%s\n", i, token);
    }
  g_file_set_contents_full (config_path, config->str, config->len, G_FILE_SET_CONTENTS_NONE,
                            0600, &error);
  g_assert_no_error (error);

  bench.n_relays = CLAMP (g_ascii_strtoull (g_getenv ("KP_BENCH_RELAYS") != NULL ?
                                             g_getenv ("KP_BENCH_RELAYS") : "1", NULL, 10),
                          1, MAX_RELAYS);
  if (g_getenv ("KP_BENCH_POSTGRES_PID") != NULL)
    postgres_pid = atoi (g_getenv ("KP_BENCH_POSTGRES_PID"));
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  for (guint r = 0; r < bench.n_relays; r++)
    {
      g_autoptr (GDataInputStream) out = NULL;
      g_autofree char *line = NULL;

      relays[r] = g_subprocess_launcher_spawn (launcher, &error, argv[1], "--config",
                                               config_path, "--listen", "127.0.0.1:0", NULL);
      g_assert_no_error (error);
      relay_pids[n_relay_pids++] = atoi (g_subprocess_get_identifier (relays[r]));
      out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (relays[r]));
      line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (line != NULL && g_str_has_prefix (line, "listening on "));
      bench.urls[r] = g_strdup (line + strlen ("listening on "));
      if (database != NULL)
        wait_online (bench.urls[r]);
    }
  bench.url = g_strdup (bench.urls[0]);

  bench.session = soup_session_new_with_options ("timeout", 30, "max-conns", concurrency * 2,
                                                 "max-conns-per-host", concurrency, NULL);
  g_mutex_init (&bench.lock);
  bench.n_terminals = n_terminals;
  bench.n_callbacks = n_callbacks;
  bench.n_latency = MIN (n_callbacks, 1000);
  bench.sent_at = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  bench.push = g_array_new (FALSE, FALSE, sizeof (gdouble));
  bench.round_trip = g_array_new (FALSE, FALSE, sizeof (gdouble));

  g_print ("%s benchmark: %u terminals, %u callbacks, %u in flight, %u process%s%s%s\n",
           argv[1], n_terminals, n_callbacks, concurrency, bench.n_relays,
           bench.n_relays > 1 ? "es" : "", database != NULL ? ", PostgreSQL" : ", in memory",
           g_getenv ("KP_BENCH_HOSTILE") != NULL ? ", under a flood of bad requests and "
           "idle connections" : "");

  start = g_get_monotonic_time ();
  for (guint i = 0; i < TERMINAL_THREADS; i++)
    {
      workers[i].bench = &bench;
      workers[i].first = i;
      workers[i].context = g_main_context_new ();
      workers[i].loop = g_main_loop_new (workers[i].context, FALSE);
      workers[i].thread = g_thread_new ("terminals", worker_main, &workers[i]);
    }
  deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while ((guint) g_atomic_int_get (&bench.n_connected) < n_terminals &&
         g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_print ("  %d of %u terminals on a WebSocket after %.2f s (%d terminal threads)\n",
           g_atomic_int_get (&bench.n_connected), n_terminals,
           (g_get_monotonic_time () - start) / 1e6, TERMINAL_THREADS);

  if (g_getenv ("KP_BENCH_HOSTILE") != NULL)
    hostile_start (&hostile, bench.urls[0]);
  g_print ("throughput (%u in flight):\n", concurrency);
  run_baseline (&bench, n_callbacks, concurrency);
  run_callbacks (&bench, n_callbacks, concurrency, 1);
  g_print ("latency (one at a time):\n");
  run_baseline (&bench, bench.n_latency, 1);
  run_callbacks (&bench, bench.n_latency, 1, 2);

  for (guint i = 0; i < TERMINAL_THREADS; i++)
    {
      g_main_loop_quit (workers[i].loop);
      g_thread_join (workers[i].thread);
      g_main_loop_unref (workers[i].loop);
      g_main_context_unref (workers[i].context);
    }
  if (hostile.thread != NULL)
    hostile_stop (&hostile);
  for (guint r = 0; r < bench.n_relays; r++)
    {
      g_print ("  relay %u: peak RSS %.1f MiB\n", r + 1,
               process_peak_rss (relay_pids[r]) / 1024.0);
      g_subprocess_send_signal (relays[r], SIGTERM);
      g_subprocess_wait (relays[r], NULL, NULL);
      g_object_unref (relays[r]);
      g_free (bench.urls[r]);
    }
  g_unlink (config_path);
  g_rmdir (dir);
  g_free (bench.url);

  g_object_unref (bench.session);
  g_hash_table_unref (bench.sent_at);
  g_array_unref (bench.push);
  g_array_unref (bench.round_trip);
  return 0;
}
