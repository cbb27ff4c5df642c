#ifndef TENANTRY_CMALLOC_SHIM_H
#define TENANTRY_CMALLOC_SHIM_H
/* glibc's allocator controls (malloc_trim), which Swift's Glibc module leaves out. Other C
   libraries (Darwin's, musl) have no malloc_trim; the module is empty there. */
#if defined(__linux__)
#include <features.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#endif
#endif
