/* builtin.c: dlverify's own kernels as a backend (the default).  Every
 * pointer is the kernel itself; the support flags restate the contract of
 * its header (nrm2.h, conv3d.h, adam.h, prox_group.h, loss.h, closs.h,
 * hvp.h). */
#include "adam.h"
#include "backend_load.h"
#include "closs.h"
#include "conv3d.h"
#include "hvp.h"
#include "loss.h"
#include "nrm2.h"
#include "prox_group.h"
#include "threads.h"

/* Vector kernels: every stride, status protocol, no threads. */
#define VEC_IN                                                                \
  (DLV_BK_PROVIDED | DLV_BK_STRIDES | DLV_BK_NEG_STRIDES | DLV_BK_STATUS |   \
   DLV_BK_THREAD_INVARIANT)
#define VEC_IN_OUT (VEC_IN | DLV_BK_DISTINCT | DLV_BK_IN_PLACE)
/* conv3d: contiguous; results independent of dlv_set_threads (conv3d.h:
 * FAST sums each element in one thread; the others use no dlverify
 * threads.  OpenBLAS's own thread count is not this backend's knob). */
#define CONV (DLV_BK_PROVIDED | DLV_BK_STATUS | DLV_BK_THREAD_INVARIANT)
#define ADAM (DLV_BK_PROVIDED | DLV_BK_STATUS | DLV_BK_THREAD_INVARIANT)
/* losses and HVPs: double only (no float entry points), contiguous. */
#define LOSS (DLV_BK_PROVIDED | DLV_BK_STATUS | DLV_BK_THREAD_INVARIANT)
#define V2(op) [(op) - DLV_BK_NOPS_V1]

static int set_threads(int n)
{
  dlv_set_threads(n);
  return 0;
}

static const dlv_backend builtin = {
    .abi_version = DLV_BACKEND_ABI_VERSION,
    .name = "builtin",
    .version = "dlverify " DLV_VERSION,
    .support =
        {
            [DLV_BK_NRM2] = {VEC_IN, VEC_IN},
            [DLV_BK_NRM2_GRAD] = {VEC_IN_OUT, VEC_IN_OUT},
            [DLV_BK_CONV3D_FWD] = {CONV, CONV},
            [DLV_BK_CONV3D_BWD_FILTER] = {CONV, CONV},
            [DLV_BK_CONV3D_BWD_INPUT] = {CONV, CONV},
            [DLV_BK_ADAM_STEP] = {ADAM, ADAM},
            [DLV_BK_PROX_GROUP] = {VEC_IN_OUT, VEC_IN_OUT},
        },
    .n_conv3d_variants = DLV_CONV3D_NVARIANTS,
    .conv3d_variant_name = dlv_conv3d_variant_name,
    .set_threads = set_threads,
    .nrm2_d = dlv_nrm2_d,
    .nrm2_s = dlv_nrm2_s,
    .nrm2_grad_d = dlv_nrm2_grad_d,
    .nrm2_grad_s = dlv_nrm2_grad_s,
    .conv3d_d = {dlv_conv3d_fwd_d, dlv_conv3d_bwd_filter_d,
                 dlv_conv3d_bwd_input_d},
    .conv3d_s = {dlv_conv3d_fwd_s, dlv_conv3d_bwd_filter_s,
                 dlv_conv3d_bwd_input_s},
    .conv3d_work_size = dlv_conv3d_work_size,
    .adam_step_d = dlv_adam_step_d,
    .adam_step_s = dlv_adam_step_s,
    .prox_group_d = dlv_prox_group_d,
    .prox_group_s = dlv_prox_group_s,
    .support_v2 =
        {
            V2(DLV_BK_LOSS_QUADRATIC) = {LOSS, 0},
            V2(DLV_BK_LOSS_LOGISTIC) = {LOSS, 0},
            V2(DLV_BK_CLOSS_QUADRATIC) = {LOSS, 0},
            V2(DLV_BK_CLOSS_LOGISTIC) = {LOSS, 0},
            V2(DLV_BK_CLOSS_TANHNET) = {LOSS, 0},
            V2(DLV_BK_CLOSS_NORM) = {LOSS, 0},
            V2(DLV_BK_HVP_STEP) = {LOSS, 0},
            V2(DLV_BK_HVP_CSTEP) = {LOSS, 0},
            V2(DLV_BK_HVP_CENTRAL) = {LOSS, 0},
            V2(DLV_BK_LINESEARCH_STEP) = {LOSS, 0},
        },
    .loss_quadratic_d = dlv_loss_quadratic_d,
    .loss_logistic_d = dlv_loss_logistic_d,
    .closs_quadratic_d = dlv_closs_quadratic_d,
    .closs_quadratic_z = dlv_closs_quadratic_z,
    .closs_logistic_d = dlv_closs_logistic_d,
    .closs_logistic_z = dlv_closs_logistic_z,
    .closs_tanhnet_d = dlv_closs_tanhnet_d,
    .closs_tanhnet_z = dlv_closs_tanhnet_z,
    .closs_norm_d = dlv_closs_norm_d,
    .closs_norm_z = dlv_closs_norm_z,
    .hvp_step_d = dlv_hvp_step_d,
    .hvp_cstep_d = dlv_hvp_cstep_d,
    .hvp_central_d = dlv_hvp_central_d,
    .linesearch_step_d = dlv_linesearch_step_d,
};

const dlv_backend *dlv_backend_builtin(void)
{
  return &builtin;
}
