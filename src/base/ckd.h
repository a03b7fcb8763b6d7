/* ckd.h - checked arithmetic for input-derived numbers (C23 <stdckdint.h> names). */
#ifndef AIRLOCK_CKD_H
#define AIRLOCK_CKD_H

/* Each returns true when the result overflowed; *r is then unspecified. */
#define ckd_add(r, a, b) __builtin_add_overflow((a), (b), (r))
#define ckd_sub(r, a, b) __builtin_sub_overflow((a), (b), (r))
#define ckd_mul(r, a, b) __builtin_mul_overflow((a), (b), (r))

#endif
