/* kp-receipt-printer.c: sending a job to an ESC/POS printer, over raw TCP or to a
 * device file, without ever waiting on it
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-receipt-printer"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "kp-receipt-printer.h"

/* How long a tcp:// printer has to answer DLE EOT before its state counts as unknown. */
#define DEFAULT_STATUS_TIMEOUT_MS 500

/* DLE EOT 4: the roll paper sensor status. */
static const guint8 status_request[] = { 0x10, 0x04, 0x04 };
/* In its answer: the paper is out (bits 5 and 6). */
#define STATUS_PAPER_OUT 0x60

G_DEFINE_QUARK (kp-receipt-error-quark, kp_receipt_error)

struct _KpReceiptPrinter
{
  GObject  parent_instance;

  char    *address;
  char    *host_and_port;
  GFile   *file;
  guint    timeout_ms;
  guint    status_timeout_ms;
};

G_DEFINE_FINAL_TYPE (KpReceiptPrinter, kp_receipt_printer, G_TYPE_OBJECT)

static void
kp_receipt_printer_finalize (GObject *object)
{
  KpReceiptPrinter *self = KP_RECEIPT_PRINTER (object);

  g_free (self->address);
  g_free (self->host_and_port);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (kp_receipt_printer_parent_class)->finalize (object);
}

static void
kp_receipt_printer_class_init (KpReceiptPrinterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kp_receipt_printer_finalize;
}

static void
kp_receipt_printer_init (KpReceiptPrinter *self)
{
  self->timeout_ms = KP_RECEIPT_PRINTER_DEFAULT_TIMEOUT * 1000;
  self->status_timeout_ms = DEFAULT_STATUS_TIMEOUT_MS;
}

static gboolean
refuse_address (const char  *address,
                GError     **error)
{
  g_set_error (error, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_ADDRESS,
               /* Translators: %s is what was given as the receipt printer */
               _("“%s” is not a receipt printer address: use tcp://HOST:PORT or file:PATH."),
               address);
  return FALSE;
}

/**
 * kp_receipt_printer_new:
 * @address: `tcp://HOST[:PORT]` (port 9100 when left out) or `file:PATH` (a
 *   line-printer device such as /dev/usb/lp0, or any file, appended to)
 * @error: a %KP_RECEIPT_ERROR_ADDRESS
 *
 * Returns: (transfer full) (nullable): the printer, or %NULL with @error set
 */
KpReceiptPrinter *
kp_receipt_printer_new (const char  *address,
                        GError     **error)
{
  g_autoptr (KpReceiptPrinter) self = NULL;

  g_return_val_if_fail (address != NULL, NULL);

  self = g_object_new (KP_TYPE_RECEIPT_PRINTER, NULL);
  self->address = g_strdup (address);

  if (g_ascii_strncasecmp (address, "tcp://", strlen ("tcp://")) == 0)
    {
      g_autoptr (GUri) uri = g_uri_parse (address, G_URI_FLAGS_NONE, NULL);
      const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;
      const char *path = uri != NULL ? g_uri_get_path (uri) : NULL;
      int port = uri != NULL ? g_uri_get_port (uri) : -1;

      if (host == NULL || *host == '\0' || (path != NULL && *path != '\0' &&
                                            !g_str_equal (path, "/")) ||
          port == 0 || g_uri_get_query (uri) != NULL)
        {
          refuse_address (address, error);
          return NULL;
        }

      if (port < 0)
        port = KP_RECEIPT_PRINTER_DEFAULT_PORT;
      if (strchr (host, ':') != NULL)
        self->host_and_port = g_strdup_printf ("[%s]:%d", host, port);
      else
        self->host_and_port = g_strdup_printf ("%s:%d", host, port);
    }
  else if (g_str_has_prefix (address, "file:"))
    {
      const char *rest = address + strlen ("file:");

      if (g_str_has_prefix (rest, "//"))
        {
          g_autofree char *path = g_filename_from_uri (address, NULL, NULL);

          if (path == NULL)
            {
              refuse_address (address, error);
              return NULL;
            }
          self->file = g_file_new_for_path (path);
        }
      else if (g_path_is_absolute (rest))
        self->file = g_file_new_for_path (rest);
      else
        {
          refuse_address (address, error);
          return NULL;
        }
    }
  else
    {
      refuse_address (address, error);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
kp_receipt_printer_get_address (KpReceiptPrinter *self)
{
  g_return_val_if_fail (KP_IS_RECEIPT_PRINTER (self), NULL);

  return self->address;
}

/**
 * kp_receipt_printer_set_timeout:
 * @timeout_ms: how long a job may take, from connecting to the last byte
 */
void
kp_receipt_printer_set_timeout (KpReceiptPrinter *self,
                                guint             timeout_ms)
{
  g_return_if_fail (KP_IS_RECEIPT_PRINTER (self));

  self->timeout_ms = timeout_ms;
}

/**
 * kp_receipt_printer_set_status_timeout:
 * @timeout_ms: how long a tcp:// printer has to answer DLE EOT before the job is
 *   sent anyway (its state unknown)
 */
void
kp_receipt_printer_set_status_timeout (KpReceiptPrinter *self,
                                       guint             timeout_ms)
{
  g_return_if_fail (KP_IS_RECEIPT_PRINTER (self));

  self->status_timeout_ms = timeout_ms;
}

typedef struct
{
  GBytes            *job;
  GCancellable      *cancellable;   /* the job's: the caller's and the timeout */
  GCancellable      *caller;
  gulong             caller_handler;
  GSource           *timeout;
  gboolean           timed_out;
  GIOStream         *connection;
  GOutputStream     *output;
  GCancellable      *status_cancellable;
  GSource           *status_timeout;
  guint8             status;
} Job;

static void
job_free (Job *job)
{
  if (job->caller_handler != 0)
    g_cancellable_disconnect (job->caller, job->caller_handler);
  g_clear_object (&job->caller);
  if (job->timeout != NULL)
    g_source_destroy (job->timeout);
  g_clear_pointer (&job->timeout, g_source_unref);
  if (job->status_timeout != NULL)
    g_source_destroy (job->status_timeout);
  g_clear_pointer (&job->status_timeout, g_source_unref);
  g_clear_object (&job->status_cancellable);
  g_clear_object (&job->connection);
  g_clear_object (&job->output);
  g_clear_object (&job->cancellable);
  g_bytes_unref (job->job);
  g_free (job);
}

static gboolean
on_timeout (gpointer user_data)
{
  Job *job = user_data;

  job->timed_out = TRUE;
  g_cancellable_cancel (job->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_caller_cancelled (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static GSource *
add_timeout (guint       timeout_ms,
             GSourceFunc func,
             gpointer    data)
{
  GSource *source = g_timeout_source_new (timeout_ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_set_name (source, "[kp-receipt-printer] timeout");
  g_source_attach (source, g_main_context_get_thread_default ());
  return source;
}

/* Returns the task's error for @error: timed out, cancelled by the caller, or
 * @code with @format's message. */
static void
fail (GTask      *task,
      GError     *error,
      int         code,
      const char *message)
{
  Job *job = g_task_get_task_data (task);

  if (job->timed_out)
    g_task_return_new_error (task, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_TIMED_OUT,
                             _("The printer did not answer in time."));
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, g_error_copy (error));
  else
    g_task_return_new_error (task, KP_RECEIPT_ERROR, code, "%s: %s", message,
                             error->message);

  g_object_unref (task);
}

static void
on_closed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GTask *task = user_data;
  g_autoptr (GError) error = NULL;
  gboolean closed;

  if (G_IS_IO_STREAM (source))
    closed = g_io_stream_close_finish (G_IO_STREAM (source), result, &error);
  else
    closed = g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error);

  if (!closed)
    {
      fail (task, error, KP_RECEIPT_ERROR_WRITE, _("The receipt could not be sent"));
      return;
    }

  g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
on_job_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      fail (task, error, KP_RECEIPT_ERROR_WRITE, _("The receipt could not be sent"));
      return;
    }

  if (job->connection != NULL)
    g_io_stream_close_async (job->connection, G_PRIORITY_DEFAULT, job->cancellable,
                             on_closed, task);
  else
    g_output_stream_close_async (job->output, G_PRIORITY_DEFAULT, job->cancellable,
                                 on_closed, task);
}

static void
write_job (GTask *task)
{
  Job *job = g_task_get_task_data (task);
  gsize len;
  gconstpointer data = g_bytes_get_data (job->job, &len);

  g_output_stream_write_all_async (job->output, data, len, G_PRIORITY_DEFAULT,
                                   job->cancellable, on_job_written, task);
}

static gboolean
on_status_timeout (gpointer user_data)
{
  Job *job = user_data;

  g_cancellable_cancel (job->status_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_status_read (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  if (job->status_timeout != NULL)
    {
      g_source_destroy (job->status_timeout);
      g_clear_pointer (&job->status_timeout, g_source_unref);
    }

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      g_autoptr (GError) cancelled = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                          "Cancelled");

      fail (task, cancelled, KP_RECEIPT_ERROR_WRITE, "");
      return;
    }

  /* No answer, or none that reads: the printer's state is unknown; print anyway. */
  if (n == 1 && (job->status & 0x93) == 0x12 && (job->status & STATUS_PAPER_OUT) != 0)
    {
      g_task_return_new_error (task, KP_RECEIPT_ERROR, KP_RECEIPT_ERROR_OUT_OF_PAPER,
                               _("The printer is out of paper."));
      g_object_unref (task);
      return;
    }

  write_job (task);
}

static void
on_status_requested (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  KpReceiptPrinter *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  GInputStream *input;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      fail (task, error, KP_RECEIPT_ERROR_WRITE, _("The receipt could not be sent"));
      return;
    }

  job->status_cancellable = g_cancellable_new ();
  g_cancellable_connect (job->cancellable, G_CALLBACK (on_caller_cancelled),
                         g_object_ref (job->status_cancellable), g_object_unref);
  job->status_timeout = add_timeout (self->status_timeout_ms, on_status_timeout, job);

  input = g_io_stream_get_input_stream (job->connection);
  g_input_stream_read_async (input, &job->status, 1, G_PRIORITY_DEFAULT,
                             job->status_cancellable, on_status_read, task);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  KpReceiptPrinter *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  GSocketConnection *connection;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result,
                                                       &error);
  if (connection == NULL)
    {
      /* Translators: %s is the printer's address, e.g. tcp://192.168.0.20:9100 */
      message = g_strdup_printf (_("The printer at %s cannot be reached"), self->address);
      fail (task, error, KP_RECEIPT_ERROR_UNREACHABLE, message);
      return;
    }

  job->connection = G_IO_STREAM (connection);
  job->output = g_object_ref (g_io_stream_get_output_stream (job->connection));
  g_output_stream_write_all_async (job->output, status_request, sizeof status_request,
                                   G_PRIORITY_DEFAULT, job->cancellable,
                                   on_status_requested, task);
}

static void
on_file_opened (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);
  KpReceiptPrinter *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  GFileOutputStream *output;

  output = g_file_append_to_finish (G_FILE (source), result, &error);
  if (output == NULL)
    {
      /* Translators: %s is the printer's device or file, e.g. /dev/usb/lp0 */
      message = g_strdup_printf (_("The printer %s cannot be opened"),
                                 g_file_peek_path (self->file));
      fail (task, error, KP_RECEIPT_ERROR_UNREACHABLE, message);
      return;
    }

  job->output = G_OUTPUT_STREAM (output);
  write_job (task);
}

/**
 * kp_receipt_printer_print_async:
 * @job: the bytes to print (kp_escpos_encode())
 *
 * Sends @job. A tcp:// printer is asked for its paper status first (DLE EOT 4);
 * one that says its paper is out fails with %KP_RECEIPT_ERROR_OUT_OF_PAPER, one
 * that does not answer is printed to anyway. The whole job fails with
 * %KP_RECEIPT_ERROR_TIMED_OUT when it takes longer than the printer's timeout.
 */
void
kp_receipt_printer_print_async (KpReceiptPrinter    *self,
                                GBytes              *job_bytes,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  Job *job;

  g_return_if_fail (KP_IS_RECEIPT_PRINTER (self));
  g_return_if_fail (job_bytes != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kp_receipt_printer_print_async);

  job = g_new0 (Job, 1);
  job->job = g_bytes_ref (job_bytes);
  job->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      job->caller = g_object_ref (cancellable);
      job->caller_handler = g_cancellable_connect (cancellable,
                                                   G_CALLBACK (on_caller_cancelled),
                                                   g_object_ref (job->cancellable),
                                                   g_object_unref);
    }
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  job->timeout = add_timeout (self->timeout_ms, on_timeout, job);

  if (self->host_and_port != NULL)
    {
      g_autoptr (GSocketClient) client = g_socket_client_new ();

      g_socket_client_connect_to_host_async (client, self->host_and_port,
                                             KP_RECEIPT_PRINTER_DEFAULT_PORT,
                                             job->cancellable, on_connected, task);
    }
  else
    g_file_append_to_async (self->file, G_FILE_CREATE_NONE, G_PRIORITY_DEFAULT,
                            job->cancellable, on_file_opened, task);
}

gboolean
kp_receipt_printer_print_finish (KpReceiptPrinter  *self,
                                 GAsyncResult      *result,
                                 GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
