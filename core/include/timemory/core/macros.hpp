// Small portability macros shared by every timemory header. Never include CUDA, PAPI, MPI or
// Python headers from core/.
#pragma once

#if defined(__GNUC__) || defined(__clang__)
#define TIMEMORY_INLINE inline __attribute__((always_inline))
#define TIMEMORY_NOINLINE __attribute__((noinline))
#define TIMEMORY_LIKELY(x) __builtin_expect(!!(x), 1)
#define TIMEMORY_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TIMEMORY_VISIBLE __attribute__((visibility("default")))
#else
#define TIMEMORY_INLINE inline
#define TIMEMORY_NOINLINE
#define TIMEMORY_LIKELY(x) (x)
#define TIMEMORY_UNLIKELY(x) (x)
#define TIMEMORY_VISIBLE
#endif

// Thread-locals read on every push/pop: one TLS load instead of a __tls_get_addr call. nvcc's
// front end warns about the attribute (1835), so .cu files see the plain (still correct) form.
#if (defined(__GNUC__) || defined(__clang__)) && !defined(__CUDACC__)
#define TIMEMORY_INITIAL_EXEC __attribute__((tls_model("initial-exec")))
#else
#define TIMEMORY_INITIAL_EXEC
#endif

#define TIMEMORY_CONCAT_IMPL(a, b) a##b
#define TIMEMORY_CONCAT(a, b) TIMEMORY_CONCAT_IMPL(a, b)
