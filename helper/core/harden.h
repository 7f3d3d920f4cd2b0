/*
 * harden.h: keep a process's memory (keys, tokens) out of core files and
 * out of other processes' reach.
 */
#ifndef JWTCRED_HARDEN_H
#define JWTCRED_HARDEN_H

/*
 * RLIMIT_CORE 0 and, where prctl() exists, PR_SET_DUMPABLE 0 (no core
 * file, no ptrace attach by the same user, /proc/PID/mem unreadable).
 * Used by the program at start and by a background refresh's worker
 * (core/detach.c), which may be forked from a library host that set
 * neither.
 */
void jc_harden_dumps(void);

#endif
