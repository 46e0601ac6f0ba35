/* bench_dnnl.c: oneDNN's conv3d primitives as a bench peer (see
 * bench_dnnl.h).  Dimension mapping: oneDNN's logical order is N C D H W;
 * dlverify's L1 (B, H1, W1, T1, C') is N D H W C with D = H1, H = W1,
 * W = T1 (format tag ndhwc), F (U, V, Z, C', C) is D H W I O (dhwio), L2
 * (B, H, W, T, C) is ndhwc.  Valid convolution: strides 1, no padding. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dnnl.h>

#include "bench_dnnl.h"

struct bdnnl {
  dnnl_engine_t eng;
  dnnl_stream_t st;
  dnnl_primitive_desc_t fwd_pd, pd;
  dnnl_primitive_t prim;
  dnnl_memory_t in[2], out;
  dnnl_memory_desc_t out_user;
  int arg_in[2], arg_out;
  const char *impl;
};

#define TRY(call)                                                             \
  do {                                                                        \
    dnnl_status_t s_ = (call);                                                \
    if (s_ != dnnl_success) {                                                 \
      snprintf(why, why_len, "%s failed (status %d)", #call, (int)s_);        \
      goto fail;                                                              \
    }                                                                         \
  } while (0)

/* Copies memory `from` (layout from_md) into `to` (layout to_md) with a
 * oneDNN reorder, and waits for it. */
static dnnl_status_t reorder(struct bdnnl *c, dnnl_memory_t from,
                             const dnnl_memory_desc_t *from_md,
                             dnnl_memory_t to, const dnnl_memory_desc_t *to_md)
{
  dnnl_primitive_desc_t rpd = NULL;
  dnnl_primitive_t r = NULL;
  dnnl_status_t s = dnnl_reorder_primitive_desc_create(&rpd, from_md, c->eng,
                                                       to_md, c->eng, NULL);
  if (s == dnnl_success)
    s = dnnl_primitive_create(&r, rpd);
  if (s == dnnl_success) {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_FROM, from}, {DNNL_ARG_TO, to}};
    s = dnnl_primitive_execute(r, c->st, 2, args);
  }
  if (s == dnnl_success)
    s = dnnl_stream_wait(c->st);
  if (r)
    dnnl_primitive_destroy(r);
  if (rpd)
    dnnl_primitive_desc_destroy(rpd);
  return s;
}

/* A memory of the primitive's descriptor for argument `what` holding the
 * user's data (our layout `user`): wraps it when the layouts agree, else
 * reorders it once into a new buffer. */
static dnnl_status_t input_memory(struct bdnnl *c, dnnl_query_t what,
                                  const dnnl_memory_desc_t *user,
                                  const void *data, dnnl_memory_t *out)
{
  const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(c->pd, what, 0);
  if (dnnl_memory_desc_equal(md, user))
    return dnnl_memory_create(out, md, c->eng, (void *)data);
  dnnl_memory_t u = NULL;
  dnnl_status_t s = dnnl_memory_create(&u, user, c->eng, (void *)data);
  if (s == dnnl_success)
    s = dnnl_memory_create(out, md, c->eng, DNNL_MEMORY_ALLOCATE);
  if (s == dnnl_success)
    s = reorder(c, u, user, *out, md);
  if (u)
    dnnl_memory_destroy(u);
  return s;
}

struct bdnnl *bdnnl_create(const dlv_conv3d_shape *s, int pass, int any,
                           const float *a, const float *b, char *why,
                           size_t why_len)
{
  return bdnnl_create_typed(s, pass, any, 0, a, b, why, why_len);
}

/* Data types with bf16 inputs (bf16 != 0): what a bf16 training step
 * gives oneDNN: bf16 src, weights, dst and diff_dst; the pass's output in
 * f32 (dst of the forward, diff_weights, diff_src), as conv3d_lowp.h. */
struct dnnl_types {
  dnnl_data_type_t src, wei, dst;          /* the pass's own descriptors */
  dnnl_data_type_t hsrc, hwei, hdst;       /* the forward hint */
};

static struct dnnl_types types_of(int pass, int bf16)
{
  dnnl_data_type_t in = bf16 ? dnnl_bf16 : dnnl_f32, f = dnnl_f32;
  struct dnnl_types t = {in, in, in, in, in, in};
  if (pass == DLV_CONV3D_FWD)
    t.dst = t.hdst = f;
  else if (pass == DLV_CONV3D_BWD_FILTER)
    t.wei = f;
  else
    t.src = f;
  return t;
}

struct bdnnl *bdnnl_create_typed(const dlv_conv3d_shape *s, int pass, int any,
                                 int bf16, const void *a, const void *b,
                                 char *why, size_t why_len)
{
  struct bdnnl *c = calloc(1, sizeof *c);
  if (c == NULL) {
    snprintf(why, why_len, "out of memory");
    return NULL;
  }
  dnnl_dims_t src = {(dnnl_dim_t)s->b, (dnnl_dim_t)s->cp,
                     (dnnl_dim_t)(s->h + s->u - 1),
                     (dnnl_dim_t)(s->w + s->v - 1),
                     (dnnl_dim_t)(s->t + s->z - 1)};
  dnnl_dims_t wei = {(dnnl_dim_t)s->c, (dnnl_dim_t)s->cp, (dnnl_dim_t)s->u,
                     (dnnl_dim_t)s->v, (dnnl_dim_t)s->z};
  dnnl_dims_t dst = {(dnnl_dim_t)s->b, (dnnl_dim_t)s->c, (dnnl_dim_t)s->h,
                     (dnnl_dim_t)s->w, (dnnl_dim_t)s->t};
  dnnl_dims_t one = {1, 1, 1}, zero = {0, 0, 0};
  dnnl_memory_desc_t u_src, u_wei, u_dst, o_src, o_wei, o_dst, h_src, h_wei,
      h_dst;
  struct dnnl_types ty = types_of(pass, bf16);
  dnnl_format_tag_t ta = any ? dnnl_format_tag_any : dnnl_ndhwc;
  dnnl_format_tag_t tw = any ? dnnl_format_tag_any : dnnl_dhwio;
  dnnl_convolution_desc_t fd, bd;
  TRY(dnnl_engine_create(&c->eng, dnnl_cpu, 0));
  TRY(dnnl_stream_create(&c->st, c->eng, dnnl_stream_default_flags));
  TRY(dnnl_memory_desc_init_by_tag(&u_src, 5, src, ty.src, dnnl_ndhwc));
  TRY(dnnl_memory_desc_init_by_tag(&u_wei, 5, wei, ty.wei, dnnl_dhwio));
  TRY(dnnl_memory_desc_init_by_tag(&u_dst, 5, dst, ty.dst, dnnl_ndhwc));
  TRY(dnnl_memory_desc_init_by_tag(&o_src, 5, src, ty.src, ta));
  TRY(dnnl_memory_desc_init_by_tag(&o_wei, 5, wei, ty.wei, tw));
  TRY(dnnl_memory_desc_init_by_tag(&o_dst, 5, dst, ty.dst, ta));
  TRY(dnnl_memory_desc_init_by_tag(&h_src, 5, src, ty.hsrc, ta));
  TRY(dnnl_memory_desc_init_by_tag(&h_wei, 5, wei, ty.hwei, tw));
  TRY(dnnl_memory_desc_init_by_tag(&h_dst, 5, dst, ty.hdst, ta));
  TRY(dnnl_convolution_forward_desc_init(&fd, dnnl_forward_training,
                                         dnnl_convolution_direct, &h_src,
                                         &h_wei, NULL, &h_dst, one, zero,
                                         zero));
  TRY(dnnl_primitive_desc_create(&c->fwd_pd, &fd, NULL, c->eng, NULL));
  dnnl_query_t q_in[2], q_out;
  const dnnl_memory_desc_t *user_in[2];
  if (pass == DLV_CONV3D_FWD) {
    c->pd = c->fwd_pd;
    q_in[0] = dnnl_query_src_md, c->arg_in[0] = DNNL_ARG_SRC;
    q_in[1] = dnnl_query_weights_md, c->arg_in[1] = DNNL_ARG_WEIGHTS;
    q_out = dnnl_query_dst_md, c->arg_out = DNNL_ARG_DST;
    user_in[0] = &u_src, user_in[1] = &u_wei, c->out_user = u_dst;
  } else if (pass == DLV_CONV3D_BWD_FILTER) {
    TRY(dnnl_convolution_backward_weights_desc_init(
        &bd, dnnl_convolution_direct, &o_src, &o_wei, NULL, &o_dst, one,
        zero, zero));
    TRY(dnnl_primitive_desc_create(&c->pd, &bd, NULL, c->eng, c->fwd_pd));
    q_in[0] = dnnl_query_src_md, c->arg_in[0] = DNNL_ARG_SRC;
    q_in[1] = dnnl_query_diff_dst_md, c->arg_in[1] = DNNL_ARG_DIFF_DST;
    q_out = dnnl_query_diff_weights_md, c->arg_out = DNNL_ARG_DIFF_WEIGHTS;
    user_in[0] = &u_src, user_in[1] = &u_dst, c->out_user = u_wei;
  } else {
    TRY(dnnl_convolution_backward_data_desc_init(
        &bd, dnnl_convolution_direct, &o_src, &o_wei, &o_dst, one, zero,
        zero));
    TRY(dnnl_primitive_desc_create(&c->pd, &bd, NULL, c->eng, c->fwd_pd));
    q_in[0] = dnnl_query_weights_md, c->arg_in[0] = DNNL_ARG_WEIGHTS;
    q_in[1] = dnnl_query_diff_dst_md, c->arg_in[1] = DNNL_ARG_DIFF_DST;
    q_out = dnnl_query_diff_src_md, c->arg_out = DNNL_ARG_DIFF_SRC;
    user_in[0] = &u_wei, user_in[1] = &u_dst, c->out_user = u_src;
  }
  TRY(dnnl_primitive_desc_query(c->pd, dnnl_query_impl_info_str, 0,
                                &c->impl));
  TRY(dnnl_primitive_create(&c->prim, c->pd));
  TRY(input_memory(c, q_in[0], user_in[0], a, &c->in[0]));
  TRY(input_memory(c, q_in[1], user_in[1], b, &c->in[1]));
  TRY(dnnl_memory_create(&c->out, dnnl_primitive_desc_query_md(c->pd, q_out, 0),
                         c->eng, DNNL_MEMORY_ALLOCATE));
  return c;
fail:
  bdnnl_free(c);
  return NULL;
}

void bdnnl_run(struct bdnnl *c)
{
  dnnl_exec_arg_t args[] = {{c->arg_in[0], c->in[0]},
                            {c->arg_in[1], c->in[1]},
                            {c->arg_out, c->out}};
  dnnl_primitive_execute(c->prim, c->st, 3, args);
  dnnl_stream_wait(c->st);
}

void bdnnl_result(struct bdnnl *c, float *out)
{
  dnnl_memory_t u = NULL;
  if (dnnl_memory_create(&u, &c->out_user, c->eng, out) == dnnl_success)
    reorder(c, c->out,
            dnnl_primitive_desc_query_md(c->pd, dnnl_query_exec_arg_md,
                                         c->arg_out),
            u, &c->out_user);
  if (u)
    dnnl_memory_destroy(u);
}

const char *bdnnl_impl(const struct bdnnl *c)
{
  return c->impl ? c->impl : "?";
}

void bdnnl_append_impl(const struct bdnnl *c, char *buf, size_t len)
{
  size_t used = strlen(buf);
  if (used < len)
    snprintf(buf + used, len - used, " [%s]", bdnnl_impl(c));
}

void bdnnl_free(struct bdnnl *c)
{
  if (c == NULL)
    return;
  for (int i = 0; i < 2; i++)
    if (c->in[i])
      dnnl_memory_destroy(c->in[i]);
  if (c->out)
    dnnl_memory_destroy(c->out);
  if (c->prim)
    dnnl_primitive_destroy(c->prim);
  if (c->pd && c->pd != c->fwd_pd)
    dnnl_primitive_desc_destroy(c->pd);
  if (c->fwd_pd)
    dnnl_primitive_desc_destroy(c->fwd_pd);
  if (c->st)
    dnnl_stream_destroy(c->st);
  if (c->eng)
    dnnl_engine_destroy(c->eng);
  free(c);
}
