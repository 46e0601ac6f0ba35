/* gate_backend.c: the backend the cases run through (see gate.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "backend_load.h"
#include "gate_internal.h"

static const dlv_backend *current;
static int max_threads = INT_MAX;

void dlv_gate_set_max_threads(int n)
{
  max_threads = n;
}

int dlv_gate_max_threads(void)
{
  return max_threads;
}

void dlv_gate_set_backend(const dlv_backend *b)
{
  current = b;
}

const dlv_backend *dlv_gate_backend(void)
{
  return current != NULL ? current : dlv_backend_builtin();
}

int dlv_gate_skip(dlv_gate_case *c, const char *why)
{
  if (c->skip_why == NULL)
    c->skip_why = why;
  return 0;
}

int dlv_gate_skipped(const dlv_gate_case *c)
{
  return c->skip_why != NULL;
}

void dlv_gate_observe(dlv_gate_case *c, const char *fmt, ...)
{
  if (c->stats == NULL)
    return; /* a replay or a shrink: nothing to count */
  if (c->stats->observed++ == 0) {
    int len = snprintf(c->stats->observation, sizeof c->stats->observation,
                       "case %lu: ", c->index);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->stats->observation + len,
              sizeof c->stats->observation - (size_t)len, fmt, ap);
    va_end(ap);
  }
}

unsigned dlv_gate_stride_caps(ptrdiff_t inc)
{
  return (inc > 1 || inc < -1 ? DLV_BK_STRIDES : 0u) |
         (inc < 0 ? DLV_BK_NEG_STRIDES : 0u);
}

/* The reason for the first capability of `missing`, lowest bit first. */
static const char *missing_reason(unsigned missing)
{
  static const char *const why[] = {
      "entry not provided", "strides other than 1", "negative strides",
      "output stride != input stride", "in place",
      "error statuses (DLV_E*)", "thread-count invariance",
      "argument checks (DLV_EINVAL, DLV_EBADLEN)"};
  for (unsigned k = 0; k < sizeof why / sizeof why[0]; k++)
    if (missing & (1u << k))
      return why[k];
  return "unsupported";
}

int dlv_gate_has_caps(int op, int is_float, unsigned need)
{
  unsigned have = dlv_backend_support(dlv_gate_backend(), op,
                                      is_float ? DLV_BK_FLOAT : DLV_BK_DOUBLE);
  need |= DLV_BK_PROVIDED;
  return (have & need) == need;
}

int dlv_gate_supports(dlv_gate_case *c, int op, int is_float, unsigned need)
{
  const dlv_backend *b = dlv_gate_backend();
  unsigned have =
      dlv_backend_support(b, op, is_float ? DLV_BK_FLOAT : DLV_BK_DOUBLE);
  need |= DLV_BK_PROVIDED;
  if (!(have & DLV_BK_PROVIDED))
    need = DLV_BK_PROVIDED; /* the first reason is the whole entry */
  if ((have & need) == need)
    return 1;
  return dlv_gate_skip(c, missing_reason(need & ~have));
}

unsigned dlv_gate_io_caps(const dlv_gate_buf *in, const dlv_gate_buf *out,
                          int want)
{
  return dlv_gate_stride_caps(in->inc) | dlv_gate_stride_caps(out->inc) |
         (out == in ? DLV_BK_IN_PLACE : 0u) |
         (out->inc != in->inc ? DLV_BK_DISTINCT : 0u) |
         (want != 0 ? DLV_BK_STATUS : 0u);
}

int dlv_gate_builtin_only(dlv_gate_case *c)
{
  if (dlv_gate_backend() == dlv_backend_builtin())
    return 1;
  return dlv_gate_skip(c, "not a backend operation (dlverify's own kernel)");
}
