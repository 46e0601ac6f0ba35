/* gate_lowp.h: what the gate families of bf16/fp16 kernels share
 * (g_lowp.c defines it). */
#ifndef DLV_GATE_LOWP_H
#define DLV_GATE_LOWP_H

#include <stdint.h>

#include "gate.h"

/* A bf16 or fp16 pattern (fmt: DLV_REF_BF16 / DLV_REF_FP16, ref_lowp.h)
 * of a value class (gate.h), drawn on the format's own fields: exact
 * small integers, unit, wide, the format's subnormals, its top binades. */
uint16_t dlv_gate_lowp_value(dlv_gate_case *c, int vclass, int fmt);
/* A NaN pattern of the format drawn over the NaN range (dlv_gate_nan_bits:
 * either sign, smallest and largest payload, the quiet bit alone). */
uint16_t dlv_gate_lowp_nan(dlv_gate_case *c, int fmt);

#endif
