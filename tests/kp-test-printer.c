/* kp-test-printer.c: a receipt printer for tests, over loopback TCP, and a reader of
 * the ESC/POS jobs it takes
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "kp-test-printer.h"
/* The test printer's reading of a job: ESC/POS commands skipped (the QR code's data
 * kept), text decoded from CP949, one string per line. */

void
job_free (Job *job)
{
  g_ptr_array_unref (job->lines);
  g_free (job->qr);
  g_free (job);
}


static void
flush_text (Job        *job,
            GByteArray *text)
{
  g_autoptr (GError) error = NULL;
  char *line;

  line = g_convert ((const char *) text->data, text->len, "UTF-8", "CP949", NULL, NULL,
                    &error);
  g_assert_no_error (error);
  g_ptr_array_add (job->lines, line);
  g_byte_array_set_size (text, 0);
}

Job *
parse_escpos (const guint8 *data,
              gsize         len)
{
  Job *job = g_new0 (Job, 1);
  g_autoptr (GByteArray) text = g_byte_array_new ();
  gboolean bold = FALSE;
  gsize i = 0;

  job->lines = g_ptr_array_new_with_free_func (g_free);

  while (i < len)
    {
      guint8 b = data[i];

      if (b == '\n')
        {
          if (bold)
            job->bold_lines++;
          flush_text (job, text);
          i++;
        }
      else if (b == 0x1b)
        {
          g_assert_cmpuint (i + 1, <, len);
          if (data[i + 1] == '@')
            i += 2;
          else
            {
              g_assert_cmpuint (i + 2, <, len);
              g_assert_nonnull (strchr ("ERtad", data[i + 1]));
              if (data[i + 1] == 'E')
                bold = data[i + 2] != 0;
              i += 3;
            }
        }
      else if (b == 0x1c)
        {
          g_assert_cmpuint (i + 1, <, len);
          if (data[i + 1] == '&')
            job->korean_mode = TRUE;
          i += 2;
        }
      else if (b == 0x10)
        {
          g_assert_cmpuint (i + 2, <, len);
          g_assert_cmpuint (data[i + 1], ==, 0x04);
          job->status_requests++;
          i += 3;
        }
      else if (b == 0x1d)
        {
          g_assert_cmpuint (i + 2, <, len);
          if (data[i + 1] == '!')
            i += 3;
          else if (data[i + 1] == 'V')
            {
              job->cut = TRUE;
              i += data[i + 2] >= 65 ? 4 : 3;
            }
          else if (data[i + 1] == '(' && data[i + 2] == 'k')
            {
              gsize n;

              g_assert_cmpuint (i + 6, <, len);
              n = data[i + 3] | (data[i + 4] << 8);
              g_assert_cmpuint (i + 5 + n, <=, len);
              if (data[i + 6] == 80)
                {
                  g_free (job->qr);
                  job->qr = g_strndup ((const char *) data + i + 8, n - 3);
                }
              i += 5 + n;
            }
          else
            g_error ("unknown GS command 0x%02x", data[i + 1]);
        }
      else
        {
          g_assert_cmpuint (b, >=, 0x20);
          g_byte_array_append (text, &b, 1);
          i++;
        }
    }

  g_assert_cmpuint (text->len, ==, 0);
  return job;
}

Job *
parse_bytes (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return parse_escpos (data, len);
}

char *
job_text (Job *job)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < job->lines->len; i++)
    {
      g_string_append (text, g_ptr_array_index (job->lines, i));
      g_string_append_c (text, '\n');
    }

  return g_string_free (text, FALSE);
}


/* The test printer: a loopback TCP server that takes jobs, answers DLE EOT with
 * @status (0 for no answer) and keeps each job's bytes. */

typedef struct
{
  TestPrinter       *printer;
  GSocketConnection *connection;
  GByteArray        *received;
  guint8             buffer[4096];
  gboolean           answered;
} TestJob;

static void
test_job_free (TestJob *job)
{
  g_object_unref (job->connection);
  g_byte_array_unref (job->received);
  g_free (job);
}

static void test_job_read (TestJob *job);

static void
on_test_job_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  TestJob *job = user_data;
  g_autoptr (GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (n <= 0)
    {
      g_ptr_array_add (job->printer->jobs,
                       g_byte_array_free_to_bytes (g_byte_array_ref (job->received)));
      job->printer->open--;
      test_job_free (job);
      return;
    }

  g_byte_array_append (job->received, job->buffer, n);
  if (!job->answered && job->printer->status != 0 && job->received->len >= 3 &&
      memcmp (job->received->data, "\x10\x04\x04", 3) == 0)
    {
      GOutputStream *output = g_io_stream_get_output_stream (G_IO_STREAM (job->connection));

      job->answered = TRUE;
      g_output_stream_write_all (output, &job->printer->status, 1, NULL, NULL, NULL);
    }

  test_job_read (job);
}

static void
test_job_read (TestJob *job)
{
  GInputStream *input = g_io_stream_get_input_stream (G_IO_STREAM (job->connection));

  g_input_stream_read_async (input, job->buffer, sizeof job->buffer, G_PRIORITY_DEFAULT,
                             NULL, on_test_job_read, job);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  TestJob *job = g_new0 (TestJob, 1);

  job->printer = user_data;
  job->connection = g_object_ref (connection);
  job->received = g_byte_array_new ();
  job->printer->open++;
  test_job_read (job);
  return TRUE;
}

TestPrinter *
test_printer_new (guint8 status)
{
  TestPrinter *printer = g_new0 (TestPrinter, 1);
  g_autoptr (GError) error = NULL;

  printer->status = status;
  printer->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  printer->service = g_socket_service_new ();
  printer->port = g_socket_listener_add_any_inet_port (G_SOCKET_LISTENER (printer->service),
                                                      NULL, &error);
  g_assert_no_error (error);
  g_signal_connect (printer->service, "incoming", G_CALLBACK (on_incoming), printer);
  g_socket_service_start (printer->service);

  return printer;
}

char *
test_printer_address (TestPrinter *printer)
{
  return g_strdup_printf ("tcp://127.0.0.1:%u", printer->port);
}

/* Once every connection it took is closed. */
void
test_printer_free (TestPrinter *printer)
{
  while (printer->open > 0)
    g_main_context_iteration (NULL, TRUE);
  g_socket_service_stop (printer->service);
  g_socket_listener_close (G_SOCKET_LISTENER (printer->service));
  g_object_unref (printer->service);
  g_ptr_array_unref (printer->jobs);
  g_free (printer);
}


