/* fuzz_kernels.c: a libFuzzer harness for the kernels' public entry
 * points.  The input bytes choose a kernel, its sizes (small, zero, or
 * huge enough to overflow an element count), strides and values (any
 * double, NaN and Inf included).  Under ASan and UBSan it checks that no
 * entry point crashes, reads or writes out of bounds, or returns anything
 * but a dlv_status code, and that a successful call never hands back a
 * NaN it was not given (norm, line-search step).  Build with clang and
 * -DDLV_FUZZ=ON (see README); run with a time limit, e.g.
 *   build-fuzz/bin/fuzz_kernels -max_total_time=60 CORPUS_DIR */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "conv3d.h"
#include "dlv_status.h"
#include "hvp.h"
#include "noisy_linear.h"
#include "nrm2.h"
#include "prox_group.h"

/* A cursor over the fuzz input; reads past the end give zeros. */
typedef struct {
  const uint8_t *p;
  size_t n;
} input;

static uint8_t take_u8(input *in)
{
  if (in->n == 0)
    return 0;
  in->n--;
  return *in->p++;
}

static double take_double(input *in)
{
  uint64_t bits = 0;
  for (int i = 0; i < 8; i++)
    bits = bits << 8 | take_u8(in);
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

/* A size: mostly 0..15, sometimes huge (to provoke overflow checks). */
static size_t take_size(input *in)
{
  uint8_t b = take_u8(in);
  if (b == 0xff)
    return SIZE_MAX / 2 + take_u8(in);
  if (b == 0xfe)
    return (size_t)1 << (32 + take_u8(in) % 16);
  return b % 16;
}

static ptrdiff_t take_stride(input *in)
{
  return (ptrdiff_t)(take_u8(in) % 7) - 3; /* -3..3, 0 included */
}

static void expect_status(int status)
{
  if (status < DLV_OK || status > DLV_ENOMEM)
    abort();
}

static double *doubles(input *in, size_t n)
{
  double *x = malloc((n ? n : 1) * sizeof *x);
  for (size_t i = 0; x != NULL && i < n; i++)
    x[i] = take_double(in);
  return x;
}

/* Elements of a strided vector of n entries, or 0 if it is too large to
 * allocate here (the call then gets NULL and must say so). */
static size_t span(size_t n, ptrdiff_t inc)
{
  size_t step = inc < 0 ? (size_t)-inc : (size_t)inc;
  if (n == 0 || step == 0 || n > 4096)
    return n == 0 ? 0 : 1;
  return (n - 1) * step + 1;
}

static void fuzz_nrm2(input *in)
{
  size_t n = take_size(in);
  ptrdiff_t inc = take_stride(in);
  size_t len = span(n, inc);
  double *x = doubles(in, len), r = 0.0; /* BLAS strides: x[0 .. len-1] */
  int ok = n <= 4096 && inc != 0;
  int status = dlv_nrm2_d(ok ? n : 0, x, inc, &r);
  expect_status(status);
  if (status == DLV_OK && (isnan(r) || r < 0.0))
    abort(); /* a norm is never NaN or negative when the call succeeds */
  double *g = doubles(in, len);
  if (ok && g != NULL)
    expect_status(dlv_nrm2_grad_d(n, x, inc, g, inc));
  expect_status(dlv_nrm2_grad_d(n, NULL, inc, g, 1)); /* NULL: no crash */
  free(g);
  free(x);
}

static void fuzz_prox(input *in)
{
  size_t n = take_size(in) % 64;
  double tau = take_double(in);
  double *v = doubles(in, n), *out = doubles(in, n);
  expect_status(dlv_prox_group_d(n, v, 1, tau, out, 1));
  expect_status(dlv_prox_group_d(n, v, 0, tau, out, 1));
  free(v);
  free(out);
}

static void fuzz_adam(input *in)
{
  size_t n = take_size(in) % 64;
  double hp[5];
  for (int i = 0; i < 5; i++)
    hp[i] = take_double(in);
  unsigned long t = take_u8(in);
  int form = take_u8(in) % 5; /* both forms, either schedule, one invalid */
  double *th = doubles(in, n), *m = doubles(in, n), *v = doubles(in, n),
         *g = doubles(in, n);
  expect_status(dlv_adam_step_d(n, th, m, v, g, hp[0], hp[1], hp[2], hp[3],
                                t, form));
  free(th);
  free(m);
  free(v);
  free(g);
}

static void fuzz_linesearch(input *in)
{
  size_t n = take_size(in) % 64;
  double *g = doubles(in, n), *hg = doubles(in, n), lambda = 0.0;
  int status = dlv_linesearch_step_d(n, g, hg, fabs(take_double(in)), &lambda);
  expect_status(status);
  if (status == DLV_OK && !(isfinite(lambda) && lambda > 0.0))
    abort(); /* a step is finite and positive, or an error */
  free(g);
  free(hg);
}

static void fuzz_linear(input *in)
{
  size_t m = take_size(in) % 32, n = take_size(in) % 32;
  double *w = doubles(in, m * n), *e = doubles(in, m * n), *x = doubles(in, n);
  double *z = doubles(in, m), *y = doubles(in, m);
  expect_status(dlv_noisy_linear_d(m, n, w, e, x, z, y));
  expect_status(dlv_linear_d(m, n, w, x, z, y));
  free(w);
  free(e);
  free(x);
  free(z);
  free(y);
}

/* Shapes from the input; buffers only when the sizes are small. */
static void fuzz_conv3d(input *in)
{
  dlv_conv3d_shape s = {take_size(in), take_size(in), take_size(in),
                        take_size(in), take_size(in), take_size(in),
                        take_size(in), take_size(in), take_size(in)};
  int variant = take_u8(in) % (DLV_CONV3D_NVARIANTS + 1);
  int pass = take_u8(in) % DLV_CONV3D_NPASSES;
  size_t n1, nf, n2, nw;
  int status = dlv_conv3d_sizes(&s, &n1, &nf, &n2);
  expect_status(status);
  if (status != DLV_OK || n1 > 20000 || nf > 20000 || n2 > 20000) {
    expect_status(dlv_conv3d_fwd_d(&s, variant, NULL, NULL, NULL, NULL, 0));
    return;
  }
  status = dlv_conv3d_work_size(&s, variant, pass, &nw);
  expect_status(status);
  if (status != DLV_OK || nw > 200000)
    return;
  double *a = doubles(in, n1), *f = doubles(in, nf), *b = doubles(in, n2);
  double *w = doubles(in, nw);
  if (pass == DLV_CONV3D_FWD)
    expect_status(dlv_conv3d_fwd_d(&s, variant, a, f, b, w, nw));
  else if (pass == DLV_CONV3D_BWD_FILTER)
    expect_status(dlv_conv3d_bwd_filter_d(&s, variant, a, b, f, w, nw));
  else
    expect_status(dlv_conv3d_bwd_input_d(&s, variant, f, b, a, w, nw));
  free(a);
  free(f);
  free(b);
  free(w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  input in = {data, size};
  switch (take_u8(&in) % 6) {
  case 0: fuzz_nrm2(&in); break;
  case 1: fuzz_prox(&in); break;
  case 2: fuzz_adam(&in); break;
  case 3: fuzz_linesearch(&in); break;
  case 4: fuzz_linear(&in); break;
  default: fuzz_conv3d(&in); break;
  }
  return 0;
}
