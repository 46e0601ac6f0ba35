/* low_precision.h: P1 in bf16 (issue 18), tests of the P1 check
 * (checks/claims/p1_adam_window/low_precision.c, part of the P1 check). */
#ifndef DLV_LOWP_P1_ADAM_WINDOW_H
#define DLV_LOWP_P1_ADAM_WINDOW_H

void p1_lowp_stall_k(void **state);
void p1_lowp_const_target(void **state);

#endif
