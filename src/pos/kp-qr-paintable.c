/* kp-qr-paintable.c
 *
 * Copyright 2026 The KakaoPay POS authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kp-qr-paintable"

#include "config.h"

#include <qrencode.h>

#include "kp-qr-paintable.h"

/* Quiet zone the QR specification asks for, in modules. */
#define QUIET_ZONE 4

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

/* A QR code drawn as one rectangle per dark module, each module a whole number of
 * pixels, on a white square that includes the quiet zone. Unlike a scaled texture it
 * stays crisp at any size and scale with both renderers. */
struct _KpQrPaintable
{
  GObject  parent_instance;

  char    *text;
  int      width;       /* modules per side, without the quiet zone; 0 when empty */
  guint8  *modules;     /* width × width, 1 = dark */
};

static void kp_qr_paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KpQrPaintable, kp_qr_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      kp_qr_paintable_iface_init))

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kp_qr_paintable_snapshot (GdkPaintable *paintable,
                          GdkSnapshot  *snapshot,
                          double        width,
                          double        height)
{
  KpQrPaintable *self = KP_QR_PAINTABLE (paintable);
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA black = { 0, 0, 0, 1 };
  int total, module;
  double side, x0, y0;

  if (self->width == 0)
    return;

  total = self->width + 2 * QUIET_ZONE;
  module = MAX (1, (int) (MIN (width, height) / total));
  side = (double) module * total;
  x0 = floor ((width - side) / 2);
  y0 = floor ((height - side) / 2);

  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x0, y0, side, side));
  for (int y = 0; y < self->width; y++)
    {
      for (int x = 0; x < self->width; x++)
        {
          int run = 0;

          /* Join horizontal runs of dark modules: fewer nodes, same pixels. */
          while (x + run < self->width && self->modules[y * self->width + x + run])
            run++;
          if (run == 0)
            continue;
          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + (double) (x + QUIET_ZONE) * module,
                                                          y0 + (double) (y + QUIET_ZONE) * module,
                                                          (double) run * module,
                                                          module));
          x += run - 1;
        }
    }
}

static int
kp_qr_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  KpQrPaintable *self = KP_QR_PAINTABLE (paintable);

  return self->width > 0 ? (self->width + 2 * QUIET_ZONE) * 8 : 0;
}

static int
kp_qr_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return kp_qr_paintable_get_intrinsic_width (paintable);
}

static double
kp_qr_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static void
kp_qr_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = kp_qr_paintable_snapshot;
  iface->get_intrinsic_width = kp_qr_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = kp_qr_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = kp_qr_paintable_get_intrinsic_aspect_ratio;
}

static void
kp_qr_paintable_finalize (GObject *object)
{
  KpQrPaintable *self = KP_QR_PAINTABLE (object);

  g_free (self->text);
  g_free (self->modules);

  G_OBJECT_CLASS (kp_qr_paintable_parent_class)->finalize (object);
}

static void
kp_qr_paintable_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  KpQrPaintable *self = KP_QR_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_qr_paintable_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  KpQrPaintable *self = KP_QR_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      kp_qr_paintable_set_text (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kp_qr_paintable_class_init (KpQrPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kp_qr_paintable_finalize;
  object_class->get_property = kp_qr_paintable_get_property;
  object_class->set_property = kp_qr_paintable_set_property;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kp_qr_paintable_init (KpQrPaintable *self)
{
}

KpQrPaintable *
kp_qr_paintable_new (void)
{
  return g_object_new (KP_TYPE_QR_PAINTABLE, NULL);
}

const char *
kp_qr_paintable_get_text (KpQrPaintable *self)
{
  g_return_val_if_fail (KP_IS_QR_PAINTABLE (self), NULL);

  return self->text;
}

/**
 * kp_qr_paintable_set_text:
 * @text: (nullable): what the code encodes (ECC level M, 8-bit, case-sensitive)
 */
void
kp_qr_paintable_set_text (KpQrPaintable *self,
                          const char    *text)
{
  g_autoptr (QRcode) code = NULL;

  g_return_if_fail (KP_IS_QR_PAINTABLE (self));

  if (g_strcmp0 (self->text, text) == 0)
    return;

  g_free (self->text);
  self->text = g_strdup (text);
  g_clear_pointer (&self->modules, g_free);
  self->width = 0;

  if (text != NULL && *text != '\0')
    code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code != NULL)
    {
      self->width = code->width;
      self->modules = g_malloc ((gsize) code->width * code->width);
      for (int i = 0; i < code->width * code->width; i++)
        self->modules[i] = code->data[i] & 1;
    }
  else if (text != NULL && *text != '\0')
    g_warning ("Could not encode a QR code of %zu bytes", strlen (text));

  gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

int
kp_qr_paintable_get_modules (KpQrPaintable *self)
{
  g_return_val_if_fail (KP_IS_QR_PAINTABLE (self), 0);

  return self->width;
}
