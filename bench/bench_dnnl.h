/* bench_dnnl.h: oneDNN's conv3d (f32, and bf16 inputs; oneDNN 2.6 has no f64) as a
 * peer of the conv3d kernels; compiled only when CMake found oneDNN. */
#ifndef DLV_BENCH_DNNL_H
#define DLV_BENCH_DNNL_H

#include <stddef.h>

#include "conv3d.h"

struct bdnnl;

/* A primitive for pass `pass` (enum dlv_conv3d_pass) on inputs a, b in
 * dlverify's layouts (as the kernels' arguments).  any != 0: oneDNN picks
 * its preferred (blocked) layouts, inputs are reordered once here, outside
 * the timed region; any == 0: our channels-last layouts are forced.  NULL
 * on failure, with the reason in why. */
struct bdnnl *bdnnl_create(const dlv_conv3d_shape *s, int pass, int any,
                           const float *a, const float *b, char *why,
                           size_t why_len);
/* The same with bf16 inputs when bf16 != 0 (a, b bf16 patterns; the
 * output in f32, conv3d_lowp.h's convention; oneDNN's hint forward of a
 * backward pass has a bf16 dst). */
struct bdnnl *bdnnl_create_typed(const dlv_conv3d_shape *s, int pass, int any,
                                 int bf16, const void *a, const void *b,
                                 char *why, size_t why_len);
/* Executes the primitive once (the timed part). */
void bdnnl_run(struct bdnnl *c);
/* The output in dlverify's layout (reordered back if needed). */
void bdnnl_result(struct bdnnl *c, float *out);
/* The implementation oneDNN chose (e.g. "jit:avx512_core"). */
const char *bdnnl_impl(const struct bdnnl *c);
/* Appends " [impl]" to the check text buf (size len). */
void bdnnl_append_impl(const struct bdnnl *c, char *buf, size_t len);
void bdnnl_free(struct bdnnl *c);

#endif
